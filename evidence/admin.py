"""Evidence in the admin: read-only. Files are added, versioned and removed on the app's pages (stage lock,
versions, history); the admin adds, changes, deletes and reverts nothing here."""

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_history import ReadOnlyAdminMixin, page_link
from evidence.models import EvidenceDocument, EvidenceFile


class EvidenceFileInline(admin.TabularInline):
    model = EvidenceFile
    fields = ("number", "original_name", "kind", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "self_assessment", "question_score", "created_by", "created_at", "removed_at")
    list_filter = ("self_assessment__evaluation__year",)
    search_fields = ("title",)
    list_select_related = ("self_assessment__evaluation", "self_assessment__indicator", "question_score__question",
                           "question_score__self_assessment__evaluation", "created_by")
    fields = ("self_assessment", "question_score", "title", "created_by", "removed_at", "removed_by", "edit_page")
    readonly_fields = ("edit_page",)
    inlines = [EvidenceFileInline]

    @admin.display(description=_("change"))
    def edit_page(self, obj):
        url = reverse("evidence:document", args=[obj.self_assessment.evaluation.year, obj.pk])
        return page_link(url, _("Upload a new version, retitle or remove it on the document's page"))
