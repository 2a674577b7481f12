"""Evidence in the admin: read-only. Files are added, versioned and removed on the app's pages (stage lock,
versions, history); the admin adds, changes and deletes nothing here."""

from django.contrib import admin

from evidence.models import EvidenceDocument, EvidenceFile


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
class EvidenceDocumentAdmin(ReadOnlyAdmin):
    list_display = ("title", "self_assessment", "question_score", "created_by", "created_at", "removed_at")
    list_filter = ("self_assessment__evaluation__year",)
    search_fields = ("title",)
    list_select_related = ("self_assessment__evaluation", "self_assessment__indicator", "question_score__question",
                           "question_score__self_assessment__evaluation",
                           "created_by")
    inlines = [EvidenceFileInline]
