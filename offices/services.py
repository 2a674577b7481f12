"""Writes of the office accounts: an operator's answer (through clusters' question-score save, so indicator
totals, versions, stage locks and history stay right), DPMPPA's approval or return, the data-source
mapping's defaults, and the notifications."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from clusters.models import Evaluation, Question, QuestionScore, data_source_names
from clusters.services import ScoreChange, StageClosed, lock_evaluation, question_scores_update
from core import roles
from core.conflicts import WriteRefused
from core.loading import LoadReport
from core.versions import EditConflict
from evidence.models import EvidenceDocument
from evidence.services import Upload, evidence_add, evidence_remove, evidence_retitle, evidence_version_add
from offices import selectors
from offices.models import AnswerReview, DataSource, OfficeFinishedNotice, Operator
from planner.models import Office

DATA_SOURCES_CSV = Path(__file__).resolve().parent / "data" / "data_sources_bogor.csv"
REASON_LENGTH = QuestionScore.history.model._meta.get_field("history_change_reason").max_length


class NotYourQuestion(WriteRefused):
    """The question is not one of the operator's office; nothing was saved."""


class AnswerApproved(WriteRefused):
    """DPMPPA approved the answer: it is locked for the operators; nothing was saved."""


class NothingToReview(WriteRefused):
    """The question has no score yet: there is nothing to approve or return."""


