"""Reads of evidence: an indicator's answers with their documents, and how complete an evaluation's
evidence is (per group, indicator and responsible agency, and what still has none). Each read is a fixed
number of queries, whatever the number of questions or files."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from clusters.models import Evaluation, QuestionScore, SelfAssessment
from evidence.models import EvidenceDocument, EvidenceFile


@dataclass(frozen=True)
class DocumentView:
    """A document with its versions, oldest first; `current` is the newest."""

    document: EvidenceDocument
    versions: list[EvidenceFile]

    @property
    def current(self) -> EvidenceFile:
        return self.versions[-1]


@dataclass
class AnswerEvidence:
    """The documents of one question's answer (of the indicator's, where it has no questions)."""

    question_score: QuestionScore | None
    documents: list[DocumentView] = field(default_factory=list)
    removed: list[DocumentView] = field(default_factory=list)

    @property
    def has_evidence(self) -> bool:
        return bool(self.documents)

    @property
    def anchor(self) -> str:
        return answer_anchor(self.question_score)


def answer_anchor(question_score: QuestionScore | None) -> str:
    """The id of an answer on its indicator's evidence page ("q-2b", or "indicator" without questions)."""
    return f"q-{question_score.question.code}" if question_score else "indicator"


def documents_with_versions(documents: QuerySet[EvidenceDocument]) -> list[DocumentView]:
    """The documents with their uploaders and versions (two queries)."""
    versions = Prefetch("files", queryset=EvidenceFile.objects.select_related("uploaded_by").order_by("number"))
    rows = documents.select_related("created_by", "removed_by").prefetch_related(versions)
    return [DocumentView(document, list(document.files.all())) for document in rows if document.files.all()]


def document_view(document: EvidenceDocument) -> DocumentView:
    """One document with its versions (one query)."""
    return DocumentView(document, list(document.files.select_related("uploaded_by").order_by("number")))


def indicator_evidence(row: SelfAssessment) -> list[AnswerEvidence]:
    """The indicator's answers in the instrument's order, each with its current and removed documents
    (three queries)."""
    if row.scored_by_questions:
        answers = {score.pk: AnswerEvidence(score) for score in
                   QuestionScore.objects.filter(self_assessment=row).select_related("question")
                   .order_by("question__order")}
    else:
        answers = {None: AnswerEvidence(None)}
    documents = EvidenceDocument.objects.filter(self_assessment=row).order_by("created_at", "pk")
    for view in documents_with_versions(documents):
        answer = answers.get(view.document.question_score_id)
        if answer is None:
            continue  # a document of a question the indicator no longer scores by
        (answer.removed if view.document.is_removed else answer.documents).append(view)
    return list(answers.values())


def evaluation_document(evaluation: Evaluation, pk: int) -> EvidenceDocument | None:
    """Document `pk` if it belongs to `evaluation` (else None: an id of another year is not found)."""
    return (EvidenceDocument.objects.filter(pk=pk, self_assessment__evaluation=evaluation)
            .select_related("self_assessment__evaluation", "self_assessment__indicator__cluster",
                            "question_score__question", "created_by", "removed_by").first())


def evaluation_file(evaluation: Evaluation, pk: int) -> EvidenceFile | None:
    """Version `pk` if its document belongs to `evaluation` (else None)."""
    return (EvidenceFile.objects.filter(pk=pk, document__self_assessment__evaluation=evaluation)
            .select_related("document").first())


@dataclass
class Tally:
    """How many answers of one group, indicator or agency have evidence."""

    key: str
    label: str
    total: int = 0
    with_evidence: int = 0
    points_without: Decimal = Decimal("0")

    @property
    def without(self) -> int:
        return self.total - self.with_evidence

    @property
    def percent(self) -> float:
        return 100.0 * self.with_evidence / self.total if self.total else 0.0


@dataclass(frozen=True)
class MissingAnswer:
    """An answer without evidence: the question (None: the indicator itself) and who holds its evidence."""

    cluster_code: str
    cluster_name: str
    indicator_code: str
    indicator_name: str
    question_code: str
    text: str
    max_points: Decimal
    sources: tuple[str, ...]


@dataclass
class Completeness:
    evaluation: Evaluation
    total: int
    with_evidence: int
    groups: list[Tally]
    indicators: list[Tally]
    agencies: list[Tally]
    missing: list[MissingAnswer]
    by_questions: bool

    @property
    def percent(self) -> float:
        return 100.0 * self.with_evidence / self.total if self.total else 0.0

    @property
    def agency_names(self) -> list[str]:
        return sorted(tally.key for tally in self.agencies)

    def missing_of(self, agency: str = "") -> list[MissingAnswer]:
        """The answers without evidence that `agency` holds data for (all of them for "")."""
        return [item for item in self.missing if not agency or agency in item.sources]


