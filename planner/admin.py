from django.contrib import admin

from core.admin import LocalNumbersAdminMixin
from planner.models import IndicatorOffice, Office, PatbmRule, Scenario, ScenarioItem


class IndicatorOfficeInline(LocalNumbersAdminMixin, admin.TabularInline):
    model = IndicatorOffice
    extra = 0
    autocomplete_fields = ["indicator"]


@admin.register(Office)
class OfficeAdmin(LocalNumbersAdminMixin, admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    inlines = [IndicatorOfficeInline]


@admin.register(IndicatorOffice)
class IndicatorOfficeAdmin(LocalNumbersAdminMixin, admin.ModelAdmin):
    list_display = ["indicator", "office"]
    list_filter = ["office"]
    list_select_related = ["indicator", "office"]
    search_fields = ["indicator__name", "=indicator__number", "office__name"]


@admin.register(PatbmRule)
class PatbmRuleAdmin(LocalNumbersAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "points_per_percent", "indicator", "updated_at"]
    list_select_related = ["indicator"]


class ScenarioItemInline(LocalNumbersAdminMixin, admin.TabularInline):
    """Shown only: the action plan page saves the items together, with their versions."""

    model = ScenarioItem
    extra = 0
    fields = ["indicator", "max_points", "base", "target", "effort", "office", "due_date", "status", "version"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Scenario)
class ScenarioAdmin(LocalNumbersAdminMixin, admin.ModelAdmin):
    list_display = ["name", "evaluation", "predicate", "is_action_plan", "updated_at"]
    list_filter = ["is_action_plan", "evaluation"]
    search_fields = ["name"]
    list_select_related = ["evaluation", "predicate"]
    inlines = [ScenarioItemInline]