@transaction.atomic
def data_sources_load(*, report: LoadReport, csv_path: Path = DATA_SOURCES_CSV) -> None:
    """Creates a data source for every name the instruments' questions use, mapped to the city's office the
    file names (creating that office when missing); existing sources keep the admins' mapping."""
    mapping = {}
    with open(csv_path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            mapping[row["data_source"].strip()] = row["office"].strip()
    names = {name for sources in Question.objects.values_list("data_sources", flat=True).distinct()
             for name in data_source_names(sources)}
    existing = set(DataSource.objects.values_list("name", flat=True))
    for name in sorted((names | set(mapping)) - existing):
        office = None
        if name in mapping:
            office, created = Office.objects.get_or_create(name=mapping[name])
            report.count("offices", created)
        DataSource.objects.create(name=name, office=office)
        report.count("data sources", True)
    report.existing["data sources"] = report.existing.get("data sources", 0) + len(existing)


@transaction.atomic
def operator_assign(*, user, office: Office) -> Operator:
    """Makes `user` an operator of `office` (or moves it there), in the Operator OPD role."""
    operator, _ = Operator.objects.update_or_create(user=user, defaults={"office": office})
    user.groups.add(Group.objects.get(name=roles.OPERATOR))
    return operator


def operator_assign_to(*, user, office_name: str) -> Operator:
    """`operator_assign` to the office named `office_name`, created when missing (the demo's operator)."""
    office, _ = Office.objects.get_or_create(name=office_name)
    return operator_assign(user=user, office=office)


@transaction.atomic
def operator_answer_save(*, operator: Operator, question_score: QuestionScore, version: int, score: Decimal | None,
                         evidence: str, fields: frozenset, seen_score=None, seen_evidence: str = "",
                         user) -> AnswerReview:
    """Saves an operator's score and note of one question of its office (only `fields`, from a form loaded at
    `version`) through clusters' question-score save, and marks the answer as given by the office (a
    returned answer becomes answered again). Raises `NotYourQuestion`, `AnswerApproved`, `StageClosed`,
    `QuestionScoresChanged`; lets the database's IntegrityError through."""
    evaluation = lock_evaluation(question_score.self_assessment.evaluation)
    if not evaluation.is_self_assessment_open:
        raise StageClosed(evaluation)
    if selectors.office_question_score(evaluation, operator.office, question_score.pk) is None:
        raise NotYourQuestion(f"question score {question_score.pk} is not of {operator.office}")
    review = AnswerReview.objects.select_for_update().filter(question_score=question_score).first()
    if review is not None and review.status == AnswerReview.Status.APPROVED:
        raise AnswerApproved(f"question score {question_score.pk} is approved")
    # The history's reason column holds 100 characters; an office's name may take 120.
    reason = (_("Answered by %(office)s") % {"office": operator.office.name})[:REASON_LENGTH]
    question_scores_update(self_assessment=question_score.self_assessment, reason=reason, changes=[ScoreChange(
        pk=question_score.pk, version=version, score=score, evidence=evidence, fields=fields,
        seen_score=seen_score, seen_evidence=seen_evidence)])
    if review is None:
        review = AnswerReview(question_score=question_score)
    else:
        review.version += 1
    review.status = AnswerReview.Status.ANSWERED
    review.answered_by_office = operator.office
    review.note = ""
    review._history_user = user
    review._change_reason = reason
    review.save()
    # The question score's save above told `offices_finished_check` (offices.signals): the mail is on its way
    # when this answer was the office's last one.
    return review


def offices_finished_check(*, question_score_pk: int) -> None:
    """After a score was written to question score `question_score_pk`, by anyone (an operator, staff on the
    question entry page, an import): tells DPMPPA about each active office of the question that now has all
    its questions of the evaluation answered and was not told before. The caller holds the evaluation's lock
    (every score save does), or saves outside a transaction."""
    evaluation_id, offices = selectors.offices_finished_untold(question_score_pk)
    if not offices:
        return
    evaluation = Evaluation.objects.get(pk=evaluation_id)
    for office in offices:
        _office_finished_notify(evaluation=evaluation, office=office)


def _office_finished_notify(*, evaluation, office: Office) -> None:
    """Mails DPMPPA once per office and evaluation, when the transaction commits: the notice row (unique per
    office and evaluation) is the record. An answer re-saved, or returned and answered again, sends nothing
    more: the returned answers are DPMPPA's own step and show on its review list. The caller holds the
    evaluation's lock. With no DPMPPA staff to receive it (no address), nothing is recorded: the notice
    would be used up unread, and the next save of one of the office's answers tries again."""
    if not _finished_recipients():
        return
    _, created = OfficeFinishedNotice.objects.get_or_create(evaluation=evaluation, office=office)
    if created:
        year = evaluation.year
        transaction.on_commit(lambda: notify_office_finished(office=office, year=year))


def operator_evidence_add(*, operator: Operator, question_score: QuestionScore, uploads: list, user) -> list:
    """Adds evidence documents to one question of the operator's office through `evidence.services`, unless
    DPMPPA approved the answer. Raises `NotYourQuestion`, `AnswerApproved` and what `evidence_add` raises."""
    with transaction.atomic():
        evaluation = lock_evaluation(question_score.self_assessment.evaluation)
        if selectors.office_question_score(evaluation, operator.office, question_score.pk) is None:
            raise NotYourQuestion(f"question score {question_score.pk} is not of {operator.office}")
        if AnswerReview.objects.filter(question_score=question_score, status=AnswerReview.Status.APPROVED).exists():
            raise AnswerApproved(f"question score {question_score.pk} is approved")
        # The evaluation stays locked while the files are added: a review cannot approve in between.
        return evidence_add(self_assessment=question_score.self_assessment, question_score=question_score,
                            uploads=uploads, user=user)


def _operator_document(operator: Operator, document: EvidenceDocument) -> EvidenceDocument:
    """Checks, under the evaluation's lock, that `document` is on a question of the operator's office whose
    answer DPMPPA has not approved; the evidence service then checks the stage and the document's version."""
    evaluation = lock_evaluation(document.self_assessment.evaluation)
    if document.question_score_id is None or selectors.office_question_score(
            evaluation, operator.office, document.question_score_id) is None:
        raise NotYourQuestion(f"document {document.pk} is not on a question of {operator.office}")
    if AnswerReview.objects.filter(question_score_id=document.question_score_id,
                                   status=AnswerReview.Status.APPROVED).exists():
        raise AnswerApproved(f"question score {document.question_score_id} is approved")
    return document


@transaction.atomic
def operator_document_retitle(*, operator: Operator, document: EvidenceDocument, title: str, version: int,
                              user) -> EvidenceDocument:
    """Retitles a document of the operator's office through `evidence.services.evidence_retitle`. Raises
    `NotYourQuestion`, `AnswerApproved` and what `evidence_retitle` raises."""
    return evidence_retitle(document=_operator_document(operator, document), title=title, version=version,
                            user=user)


@transaction.atomic
def operator_document_version_add(*, operator: Operator, document: EvidenceDocument, upload: Upload,
                                  version: int, user):
    """Adds a version to a document of the operator's office through `evidence.services.evidence_version_add`
    (the earlier versions stay). Raises `NotYourQuestion`, `AnswerApproved` and what that service raises."""
    return evidence_version_add(document=_operator_document(operator, document), upload=upload, version=version,
                                user=user)


@transaction.atomic
def operator_document_remove(*, operator: Operator, document: EvidenceDocument, version: int,
                             user) -> EvidenceDocument:
    """Removes (hides) a document of the operator's office through `evidence.services.evidence_remove`; it
    and its versions stay stored and in the history. Raises `NotYourQuestion`, `AnswerApproved` and what
    `evidence_remove` raises."""
    return evidence_remove(document=_operator_document(operator, document), version=version, user=user)


@transaction.atomic
def answer_review(*, question_score: QuestionScore, approve: bool, note: str, version: int, user) -> AnswerReview:
    """DPMPPA approves an answer (locking it for the operators) or returns it with a note the operators see
    first. `version` is the review's version the page showed (0: no review yet). Raises `ValueError` for a
    return without a note, `NothingToReview` for a question without a score, `EditConflict` when the answer
    changed meanwhile, `StageClosed` outside the self-assessment."""
    note = note.strip()
    if not approve and not note:
        raise ValueError("Returning an answer needs a note.")
    evaluation = lock_evaluation(question_score.self_assessment.evaluation)
    if not evaluation.is_self_assessment_open:
        raise StageClosed(evaluation)
    current = QuestionScore.objects.select_for_update().get(pk=question_score.pk)
    review = AnswerReview.objects.select_for_update().filter(question_score=current).first()
    if (review.version if review else 0) != version:
        raise EditConflict([question_score.pk])
    if current.score is None:
        raise NothingToReview(f"question score {current.pk} has no score")
    if review is None:
        review = AnswerReview(question_score=current)
    else:
        review.version += 1
    review.status = AnswerReview.Status.APPROVED if approve else AnswerReview.Status.RETURNED
    review.note = note
    review._history_user = user  # the note is the history record's own field: no reason to repeat it
    review.save()
    if not approve:
        question, office = str(current.question), review.answered_by_office
        transaction.on_commit(lambda: notify_returned(question=question, office=office, note=note,
                                                      year=evaluation.year))
    return review


def _send(subject: str, body: str, recipients: list[str]) -> None:
    recipients = sorted({address for address in recipients if address})
    if recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)


def notify_returned(*, question: str, office: Office | None, note: str, year: int) -> None:
    """Mails the operators of the office that gave a returned answer (none when staff answered)."""
    if office is None:
        return
    addresses = list(Operator.objects.filter(office=office).values_list("user__email", flat=True))
    _send(_("KLA %(year)s: question %(question)s was returned") % {"year": year, "question": question},
          _("DPMPPA returned the answer to question %(question)s with this note:\n\n%(note)s")
          % {"question": question, "note": note}, addresses)


def _finished_recipients() -> list[str]:
    """The addresses of DPMPPA's active staff."""
    return list(get_user_model().objects.filter(groups__name=roles.STAFF, is_active=True).exclude(email="")
                .values_list("email", flat=True))


def notify_office_finished(*, office: Office, year: int) -> None:
    """Mails DPMPPA's staff that `office` has answered every one of its questions."""
    addresses = _finished_recipients()
    _send(_("KLA %(year)s: %(office)s has answered all its questions") % {"year": year, "office": office.name},
          _("%(office)s has answered every question of KLA %(year)s it holds data for. Review the answers.")
          % {"office": office.name, "year": year}, addresses)
