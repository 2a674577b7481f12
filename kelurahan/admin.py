from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LocalNumbersAdminMixin
from core.formsets import whole_number_or_none
from kelurahan.models import Kecamatan, Kelurahan, Patbm


@admin.register(Kecamatan)
class KecamatanAdmin(LocalNumbersAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


class PatbmStepFilter(admin.SimpleListFilter):
    """Filters by PATBM step; kelurahan without a record are at step 1."""

    title = Patbm._meta.get_field("step").verbose_name
    parameter_name = "patbm_step"

    def lookups(self, request, model_admin):
        return Patbm.Step.choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        step = whole_number_or_none(self.value())
        if step not in Patbm.Step.values:  # a hand-made URL: show every kelurahan and say why
            messages.warning(request, _("Unknown PATBM step “%(value)s”: the filter was ignored.")
                             % {"value": self.value()})
            return queryset
        if step == Patbm.Step.BELUM_ADA:
            return queryset.filter(Q(patbm__isnull=True) | Q(patbm__step=step))
        return queryset.filter(patbm__step=step)


@admin.register(Kelurahan)
class KelurahanAdmin(LocalNumbersAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "alternative_name", "kecamatan", "is_active"]
    list_filter = ["kecamatan", "is_active", PatbmStepFilter]
    search_fields = ["code", "name", "alternative_name"]
    list_select_related = ["kecamatan"]
    list_per_page = 100


@admin.register(Patbm)
class PatbmAdmin(LocalNumbersAdminMixin, SimpleHistoryAdmin):
    list_display = ["kelurahan", "step", "step_date", "sk_number", "activist_count"]
    list_filter = ["step", "kelurahan__kecamatan"]
    search_fields = ["kelurahan__name", "kelurahan__alternative_name", "kelurahan__code", "sk_number"]
    list_select_related = ["kelurahan"]
    autocomplete_fields = ["kelurahan"]
