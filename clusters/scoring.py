"""Scoring rules of the KLA evaluation, as plain functions over plain values.

Nothing here touches the database: selectors turn rows into `IndicatorScore` and `Band` values,
and views, charts and tests call these functions. Scores are `Decimal` with two places.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.numbers import format_decimal

ZERO = Decimal("0.00")
# Scores are published with two decimals: "above 700" means at least 700.01.
STEP = Decimal("0.01")
FULL_MARKS = Decimal("1000")

# WHAT CAN STILL CHANGE in an evaluation's stage (`ResultStatus.changeable`): in the self-assessment
# stage any indicator may still rise to its maximum (CHANGE_ALL); in the verification stages the
# self-assessment is locked, so only the recoverable points (deductions avoided or won back) can still
# be gained (CHANGE_RECOVERABLE); a final evaluation changes no more (CHANGE_NONE).
CHANGE_ALL = "all"
CHANGE_RECOVERABLE = "recoverable"
CHANGE_NONE = "none"


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator of one evaluation: its maximum, self-assessment and total deductions.

    `self_score` is None while the indicator has not been self-assessed yet; it then counts as 0.
    """

    number: int
    cluster_code: str
    max_points: Decimal
    self_score: Decimal | None = None
    deductions: Decimal = ZERO
    name: str = field(default="", compare=False)  # for pages and charts; no rule reads it
    code: str = field(default="", compare=False)  # the instrument's own number (21A); `number` is its position

    @property
    def label(self) -> str:
        """The indicator's number as its instrument writes it."""
        return self.code or str(self.number)

    @property
    def is_scored(self) -> bool:
        return self.self_score is not None

    @property
    def self_points(self) -> Decimal:
        return self.self_score if self.self_score is not None else ZERO

    @property
    def final(self) -> Decimal:
        """Self-assessment minus field deductions."""
        return self.self_points - self.deductions

    @property
    def headroom(self) -> Decimal:
        """Points this indicator can still gain: maximum minus final score."""
        return self.max_points - self.final


@dataclass(frozen=True)
class ScoreProblem:
    """Why a self-assessment score cannot be saved: `code` for tests and callers, `message` for the user."""

    code: str
    message: str


@dataclass(frozen=True)
class VerificationProblem(ScoreProblem):
    """Why a verified score cannot be saved; `field` is the form field the message belongs beside."""

    field: str = "score"


def verification_problem(score: Decimal | None, reason: str, *, before: Decimal) -> VerificationProblem | None:
    """The first thing wrong with `score` as a verification stage's score of a question that had `before`
    when the stage began, or None: a stage can only lower a score, and a lower one needs its reason.
    No score (the stage leaves the question alone) is fine. The verification form and service ask this."""
    if score is None:
        return None
    if score < 0 or score.is_signed():
        return VerificationProblem("negative", _("The score may not be negative."))
    if score > before:
        return VerificationProblem("above_before", _(
            "At most %(before)s points: the score before this stage (a stage can only lower a score)."
        ) % {"before": format_decimal(before)})
    if score < before and not reason.strip():
        return VerificationProblem("reason_required", _("Write the reason for the reduction."), field="reason")
    return None


def score_problem(
    score: Decimal | None, *, maximum: Decimal, deductions: Decimal = ZERO, question: bool = False
) -> ScoreProblem | None:
    """The first thing wrong with `score` as the self-assessment of an indicator worth `maximum` points
    with `deductions` recorded, or None when it may be saved. Checked in this order:

    - no score while deductions are recorded (`required_by_deductions`); no score otherwise is fine;
    - negative, "-0" too: a sign on a score is a typing error (`negative`);
    - above the indicator's maximum (`above_maximum`);
    - more than two decimals (`too_many_decimals`);
    - below the deductions already recorded (`below_deductions`).

    The message is translated (gettext) and writes numbers as score fields read them (25,50). The
    score entry form and the score import both ask this function; `question` for a question's score.
    """
    if score is None:
        if deductions:
            return ScoreProblem("required_by_deductions", _("This indicator has deductions; it needs a score."))
        return None
    if score < 0 or score.is_signed():
        return ScoreProblem("negative", _("The score may not be negative."))
    if score > maximum:
        message = (_("At most %(maximum)s points: the question's maximum.") if question
                   else _("At most %(maximum)s points: the indicator's maximum."))
        return ScoreProblem("above_maximum", message % {"maximum": format_decimal(maximum)})
    if score != score.quantize(STEP):
        return ScoreProblem("too_many_decimals", _("At most two decimals."))
    if score < deductions:
        return ScoreProblem(
            "below_deductions",
            _("At least %(deductions)s points: the deductions already recorded for this indicator.")
            % {"deductions": format_decimal(deductions)},
        )
    return None


