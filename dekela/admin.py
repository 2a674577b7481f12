from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.admin_history import KeepHistoryAdminMixin, ReadOnlyAdminMixin, page_link
from dekela.models import Criterion, CriterionEvidence, CriterionStatus


@admin.register(Criterion)
class CriterionAdmin(KeepHistoryAdminMixin, SimpleHistoryAdmin):
    """The criteria are data: the next instrument may change them, link them to other questions or
    deactivate them (never delete: their statuses keep their history)."""

    list_display = ["code", "short_name", "scope", "source", "question", "order", "is_active"]
    list_filter = ["scope", "source", "is_active"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["question__indicator"]
    raw_id_fields = ["question"]


@admin.register(CriterionStatus)
class CriterionStatusAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Shown only: statuses are recorded on the matrix page (one row per save, with the version check)."""

    list_display = ["criterion", "kelurahan", "kecamatan", "year", "status", "date"]
    list_filter = ["year", "status", "criterion__scope"]
    search_fields = ["kelurahan__name", "kelurahan__code", "kecamatan__name", "kecamatan__code"]
    list_select_related = ["criterion", "kelurahan", "kecamatan"]
    fields = ["criterion", "kelurahan", "kecamatan", "year", "status", "date", "note", "edit_page"]
    readonly_fields = ["edit_page"]

    @admin.display(description=gettext_lazy("change"))
    def edit_page(self, obj):
        if obj.kelurahan_id:
            url = reverse("dekela:row-edit", args=[obj.year, obj.kelurahan_id])
        else:
            url = reverse("dekela:kecamatan-row-edit", args=[obj.year, obj.kecamatan_id])
        return page_link(url, gettext_lazy("Record the criteria on the matrix page"))


@admin.register(CriterionEvidence)
class CriterionEvidenceAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Shown only: documents are uploaded on the criterion's evidence page and never deleted."""

    list_display = ["title", "criterion", "kelurahan", "kecamatan", "year", "kind", "size", "uploaded_at"]
    list_filter = ["year", "kind", "criterion__scope"]
    search_fields = ["title", "original_name", "kelurahan__name", "kecamatan__name"]
    list_select_related = ["criterion", "kelurahan", "kecamatan"]
    fields = ["title", "criterion", "kelurahan", "kecamatan", "year", "original_name", "kind", "size", "sha256",
              "uploaded_by", "uploaded_at"]
