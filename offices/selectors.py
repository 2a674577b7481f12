"""Reads of the office accounts: an office's questions, where each answer stands, and how far each office
is. Each read is a fixed number of queries, whatever the number of questions or offices."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Q

from clusters.models import Evaluation, QuestionScore, data_source_names
from evidence.models import EvidenceDocument
from offices.models import AnswerReview, DataSource, OfficeDeadline, OfficeFinishedNotice, Operator
from planner.models import Office


def operator_of(user) -> Operator | None:
    """The user's operator account (None for everyone else: staff, the task force, admins)."""
    if not user.is_authenticated:
        return None
    return Operator.objects.filter(user=user).select_related("office").first()


def latest_without_questions() -> Evaluation | None:
    """The latest evaluation when it has no questions (the 2019-era framework, scored per indicator), else
    None: what an operator's page explains when there is nothing for an office to answer."""
    latest = Evaluation.objects.select_related("instrument").order_by("-year").first()
    if latest is None or latest.self_assessments.filter(scored_by_questions=True).exists():
        return None
    return latest


def open_evaluation() -> Evaluation | None:
    """The evaluation the offices answer: the latest in its self-assessment with questions, else the latest
    with questions (read-only then)."""
    with_questions = Evaluation.objects.filter(self_assessments__scored_by_questions=True).distinct()
    return (with_questions.filter(stage=Evaluation.Stage.SELF_ASSESSMENT).order_by("-year").first()
            or with_questions.order_by("-year").first())


def _question_scores(evaluation: Evaluation):
    return (QuestionScore.objects.filter(self_assessment__evaluation=evaluation)
            .select_related("question", "self_assessment__indicator", "review__answered_by_office")
            .order_by("self_assessment__indicator__number", "question__order"))


def _of_sources(scores, names: set[str]) -> list[QuestionScore]:
    return [score for score in scores if names & set(score.question.sources)]


def office_question_scores(evaluation: Evaluation, office: Office) -> list[QuestionScore]:
    """The evaluation's questions `office` answers (one of their data sources is mapped to it), in the
    instrument's order, with their review (two queries). Returned answers come first."""
    names = DataSource.objects.names_of(office)
    if not names:
        return []
    # The database narrows by text; the exact names are compared here (a source is one of `;`-separated names).
    narrowed = _question_scores(evaluation).filter(
        reduce(or_, (Q(question__data_sources__contains=name) for name in names)))
    scores = _of_sources(narrowed, names)
    return sorted(scores, key=lambda score: not _is_returned(score))


def _review(score: QuestionScore) -> AnswerReview | None:
    try:
        return score.review
    except AnswerReview.DoesNotExist:
        return None


def _is_returned(score: QuestionScore) -> bool:
    review = _review(score)
    return review is not None and review.status == AnswerReview.Status.RETURNED


def office_question_score(evaluation: Evaluation, office: Office, pk) -> QuestionScore | None:
    """Question score `pk` of `evaluation` if `office` answers it (None otherwise: another office's question,
    another year's, or no such row)."""
    score = _question_scores(evaluation).filter(pk=pk).first()
    if score is None or not DataSource.objects.names_of(office) & set(score.question.sources):
        return None
    return score


def review_of(score: QuestionScore) -> AnswerReview | None:
    return _review(score)


def offices_of(score: QuestionScore) -> list[Office]:
    """The offices that answer this question (one query)."""
    return list(Office.objects.filter(data_sources__name__in=score.question.sources).distinct().order_by("name"))


def review_history(score: QuestionScore) -> list:
    """The review's steps, newest first, with who made them (one query)."""
    return list(AnswerReview.history.filter(question_score_id=score.pk)
                .select_related("history_user", "answered_by_office").order_by("-history_date", "-history_id"))


@dataclass
class OfficeProgress:
    """How far one office is with its questions of one evaluation."""

    office: Office
    assigned: int = 0
    answered: int = 0
    with_evidence: int = 0
    approved: int = 0
    returned: int = 0
    points_at_stake: Decimal = Decimal("0")
    behind: bool = False

    @property
    def unanswered(self) -> int:
        return self.assigned - self.answered

    @property
    def finished(self) -> bool:
        return self.assigned > 0 and self.answered == self.assigned

    @property
    def percent(self) -> float:
        return 100.0 * self.answered / self.assigned if self.assigned else 0.0