@dataclass(frozen=True)
class ClusterTotal:
    cluster_code: str
    maximum: Decimal
    self_assessment: Decimal
    deductions: Decimal
    final: Decimal
    scored: int
    indicators: int

    @property
    def headroom(self) -> Decimal:
        return self.maximum - self.final

    @property
    def unclaimed(self) -> Decimal:
        """Points the self-assessment did not claim: maximum minus self-assessment."""
        return self.maximum - self.self_assessment


@dataclass(frozen=True)
class Band:
    """A predicate band: it starts at `lower` (inclusive or not) and ends where the next begins."""

    code: str
    name: str
    lower: Decimal
    lower_inclusive: bool = False
    pk: int | None = field(default=None, compare=False)  # the Predicate row, where it comes from one

    def admits(self, score: Decimal) -> bool:
        return score >= self.lower if self.lower_inclusive else score > self.lower

    @property
    def entry_score(self) -> Decimal:
        """The lowest two-decimal score inside the band (700.01 for "above 700")."""
        return self.lower if self.lower_inclusive else self.lower + STEP


def total_self_assessment(scores: Iterable[IndicatorScore]) -> Decimal:
    """Sum of the self-assessment scores; indicators not yet scored count as 0."""
    return sum((s.self_points for s in scores), ZERO)


def total_deductions(scores: Iterable[IndicatorScore]) -> Decimal:
    """Sum of all field-evaluation deductions."""
    return sum((s.deductions for s in scores), ZERO)


def final_total(scores: Iterable[IndicatorScore]) -> Decimal:
    """Self-assessment minus deductions, over all indicators."""
    return sum((s.final for s in scores), ZERO)


def maximum_total(scores: Iterable[IndicatorScore]) -> Decimal:
    """Sum of the indicators' maximum points in this evaluation."""
    return sum((s.max_points for s in scores), ZERO)


def cluster_totals(
    scores: Iterable[IndicatorScore], cluster_order: Sequence[str] | None = None
) -> list[ClusterTotal]:
    """Totals per cluster, in `cluster_order` (or first-seen order), including clusters listed
    in `cluster_order` that have no indicators (all zero)."""
    groups: dict[str, list[IndicatorScore]] = {code: [] for code in cluster_order or ()}
    for score in scores:
        groups.setdefault(score.cluster_code, []).append(score)
    return [
        ClusterTotal(
            cluster_code=code,
            maximum=maximum_total(items),
            self_assessment=total_self_assessment(items),
            deductions=total_deductions(items),
            final=final_total(items),
            scored=sum(1 for s in items if s.is_scored),
            indicators=len(items),
        )
        for code, items in groups.items()
    ]


def _ascending(bands: Iterable[Band]) -> list[Band]:
    return sorted(bands, key=lambda band: band.lower)


def predicate_for(score: Decimal, bands: Iterable[Band]) -> Band | None:
    """Returns the predicate whose band contains `score`, or None below the lowest band."""
    reached = None
    for band in _ascending(bands):
        if band.admits(score):
            reached = band
    return reached


def gap_to(score: Decimal, band: Band) -> Decimal:
    """Points still needed for `score` to enter `band`; 0 when already in or above it."""
    return max(band.entry_score - score, ZERO)


def next_band(score: Decimal, bands: Iterable[Band]) -> Band | None:
    """The lowest band above the one `score` is in, or None at the top."""
    for band in _ascending(bands):
        if not band.admits(score):
            return band
    return None


def band_upper_bounds(bands: Iterable[Band], ceiling: Decimal = FULL_MARKS) -> list[tuple[Band, Decimal]]:
    """Each band with the score where it ends (the next band's lower bound, or `ceiling`)."""
    ordered = _ascending(bands)
    uppers = [band.lower for band in ordered[1:]] + [ceiling]
    return list(zip(ordered, uppers, strict=True))


@dataclass(frozen=True)
class Summary:
    """The headline numbers of one evaluation."""

    self_assessment: Decimal
    deductions: Decimal
    final: Decimal
    maximum: Decimal
    scored: int
    indicators: int
    predicate: Band | None
    next_predicate: Band | None
    gap_to_next: Decimal | None
    gap_to_goal: Decimal | None

    @property
    def maxima_add_up(self) -> bool:
        """True when the indicators' maxima add up to exactly 1000 points."""
        return self.maximum == FULL_MARKS


def summarize(scores: Sequence[IndicatorScore], bands: Sequence[Band], goal: Band | None) -> Summary:
    """Totals, predicate and gaps of one evaluation's final score.

    `goal` is the band the city aims for (Nindya); `gap_to_goal` is None without one.
    """
    final = final_total(scores)
    upcoming = next_band(final, bands)
    return Summary(
        self_assessment=total_self_assessment(scores),
        deductions=total_deductions(scores),
        final=final,
        maximum=maximum_total(scores),
        scored=sum(1 for s in scores if s.is_scored),
        indicators=len(scores),
        predicate=predicate_for(final, bands),
        next_predicate=upcoming,
        gap_to_next=gap_to(final, upcoming) if upcoming else None,
        gap_to_goal=gap_to(final, goal) if goal else None,
    )


