"""Admin rules for records with history: never deleted, never reverted from the admin."""

from django.core.exceptions import PermissionDenied
from django.utils.html import format_html


class KeepHistoryAdminMixin:
    """For a SimpleHistoryAdmin of a record with history: no delete (the database refuses it too, through
    PROTECT), and the history pages only show earlier versions; reverting to one would write past the
    pages' checks (stage locks, versions, reasons)."""

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdminMixin(KeepHistoryAdminMixin):
    """Shown, never changed in the admin: the pages of the app change it, through the same services
    every edit uses. `page_link` names the page (a link in the form and the list)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def page_link(url: str, label) -> str:
    return format_html('<a href="{}">{}</a>', url, label)
