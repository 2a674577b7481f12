"""Verification stages on question-scored indicators: the score each stage gives a question, and the
indicator's loss per stage written as a `FieldDeduction` (`from_questions`), so totals, charts and
reports read one ledger of losses for both instruments.

Reads return plain values; the one write (`verified_scores_update`) locks the evaluation and the
indicator, refuses a change made from an outdated page, and rewrites the indicator's losses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from clusters import scoring
from clusters.models import Evaluation, FieldDeduction, QuestionScore, SelfAssessment, VerifiedScore
from clusters.services import StageClosed, lock_evaluation
from core.conflicts import WriteRefused
from core.versions import EditConflict

STAGES = tuple(str(stage) for stage in Evaluation.VERIFICATION_STAGES)
REASON_SEPARATOR = "; "


class NotScoredByQuestions(WriteRefused):
    """The indicator has no questions: its verification is recorded as field deductions."""


class VerificationInvalid(WriteRefused):
    """A verified score the rules do not allow (above the score before the stage, or a reduction without
    a reason); nothing was saved. `problems` maps question score ids to messages."""

    def __init__(self, problems: dict[int, str]):
        super().__init__(f"invalid verified scores: {sorted(problems)}")
        self.problems = problems


@dataclass(frozen=True)
class VerificationChange:
    """A question's score in the evaluation's current stage as the page submits it.

    `score` None removes this stage's score (the question keeps the one it had before the stage);
    `version` is the verified score's version the page showed (None: the page showed none)."""

    question_score_pk: int
    score: Decimal | None
    reason: str
    version: int | None


@dataclass
class QuestionVerification:
    """One question of an indicator with its score after the self-assessment and each stage."""

    question_score: QuestionScore
    verified: dict[str, VerifiedScore] = field(default_factory=dict)

    @property
    def stages(self) -> scoring.QuestionStages:
        return scoring.QuestionStages(self.question_score.score,
                                      {stage: row.score for stage, row in self.verified.items()})

    def value_before(self, stage: str) -> Decimal:
        """The question's score when `stage` began."""
        values = self.stages.values(STAGES)
        return values[STAGES.index(stage)]

    def values(self) -> list[Decimal]:
        return self.stages.values(STAGES)


def question_verifications(row: SelfAssessment) -> list[QuestionVerification]:
    """The indicator's questions with their verified scores, in the instrument's order (two queries)."""
    questions = [QuestionVerification(score) for score in
                 QuestionScore.objects.filter(self_assessment=row).select_related("question").order_by("question__order")]
    by_pk = {item.question_score.pk: item for item in questions}
    for verified in VerifiedScore.objects.filter(question_score__self_assessment=row):
        by_pk[verified.question_score_id].verified[verified.stage] = verified
    return questions


def _problems(questions: dict[int, QuestionVerification], changes: list[VerificationChange], stage: str):
    problems = {}
    for change in changes:
        before = questions[change.question_score_pk].value_before(stage)
        if problem := scoring.verification_problem(change.score, change.reason, before=before):
            problems[change.question_score_pk] = problem.message
    return problems


@transaction.atomic
def verified_scores_update(*, self_assessment: SelfAssessment, changes: list[VerificationChange]) -> int:
    """Saves the indicator's question scores of the evaluation's current verification stage, all or
    nothing, and rewrites the indicator's losses per stage. Returns how many questions were saved.

    Raises StageClosed outside a verification stage, NotScoredByQuestions for an indicator without
    questions, EditConflict naming each question whose score in this stage changed since the page was
    loaded, and VerificationInvalid for a score above the one before the stage or a reduction without
    a reason.
    """
    evaluation = lock_evaluation(self_assessment.evaluation)
    if not evaluation.is_deduction_open:
        raise StageClosed(evaluation)
    row = SelfAssessment.objects.select_for_update().get(pk=self_assessment.pk)
    if not row.scored_by_questions:
        raise NotScoredByQuestions(f"{row} has no questions")
    stage = evaluation.stage
    questions = {item.question_score.pk: item for item in question_verifications(row)}
    stale = [
        change.question_score_pk for change in changes
        if change.question_score_pk not in questions
        or _version(questions[change.question_score_pk].verified.get(stage)) != change.version
    ]
    if stale:
        raise EditConflict(stale)
    if problems := _problems(questions, changes, stage):
        raise VerificationInvalid(problems)
    saved = 0
    for change in changes:
        item = questions[change.question_score_pk]
        current = item.verified.get(stage)
        if change.score is None:
            if current is not None:
                current.delete()  # the history keeps it
                del item.verified[stage]
                saved += 1
            continue
        reason = change.reason.strip() if change.score < item.value_before(stage) else ""
        if current is None:
            item.verified[stage] = VerifiedScore.objects.create(
                question_score=item.question_score, stage=stage, score=change.score, reason=reason)
        elif (current.score, current.reason) != (change.score, reason):
            current.score, current.reason, current.version = change.score, reason, current.version + 1
            current.save(update_fields=["score", "reason", "version", "updated_at"])
        else:
            continue
        saved += 1
    _losses_write(row, list(questions.values()))
    return saved