def completeness(evaluation: Evaluation) -> Completeness:
    """Which answers of the evaluation have at least one current document: counts per group, indicator and
    agency (a question shared by several agencies counts for each) and the list of those without (three
    queries). An answer is a question where the indicator is scored by questions, else the indicator."""
    rows = list(SelfAssessment.objects.filter(evaluation=evaluation).select_related("indicator__cluster")
                .order_by("indicator__cluster__order", "indicator__number"))
    question_scores = defaultdict(list)
    scores = QuestionScore.objects.filter(self_assessment__evaluation=evaluation,
                                          self_assessment__scored_by_questions=True)
    for score in scores.select_related("question").order_by("question__order"):
        question_scores[score.self_assessment_id].append(score)
    answered = set(EvidenceDocument.objects.current().filter(self_assessment__evaluation=evaluation)
                   .values_list("self_assessment_id", "question_score_id").distinct())
    groups: dict[str, Tally] = {}
    indicators: list[Tally] = []
    agencies: dict[str, Tally] = {}
    missing: list[MissingAnswer] = []
    total = with_evidence = 0
    for row in rows:
        indicator, cluster = row.indicator, row.indicator.cluster
        group = groups.setdefault(cluster.code, Tally(cluster.code, cluster.name))
        tally = Tally(indicator.code, indicator.name)
        indicators.append(tally)
        if row.scored_by_questions:
            answers = [(score.pk, score.question.code, score.question.text, score.max_points,
                        tuple(score.question.sources)) for score in question_scores[row.pk]]
        else:
            answers = [(None, "", indicator.name, row.max_points, ())]
        for question_score_id, code, text, max_points, sources in answers:
            has = (row.pk, question_score_id) in answered
            counted = [group, tally] + [agencies.setdefault(source, Tally(source, source)) for source in sources]
            for item in counted:
                item.total += 1
                item.with_evidence += has
                if not has:
                    item.points_without += max_points
            total += 1
            with_evidence += has
            if not has:
                missing.append(MissingAnswer(cluster.code, cluster.name, indicator.code, indicator.name, code, text,
                                             max_points, sources))
    return Completeness(
        evaluation=evaluation, total=total, with_evidence=with_evidence, groups=list(groups.values()),
        indicators=indicators, agencies=sorted(agencies.values(), key=lambda t: (-t.without, t.key)),
        missing=missing, by_questions=bool(question_scores),
    )


@dataclass(frozen=True)
class EvidenceShare:
    """How many of an evaluation's answers have at least one current document (the dashboard's figure)."""

    total: int
    with_evidence: int

    @property
    def percent(self) -> float:
        return 100.0 * self.with_evidence / self.total if self.total else 0.0


def evidence_shares(evaluation_ids) -> dict[int, EvidenceShare]:
    """{evaluation id: its answers (questions, or indicators without questions) and how many have a current
    document}, for the evaluations `evaluation_ids`, in one query."""
    def count(queryset, field):
        grouped = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field)
        return Coalesce(Subquery(grouped.annotate(n=Count("*")).values("n")[:1]), 0)

    def distinct(queryset, field, counted):
        grouped = queryset.filter(self_assessment__evaluation=OuterRef("pk")).order_by().values(field)
        return Coalesce(Subquery(grouped.annotate(n=Count(counted, distinct=True)).values("n")[:1]), 0)

    current = EvidenceDocument.objects.current()
    rows = Evaluation.objects.filter(pk__in=list(evaluation_ids)).annotate(
        questions=count(QuestionScore.objects.filter(self_assessment__scored_by_questions=True),
                        "self_assessment__evaluation"),
        indicators=count(SelfAssessment.objects.filter(scored_by_questions=False), "evaluation"),
        questions_answered=distinct(current.filter(question_score__isnull=False), "self_assessment__evaluation",
                                    "question_score"),
        indicators_answered=distinct(current.filter(question_score__isnull=True), "self_assessment__evaluation",
                                     "self_assessment"),
    ).values_list("pk", "questions", "indicators", "questions_answered", "indicators_answered")
    return {pk: EvidenceShare(total=questions + indicators, with_evidence=answered_q + answered_i)
            for pk, questions, indicators, answered_q, answered_i in rows}


@dataclass(frozen=True)
class HistoryEvent:
    """One step in a document's life: added, title changed, new version uploaded or removed."""

    when: object
    who: object
    kind: str  # "added", "title", "version", "removed"
    title: str
    version: EvidenceFile | None = None


def document_history(view: DocumentView) -> list[HistoryEvent]:
    """The document's history records read as steps, newest first (one query): each record after the first
    differs from the one before in its title, its removal or (a new version) its version number only."""
    records = list(view.document.history.select_related("history_user").order_by("history_date", "history_id"))
    later_versions = iter(view.versions[1:])
    events, previous = [], None
    for record in records:
        if previous is None or record.history_type == "+":
            kind, version = "added", (view.versions[0] if view.versions else None)
        elif record.removed_at and not previous.removed_at:
            kind, version = "removed", None
        elif record.title != previous.title:
            kind, version = "title", None
        else:
            kind, version = "version", next(later_versions, None)
        events.append(HistoryEvent(record.history_date, record.history_user, kind, record.title, version))
        previous = record
    return events[::-1]
