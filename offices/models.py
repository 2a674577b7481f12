"""Office accounts: which city office (the planner's `Office`, a perangkat daerah) answers which questions,
the operators who answer for an office, DPMPPA's review of each answer and the offices' deadline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Evaluation, QuestionScore
from planner.models import Office


class DataSourceQuerySet(models.QuerySet):
    def names_of(self, office: Office) -> set[str]:
        """The data-source names (as the instrument writes them) that `office` answers for."""
        return set(self.filter(office=office).values_list("name", flat=True))


class DataSource(models.Model):
    """A data source as the instrument names it in a question (`Dinkes`, `DPPPAPPKB`, `Bagian Hukum`), and
    the city's office that holds its data (Bogor: DPPPAPPKB is DPMPPA/DP3A). Admins edit the mapping."""

    name = models.CharField(_("data source"), max_length=100, unique=True,
                            help_text=_("As the instrument writes it in a question's data sources."))
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="data_sources",
        verbose_name=_("office"), help_text=_("Empty: no office of the city answers for it yet."),
    )

    objects = DataSourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="data_source_name_not_empty")]

    def __str__(self):
        return self.name


class Operator(models.Model):
    """A user who answers the questions of one office (role Operator OPD)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="operator",
                                verbose_name=_("user"))
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="operators", verbose_name=_("office"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["office__name", "user__username"]
        verbose_name = _("office operator")
        verbose_name_plural = _("office operators")

    def __str__(self):
        return f"{self.user} · {self.office}"


class AnswerReview(models.Model):
    """Where one question's answer stands: answered (by which office), approved by DPMPPA, or returned with
    the reviewer's note. An approved answer is locked for the operators; every step is in the history."""

    class Status(models.TextChoices):
        ANSWERED = "answered", _("answered")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")
        # Staff changed the score or note of an approved answer: it needs DPMPPA's review again.
        CHANGED = "changed", _("changed after approval")

    question_score = models.OneToOneField(QuestionScore, on_delete=models.PROTECT, related_name="review",
                                          verbose_name=_("question"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ANSWERED)
    answered_by_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("answered by"),
        help_text=_("Empty: answered by DPMPPA staff on the evaluation's own pages."),
    )
    note = models.TextField(_("reviewer's note"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False,
        help_text=_("Raised by every save; a form saved from an older version is a conflict."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["question_score"]
        verbose_name = _("answer review")
        verbose_name_plural = _("answer reviews")
        permissions = [("answer_office_questions", _("Can answer the questions of its own office"))]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["answered", "approved", "returned", "changed"]),
                                   name="answer_review_status_valid"),
            models.CheckConstraint(condition=~Q(status="returned") | ~Q(note=""),
                                   name="answer_review_returned_with_note",
                                   violation_error_message=_("Say why the answer is returned.")),
        ]

    def __str__(self):
        return f"{self.question_score} · {self.get_status_display()}"


class OfficeDeadline(models.Model):
    """The date by which the offices answer an evaluation's questions; offices behind on it are marked."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.CASCADE, related_name="office_deadline",
                                      verbose_name=_("evaluation"))
    due_date = models.DateField(_("offices answer by"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluation"]
        verbose_name = _("offices' deadline")
        verbose_name_plural = _("offices' deadlines")

    def __str__(self):
        return f"{self.evaluation}: {self.due_date:%d/%m/%Y}"


class OfficeFinishedNotice(models.Model):
    """DPMPPA was told that `office` answered all its questions of `evaluation`: the mail goes once per office
    and evaluation (the unique constraint), not again when an answer is saved again."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("evaluation"))
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["evaluation", "office"]
        verbose_name = _("office finished notice")
        verbose_name_plural = _("office finished notices")
        constraints = [models.UniqueConstraint(fields=["evaluation", "office"],
                                               name="office_finished_notice_once_per_evaluation")]

    def __str__(self):
        return f"{self.evaluation}: {self.office}"
