from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clusters.models import Cluster, Evaluation, FieldDeduction, Indicator, Predicate, SelfAssessment
from clusters.services import evaluation_framework_copy
from core.admin import LocalNumbersAdminMixin


@admin.register(Cluster)
class ClusterAdmin(LocalNumbersAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "order"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Indicator)
class IndicatorAdmin(LocalNumbersAdminMixin, admin.ModelAdmin):
    list_display = ["number", "name", "cluster", "max_points", "placement", "is_active"]
    list_filter = ["cluster", "placement", "is_active"]
    search_fields = ["name", "=number"]
    list_select_related = ["cluster"]


class VersionRaisingMixin:
    """Admin saves raise the row version too, so a staff form loaded before sees the change as a conflict."""

    def save_model(self, request, obj, form, change):
        if change and hasattr(obj, "version"):
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            row = inline_form.instance
            if row.pk and hasattr(row, "version") and inline_form.has_changed():
                row.version += 1
        super().save_formset(request, form, formset, change)


class SelfAssessmentInline(LocalNumbersAdminMixin, admin.TabularInline):
    model = SelfAssessment
    fields = ["indicator", "max_points", "score", "evidence"]
    readonly_fields = ["indicator"]
    extra = 0
    can_delete = False
    ordering = ["indicator__number"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


@admin.register(Evaluation)
class EvaluationAdmin(LocalNumbersAdminMixin, VersionRaisingMixin, SimpleHistoryAdmin):
    list_display = ["year", "stage", "is_sample", "updated_at"]
    list_filter = ["stage", "is_sample"]
    search_fields = ["=year", "note"]
    inlines = [SelfAssessmentInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            evaluation_framework_copy(evaluation=obj)


class FieldDeductionInline(LocalNumbersAdminMixin, admin.TabularInline):
    model = FieldDeduction
    fields = ["points", "reason", "stage"]
    extra = 0


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(LocalNumbersAdminMixin, VersionRaisingMixin, SimpleHistoryAdmin):
    list_display = ["evaluation", "indicator", "max_points", "score", "updated_at"]
    list_filter = ["evaluation", "indicator__cluster"]
    search_fields = ["indicator__name", "evidence"]
    list_select_related = ["evaluation", "indicator"]
    inlines = [FieldDeductionInline]


@admin.register(FieldDeduction)
class FieldDeductionAdmin(LocalNumbersAdminMixin, VersionRaisingMixin, SimpleHistoryAdmin):
    list_display = ["self_assessment", "points", "stage", "created_at"]
    list_filter = ["stage", "self_assessment__evaluation", "self_assessment__indicator__cluster"]
    search_fields = ["reason", "self_assessment__indicator__name"]
    list_select_related = ["self_assessment__evaluation", "self_assessment__indicator"]


@admin.register(Predicate)
class PredicateAdmin(LocalNumbersAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "lower_bound", "lower_inclusive"]
    search_fields = ["name", "code"]
    list_filter = ["lower_inclusive"]