def headroom_ranking(scores: Iterable[IndicatorScore], limit: int = 10) -> list[IndicatorScore]:
    """The `limit` indicators with the most headroom (maximum minus final), largest first;
    ties go to the lower indicator number. Indicators without headroom are left out."""
    gaining = [score for score in scores if score.headroom > ZERO]
    return sorted(gaining, key=lambda score: (-score.headroom, score.number))[:limit]


@dataclass(frozen=True)
class DeductionChange:
    """One indicator's field deductions in two evaluations (0 where it lost nothing)."""

    number: int
    cluster_code: str
    current: Decimal
    previous: Decimal
    code: str = field(default="", compare=False)  # the instrument's own number (21A)

    @property
    def label(self) -> str:
        return self.code or str(self.number)

    @property
    def change(self) -> Decimal:
        return self.current - self.previous


def deductions_compared(
    current: Iterable[IndicatorScore], previous: Iterable[IndicatorScore]
) -> list[DeductionChange]:
    """Indicators that lost points in either evaluation, by number, matched on the number."""
    now = {s.number: s for s in current}
    before = {s.number: s for s in previous}
    numbers = sorted(n for n in now.keys() | before.keys()
                     if (n in now and now[n].deductions > ZERO) or (n in before and before[n].deductions > ZERO))
    return [
        DeductionChange(
            number=n,
            cluster_code=(now.get(n) or before[n]).cluster_code,
            code=(now.get(n) or before[n]).code,
            current=now[n].deductions if n in now else ZERO,
            previous=before[n].deductions if n in before else ZERO,
        )
        for n in numbers
    ]


def recurring_weaknesses(deductions_by_year: Mapping[int, Mapping[int, Decimal]]) -> set[int]:
    """Indicator numbers deducted in two or more consecutive evaluations.

    `deductions_by_year` maps each evaluated year to {indicator number: points deducted}. "Consecutive"
    means consecutive evaluations, not calendar years: no award was held in 2020 or 2024, so 2019 and
    2021 are consecutive.
    """
    years = sorted(deductions_by_year)
    flagged: set[int] = set()
    for earlier, later in zip(years, years[1:], strict=False):
        lost_before = {number for number, points in deductions_by_year[earlier].items() if points > 0}
        lost_after = {number for number, points in deductions_by_year[later].items() if points > 0}
        flagged |= lost_before & lost_after
    return flagged


# --- Verification stages ---------------------------------------------------------------------------
# Each stage after the self-assessment may lower a question's score; a question a stage leaves alone
# keeps the score it had before. An indicator's score at a stage is the sum of its questions' then,
# at most the indicator's maximum; what it lost in a stage is its score before minus its score after.


@dataclass(frozen=True)
class QuestionStages:
    """One question's self-assessment score and the scores verification stages gave it."""

    self_score: Decimal | None
    verified: Mapping[str, Decimal]  # stage -> verified score

    def values(self, stages: Sequence[str]) -> list[Decimal]:
        """The question's score after the self-assessment and after each of `stages`, in order."""
        value = self.self_score if self.self_score is not None else ZERO
        values = [value]
        for stage in stages:
            value = self.verified.get(stage, value)
            values.append(value)
        return values


def indicator_stage_scores(
    questions: Sequence[QuestionStages], maximum: Decimal, stages: Sequence[str]
) -> list[Decimal]:
    """The indicator's score after the self-assessment and after each of `stages`: the sum of its
    questions' scores then, at most `maximum`."""
    per_question = [question.values(stages) for question in questions]
    return [min(sum((values[i] for values in per_question), ZERO), maximum) for i in range(len(stages) + 1)]


def stage_losses(questions: Sequence[QuestionStages], maximum: Decimal, stages: Sequence[str]) -> dict[str, Decimal]:
    """Points the indicator lost in each of `stages` (0 where a stage lowered nothing)."""
    scores = indicator_stage_scores(questions, maximum, stages)
    return {stage: max(scores[i] - scores[i + 1], ZERO) for i, stage in enumerate(stages)}


def stage_totals(self_total: Decimal, losses: Mapping[str, Decimal], stages: Sequence[str]) -> list[Decimal]:
    """The evaluation's total after each of `stages`: the self-assessment total minus what was lost
    in that stage and every stage before it."""
    totals, total = [], self_total
    for stage in stages:
        total -= losses.get(stage, ZERO)
        totals.append(total)
    return totals
