"""Keeps the review honest when an answer changes outside the office accounts, and tells DPMPPA when an office
has answered everything, whoever gave the last answer: clusters cannot know about reviews or offices (it sits
below offices), so offices listens to its question-score saves."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from clusters.models import QuestionScore
from offices import services
from offices.models import AnswerReview

ANSWER_FIELDS = {"score", "evidence"}


@receiver(post_save, sender=QuestionScore, dispatch_uid="offices_approved_answer_changed")
def approved_answer_changed(sender, instance: QuestionScore, update_fields=None, **kwargs) -> None:
    """A score or note written to an approved answer (staff on the question entry page, an import) takes the
    approval away: the answer becomes "changed after approval" and needs DPMPPA's review again, and the step
    is in the review's history (with the user, through simple_history's request middleware). An operator
    cannot write an approved answer (`services.operator_answer_save` refuses), so this is DPMPPA's change."""
    if update_fields is not None and not (set(update_fields) & ANSWER_FIELDS):
        return
    # No row lock of its own: every write of scores and reviews holds the evaluation's lock already, and a
    # save outside a transaction (a script) must not fail on PostgreSQL's FOR UPDATE.
    review = AnswerReview.objects.filter(question_score_id=instance.pk, status=AnswerReview.Status.APPROVED).first()
    if review is None:
        return
    review.status = AnswerReview.Status.CHANGED
    review.note = ""
    review.version += 1
    review._change_reason = _("Changed by DPMPPA after approval")
    review.save()


@receiver(post_save, sender=QuestionScore, dispatch_uid="offices_office_finished")
def office_finished(sender, instance: QuestionScore, update_fields=None, **kwargs) -> None:
    """A score written to a question (by an operator, staff on the question entry page or an import) may be
    an office's last open question: DPMPPA hears of it once per office and evaluation, after the commit."""
    if instance.score is None or (update_fields is not None and "score" not in update_fields):
        return
    services.offices_finished_check(question_score_pk=instance.pk)