@dataclass
class Progress:
    evaluation: Evaluation
    offices: list[OfficeProgress]
    deadline: dt.date | None
    unmapped: list[str] = field(default_factory=list)  # data sources of the evaluation's questions without office
    has_questions: bool = True  # False on the 2019-era framework: scored per indicator, no agency's questions
    today: dt.date | None = None  # the day the deadline is compared with (None: today)

    @property
    def past_deadline(self) -> bool:
        return self.deadline is not None and (self.today or dt.date.today()) > self.deadline


def progress(evaluation: Evaluation, *, today: dt.date | None = None) -> Progress:
    """Per active office with questions: assigned, answered, with evidence, approved, returned and the points
    of the unanswered ones; an office is behind when the deadline has passed with questions unanswered
    (four queries; one for an evaluation without questions). A question shared by several offices counts
    for each."""
    today = today or dt.date.today()
    rows = list(QuestionScore.objects.filter(self_assessment__evaluation=evaluation)
                .values_list("pk", "question__data_sources", "score", "max_points", "review__status"))
    if not rows:  # an evaluation without questions (the 2019-era framework): one query only
        return Progress(evaluation=evaluation, offices=[], deadline=None, has_questions=False)
    offices_by_source = defaultdict(list)
    for source in DataSource.objects.select_related("office"):
        if source.office is not None and source.office.is_active:
            offices_by_source[source.name].append(source.office)
    with_evidence = set(EvidenceDocument.objects.current().filter(self_assessment__evaluation=evaluation,
                                                                  question_score__isnull=False)
                        .values_list("question_score_id", flat=True))
    deadline = OfficeDeadline.objects.filter(evaluation=evaluation).values_list("due_date", flat=True).first()
    tallies: dict[int, OfficeProgress] = {}
    unmapped = set()
    for pk, sources, score, max_points, status in rows:
        names = data_source_names(sources)
        unmapped |= {name for name in names if name not in offices_by_source}
        offices = {office.pk: office for name in names for office in offices_by_source.get(name, [])}
        for office in offices.values():
            tally = tallies.setdefault(office.pk, OfficeProgress(office))
            tally.assigned += 1
            if score is None:
                tally.points_at_stake += max_points
            else:
                tally.answered += 1
            tally.with_evidence += pk in with_evidence
            tally.approved += status == AnswerReview.Status.APPROVED
            tally.returned += status == AnswerReview.Status.RETURNED
    late = deadline is not None and today > deadline
    for tally in tallies.values():
        tally.behind = late and tally.unanswered > 0
    offices = sorted(tallies.values(), key=lambda t: (-t.unanswered, -t.points_at_stake, t.office.name))
    return Progress(evaluation=evaluation, offices=offices, deadline=deadline, unmapped=sorted(unmapped),
                    today=today)


def office_progress(evaluation: Evaluation, office: Office) -> OfficeProgress:
    for tally in progress(evaluation).offices:
        if tally.office.pk == office.pk:
            return tally
    return OfficeProgress(office)


def offices_finished_untold(question_score_pk) -> tuple[int | None, list[Office]]:
    """(evaluation id, offices) for the question score `question_score_pk`: the active offices answering it
    that have every question of its evaluation answered and whose "finished" notice was not recorded yet.
    Read after each score save, so it stays small: two queries when every office of the question was told
    already or none of its sources has an office, three otherwise, reading only the unanswered questions
    that may be theirs; a fourth loads the finished offices."""
    row = (QuestionScore.objects.filter(pk=question_score_pk)
           .values_list("question__data_sources", "self_assessment__evaluation_id").first())
    if row is None or not data_source_names(row[0]):
        return None, []
    evaluation_id = row[1]
    told = OfficeFinishedNotice.objects.filter(evaluation_id=evaluation_id).values("office_id")
    names_by_office = defaultdict(set)  # every source of each candidate office, not only this question's
    for name, office_id in (DataSource.objects.filter(office__data_sources__name__in=data_source_names(row[0]),
                                                      office__is_active=True)
                            .exclude(office_id__in=told).values_list("name", "office_id")):
        names_by_office[office_id].add(name)
    if not names_by_office:
        return evaluation_id, []
    all_names = set().union(*names_by_office.values())
    # The database narrows by text; the exact names are compared here, as in `office_question_scores`.
    unanswered = (QuestionScore.objects.filter(self_assessment__evaluation_id=evaluation_id, score__isnull=True)
                  .filter(reduce(or_, (Q(question__data_sources__contains=name) for name in all_names)))
                  .values_list("question__data_sources", flat=True))
    open_names = set().union(*(data_source_names(sources) for sources in unanswered))
    finished = [office_id for office_id, names in names_by_office.items() if not names & open_names]
    if not finished:
        return evaluation_id, []
    return evaluation_id, list(Office.objects.filter(pk__in=finished).order_by("name"))
