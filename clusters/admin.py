from django.contrib import admin, messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from clusters.models import (
    Cluster,
    Evaluation,
    FieldDeduction,
    Indicator,
    Instrument,
    Predicate,
    Question,
    SelfAssessment,
)
from clusters.services import evaluation_framework_copy, instrument_copy
from core.admin import LocalNumbersAdminMixin
from core.admin_history import KeepHistoryAdminMixin, ReadOnlyAdminMixin, page_link


@admin.register(Instrument)
class InstrumentAdmin(LocalNumbersAdminMixin, SimpleHistoryAdmin):
    """Instruments are edited for the next cycle as copies: an evaluation made on one keeps its own
    maxima (copied when it was created), and an instrument in use cannot be deleted."""

    list_display = ["name", "code", "first_year", "is_default", "copied_from"]
    search_fields = ["name", "code"]
    readonly_fields = ["copied_from", "created_at"]
    actions = ["copy_for_next_cycle"]

    @admin.action(description=_("Copy for the next cycle (to edit)"))
    def copy_for_next_cycle(self, request, queryset):
        for instrument in queryset:
            number = instrument.copies.count() + 1
            try:
                with transaction.atomic():
                    copy = instrument_copy(
                        instrument=instrument, code=f"{instrument.code}-salinan-{number}"[:30],
                        name=f"{instrument.name} ({_('copy')} {number})"[:200], first_year=instrument.first_year + 1,
                    )
            except IntegrityError:
                self.message_user(request, _("%(name)s was not copied: a copy with that name or code exists; "
                                             "rename it first.") % {"name": instrument.name}, messages.ERROR)
            else:
                self.message_user(request, _("Copied as %(name)s: rename it and edit its indicators and "
                                             "questions.") % {"name": copy.name}, messages.SUCCESS)


@admin.register(Cluster)
class ClusterAdmin(LocalNumbersAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "order", "instrument"]
    list_filter = ["instrument"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Indicator)
class IndicatorAdmin(LocalNumbersAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "cluster", "max_points", "placement", "is_active", "instrument"]
    list_filter = ["instrument", "cluster__code", "placement", "is_active"]
    search_fields = ["name", "=code"]
    list_select_related = ["cluster", "instrument"]


@admin.register(Question)
class QuestionAdmin(LocalNumbersAdminMixin, admin.ModelAdmin):
    """A question's text, maximum and data sources; an evaluation already made keeps the maximum it copied."""

    list_display = ["__str__", "short_text", "max_points", "data_sources", "for_kecamatan", "for_kelurahan"]
    list_filter = ["indicator__instrument", "for_kecamatan", "for_kelurahan"]
    search_fields = ["text", "data_sources", "=code", "=indicator__code"]
    list_select_related = ["indicator"]
    ordering = ["indicator__instrument", "indicator__number", "order"]

    @admin.display(description=_("question"))
    def short_text(self, obj):
        return obj.text[:120]


class VersionRaisingMixin:
    """Admin saves raise the row version too, so a staff form loaded before sees the change as a conflict."""

    def save_model(self, request, obj, form, change):
        if change and hasattr(obj, "version"):
            obj.version += 1
        super().save_model(request, obj, form, change)


class SelfAssessmentInline(LocalNumbersAdminMixin, admin.TabularInline):
    """The evaluation's scores, shown only: they are entered on the evaluation's pages."""

    model = SelfAssessment
    fields = ["indicator", "max_points", "score", "evidence"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["indicator__number"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


@admin.register(Evaluation)
class EvaluationAdmin(LocalNumbersAdminMixin, KeepHistoryAdminMixin, VersionRaisingMixin, SimpleHistoryAdmin):
    """The year, sample flag and note are edited here; the stage only on the stage page (reasons, locks),
    the scores only on the evaluation's pages. An evaluation is never deleted."""

    list_display = ["year", "instrument", "target", "stage", "is_sample", "updated_at"]
    list_filter = ["stage", "instrument", "is_sample"]
    search_fields = ["=year", "note"]
    fields = ["year", "instrument", "target", "stage", "stage_page", "is_sample", "note"]
    inlines = [SelfAssessmentInline]

    def get_readonly_fields(self, request, obj=None):
        # A new evaluation starts in self-assessment; its year stays what it was created with.
        return ["stage", "stage_page"] + (["year", "instrument"] if obj else [])

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        default = Instrument.objects.default()
        if default is not None:
            initial.setdefault("instrument", default.pk)
        return initial

    @admin.display(description=_("change"))
    def stage_page(self, obj):
        if not obj or not obj.pk:
            return "—"
        return page_link(reverse("clusters:evaluation-stage", args=[obj.year]), _("Change the stage on its page"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            evaluation_framework_copy(evaluation=obj)


class FieldDeductionInline(LocalNumbersAdminMixin, admin.TabularInline):
    """Shown only: deductions are recorded on the indicator's page, in the verification stages."""

    model = FieldDeduction
    fields = ["points", "reason", "stage"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(LocalNumbersAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["evaluation", "indicator", "max_points", "score", "updated_at"]
    list_filter = ["evaluation", "indicator__cluster"]
    search_fields = ["indicator__name", "evidence"]
    list_select_related = ["evaluation", "indicator"]
    fields = ["evaluation", "indicator", "max_points", "score", "evidence", "version", "edit_page"]
    readonly_fields = ["version", "edit_page"]
    inlines = [FieldDeductionInline]

    @admin.display(description=_("change"))
    def edit_page(self, obj):
        url = reverse("clusters:self-assessment-edit", args=[obj.evaluation.year, obj.indicator.cluster.code])
        return page_link(url, _("Enter scores and evidence notes on the evaluation's page"))


@admin.register(FieldDeduction)
class FieldDeductionAdmin(LocalNumbersAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["self_assessment", "points", "stage", "created_at"]
    list_filter = ["stage", "self_assessment__evaluation", "self_assessment__indicator__cluster"]
    search_fields = ["reason", "self_assessment__indicator__name"]
    list_select_related = ["self_assessment__evaluation", "self_assessment__indicator"]
    fields = ["self_assessment", "points", "reason", "stage", "version", "edit_page"]
    readonly_fields = ["version", "edit_page"]

    @admin.display(description=_("change"))
    def edit_page(self, obj):
        row = obj.self_assessment
        url = reverse("clusters:deduction-list", args=[row.evaluation.year, row.indicator.number])
        return page_link(url, _("Record, change or remove deductions on the indicator's page"))


@admin.register(Predicate)
class PredicateAdmin(LocalNumbersAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "lower_bound", "lower_inclusive"]
    search_fields = ["name", "code"]
    list_filter = ["lower_inclusive"]