def _version(verified: VerifiedScore | None) -> int | None:
    return None if verified is None else verified.version


def _losses_write(row: SelfAssessment, questions: list[QuestionVerification]) -> None:
    """The indicator's loss in each stage as its `from_questions` deduction (none where it lost nothing),
    with the reasons of the questions lowered in that stage."""
    losses = scoring.stage_losses([item.stages for item in questions], row.max_points, STAGES)
    existing = {deduction.stage: deduction for deduction in
                FieldDeduction.objects.select_for_update().filter(self_assessment=row, from_questions=True)}
    # Shrinking losses first keeps the deductions within the score at every step (the database checks).
    for stage in sorted(STAGES, key=lambda s: losses[s] - (existing[s].points if s in existing else 0)):
        loss, deduction = losses[stage], existing.get(stage)
        reason = REASON_SEPARATOR.join(
            f"{item.question_score.question.code}: {item.verified[stage].reason.rstrip('.;')}"
            for item in questions if stage in item.verified and item.verified[stage].reason
        )
        if loss <= 0:
            if deduction is not None:
                deduction.delete()
        elif deduction is None:
            FieldDeduction.objects.create(self_assessment=row, stage=stage, points=loss, reason=reason,
                                          from_questions=True)
        elif (deduction.points, deduction.reason) != (loss, reason):
            deduction.points, deduction.reason, deduction.version = loss, reason, deduction.version + 1
            deduction.save(update_fields=["points", "reason", "version", "updated_at"])


@dataclass(frozen=True)
class StageTotal:
    stage: str
    label: str
    total: Decimal
    lost: Decimal
    status: str  # "done", "current" or "later"


def stage_totals(
    evaluation: Evaluation, self_total: Decimal, lost: dict[str, Decimal] | None = None
) -> list[StageTotal]:
    """The evaluation's total after the self-assessment and after each verification stage, with what each
    stage lost and whether it is over, in progress or still to come (one query, none when the caller has
    the points `lost` per stage)."""
    if lost is None:
        # SQLite sums decimals as floats: back to hundredths.
        lost = {stage: (points or scoring.ZERO).quantize(scoring.STEP) for stage, points in
                FieldDeduction.objects.filter(self_assessment__evaluation=evaluation).values("stage")
                .annotate(points=Sum("points")).values_list("stage", "points")}
    totals = scoring.stage_totals(self_total, lost, STAGES)
    order = [Evaluation.Stage.SELF_ASSESSMENT, *STAGES, Evaluation.Stage.FINAL]
    position = order.index(evaluation.stage) if evaluation.stage in order else 0
    labels = dict(Evaluation.Stage.choices)
    result = [StageTotal(Evaluation.Stage.SELF_ASSESSMENT, str(labels[Evaluation.Stage.SELF_ASSESSMENT]), self_total,
                         scoring.ZERO, "current" if position == 0 else "done")]
    for index, (stage, total) in enumerate(zip(STAGES, totals, strict=True), start=1):
        status = "done" if position > index else "current" if position == index else "later"
        result.append(StageTotal(stage, str(labels[stage]), total, lost.get(stage) or scoring.ZERO, status))
    return result
