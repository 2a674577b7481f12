from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LocalNumbersAdminMixin
from core.admin_history import KeepHistoryAdminMixin, ReadOnlyAdminMixin, page_link
from core.formsets import whole_number_or_none
from kelurahan.forms import KecamatanForm, KelurahanForm
from kelurahan.models import Kecamatan, Kelurahan, Patbm


@admin.register(Kecamatan)
class KecamatanAdmin(LocalNumbersAdminMixin, KeepHistoryAdminMixin, SimpleHistoryAdmin):
    """Never deleted; (de)activated on its page, which checks it has no active kelurahan left."""

    form = KecamatanForm
    readonly_fields = ["is_active"]
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
class KelurahanAdmin(LocalNumbersAdminMixin, KeepHistoryAdminMixin, SimpleHistoryAdmin):
    """Edited with the page's form (code format and kecamatan prefix); never deleted; (de)activated on
    its page."""

    form = KelurahanForm
    readonly_fields = ["is_active"]
    list_display = ["code", "name", "alternative_name", "kecamatan", "is_active"]
    list_filter = ["kecamatan", "is_active", PatbmStepFilter]
    search_fields = ["code", "name", "alternative_name"]
    list_select_related = ["kecamatan"]
    list_per_page = 100


@admin.register(Patbm)
class PatbmAdmin(LocalNumbersAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Shown only: PATBM steps are recorded on the kelurahan's page (the SK rule, the version check)."""

    list_display = ["kelurahan", "step", "step_date", "sk_number", "activist_count"]
    list_filter = ["step", "kelurahan__kecamatan"]
    search_fields = ["kelurahan__name", "kelurahan__alternative_name", "kelurahan__code", "sk_number"]
    list_select_related = ["kelurahan"]
    fields = ["kelurahan", "step", "step_date", "sk_number", "sk_date", "activist_count", "note", "edit_page"]
    readonly_fields = ["edit_page"]

    @admin.display(description=gettext_lazy("change"))
    def edit_page(self, obj):
        return page_link(reverse("kelurahan:patbm-update", args=[obj.kelurahan_id]),
                         gettext_lazy("Record PATBM progress on the kelurahan's page"))
