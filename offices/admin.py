"""Office accounts in the admin: the data-source mapping and the operators are edited here (admins); the
reviews are read-only (they are made on the review pages, with versions and history)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_history import ReadOnlyAdminMixin, page_link
from offices.models import AnswerReview, DataSource, OfficeDeadline, Operator
from offices.services import operator_assign


@admin.register(DataSource)
class DataSourceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "office"]
    list_editable = ["office"]
    list_filter = ["office"]
    list_select_related = ["office"]
    search_fields = ["name", "office__name"]


@admin.register(Operator)
class OperatorAdmin(SimpleHistoryAdmin):
    list_display = ["user", "office"]
    list_filter = ["office"]
    list_select_related = ["user", "office"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "office__name"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj else []  # an operator account moves offices; another user gets an account of its own

    def save_model(self, request, obj, form, change):
        # Through the service: the user is put in the Operator OPD role as well.
        obj.pk = operator_assign(user=obj.user, office=obj.office).pk


@admin.register(OfficeDeadline)
class OfficeDeadlineAdmin(SimpleHistoryAdmin):
    list_display = ["evaluation", "due_date"]
    list_select_related = ["evaluation"]


@admin.register(AnswerReview)
class AnswerReviewAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["question_score", "status", "answered_by_office", "updated_at"]
    list_filter = ["status", "answered_by_office", "question_score__self_assessment__evaluation__year"]
    list_select_related = ["question_score__question__indicator", "question_score__self_assessment__evaluation",
                           "answered_by_office"]
    fields = ["question_score", "status", "answered_by_office", "note", "review_page"]
    readonly_fields = ["review_page"]

    @admin.display(description=_("change"))
    def review_page(self, obj):
        url = reverse("offices:review", args=[obj.question_score.self_assessment.evaluation.year,
                                              obj.question_score_id])
        return page_link(url, _("Approve or return it on the review page"))
