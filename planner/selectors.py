"""Reads for the planner, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from clusters import scoring
from clusters.models import Evaluation, Predicate, QuestionScore, SelfAssessment
from clusters.selectors import ResultStatus, deduction_history, final_before, predicate_bands, result_status
from kelurahan.selectors import patbm_coverage
from planner import planning
from planner.models import Office, PatbmRule, Scenario, ScenarioItem

# The deductions table shows the latest evaluations only: thirty year columns read badly on any screen, and
# rendering them cost the page's first request after a save about 12 ms at that size.
HISTORY_YEARS_SHOWN = 10


@dataclass(frozen=True)
class PlannerRow:
    """One indicator in the planner."""

    number: int
    indicator_id: int
    name: str
    cluster_code: str
    start: planning.Start
    suggested: bool
    recurring: bool
    deductions: list[Decimal]  # per year of `Planner.history_years`
    code: str = ""  # the instrument's own number of the indicator (21A); `number` is its position

    @property
    def ever_deducted(self) -> bool:
        return any(points > 0 for points in self.deductions)

    @property
    def suggested_target(self) -> Decimal:
        return self.start.base + self.start.gain if self.suggested else self.start.base


@dataclass(frozen=True)
class Planner:
    evaluation: Evaluation
    previous: Evaluation | None
    result: ResultStatus
    goal: Predicate
    predicates: list[Predicate]
    bands: list[scoring.Band]
    rows: list[PlannerRow]
    base_total: Decimal
    gap: Decimal
    suggestion: planning.Suggestion
    rule: PatbmRule | None
    coverage: object
    history_years: list[int] = field(default_factory=list)  # the latest HISTORY_YEARS_SHOWN with a field result
    history_years_hidden: int = 0  # earlier ones, counted for recurring weaknesses but not in the table
    self_total: Decimal = scoring.ZERO  # the self-assessment as it stands (the dashboard's number)

    @property
    def expected_deductions(self) -> Decimal:
        """Points subtracted from the self-assessment because the jurors deducted them on the same
        indicators in the previous final evaluation (STARTING RULE 2)."""
        return sum((row.start.recoverable for row in self.rows if row.start.source == planning.SOURCE_SELF),
                   scoring.ZERO)

    @property
    def expected_numbers(self) -> list[int]:
        return [row.number for row in self.rows
                if row.start.source == planning.SOURCE_SELF and row.start.recoverable > 0]

    @property
    def locked_rows(self) -> list[PlannerRow]:
        return [row for row in self.rows if row.start.locked]

    @property
    def goal_band(self) -> scoring.Band:
        return self.goal.to_band()

    @property
    def bands_for_script(self) -> list[dict]:
        return [{"name": b.name, "lower": str(b.lower), "inclusive": b.lower_inclusive} for b in self.bands]

    @property
    def base_predicate(self) -> scoring.Band | None:
        return scoring.predicate_for(self.base_total, self.bands)


@dataclass(frozen=True)
class QuestionGain:
    """A question of a question-scored indicator with the points it still leaves open."""

    indicator_code: str
    code: str
    text: str
    max_points: Decimal
    score: Decimal | None
    sources: list[str]

    @property
    def open_points(self) -> Decimal:
        return self.max_points - (self.score or scoring.ZERO)


@dataclass(frozen=True)
class AgencyGain:
    """An agency named as a data source, with the questions it holds evidence for and their open points."""

    name: str
    questions: int
    open_points: Decimal


@dataclass(frozen=True)
class QuestionGains:
    questions: list[QuestionGain]  # the most open points first, at most `limit`
    agencies: list[AgencyGain]  # the most open points first


def question_gains(evaluation: Evaluation, limit: int = 20) -> QuestionGains | None:
    """Where a question-level evaluation can still gain: its questions with the most points open and the
    agencies (the questions' data sources) that hold the evidence for them. None on an evaluation without
    questions. One query. Points open are the self-assessment's: an indicator capped at its maximum (19,
    21B) may gain less than its questions show."""
    rows = list(QuestionScore.objects.filter(self_assessment__evaluation=evaluation)
                .select_related("question", "self_assessment__indicator")
                .order_by("self_assessment__indicator__number", "question__order"))
    if not rows:
        return None
    gains = [QuestionGain(row.self_assessment.indicator.code, row.question.code, row.question.text, row.max_points,
                          row.score, row.question.sources) for row in rows]
    agencies: dict[str, list[QuestionGain]] = {}
    for gain in gains:
        for source in gain.sources:
            agencies.setdefault(source, []).append(gain)
    open_ = sorted((gain for gain in gains if gain.open_points > 0), key=lambda gain: -gain.open_points)
    by_agency = [AgencyGain(name, len(items), sum((item.open_points for item in items), scoring.ZERO))
                 for name, items in agencies.items()]
    return QuestionGains(open_[:limit], sorted(by_agency, key=lambda agency: (-agency.open_points, agency.name)))


def latest_evaluation() -> Evaluation | None:
    return Evaluation.objects.latest_first().first()


def planner_evaluations() -> list[Evaluation]:
    """Every evaluation, newest first, with `scored` (indicators self-assessed) for the choice (one query)."""
    return list(Evaluation.objects.latest_first().annotate(scored=Count("self_assessments__score")))


def default_evaluation(evaluations: list[Evaluation]) -> Evaluation | None:
    """The evaluation the planner opens with (`evaluations` newest first, with `scored`): the latest
    whose scores can still change and that has scores entered, else the latest not final, else the
    latest. So an empty new year does not push aside the year being entered."""
    open_ = [evaluation for evaluation in evaluations if not result_status(evaluation).is_final]
    with_scores = [evaluation for evaluation in open_ if evaluation.scored]
    return next(iter(with_scores or open_ or evaluations), None)


def goal_choice(code: str | None, predicates: list[Predicate], default_pk: int | None = None) -> Predicate | None:
    """The predicate with `code`, else the evaluation's target (`default_pk`), else Nindya, else the highest
    one (None without predicates)."""
    by_code = {predicate.code: predicate for predicate in predicates}
    target = next((predicate for predicate in predicates if predicate.pk == default_pk), None)
    return (by_code.get(code or "") or target or by_code.get(Predicate.NINDYA)
            or (predicates[-1] if predicates else None))


def planner(
    evaluation: Evaluation,
    goal: Predicate,
    efforts: dict[int, planning.Effort] | None = None,
    predicates: list[Predicate] | None = None,
) -> Planner:
    """The planner for `evaluation` towards `goal`: per indicator the start (STARTING RULE in
    planner/planning.py), the suggested minimal set, recurring weaknesses and the PATBM rule
    (eight queries; `predicates`, ascending, saves one)."""
    # Indicators are matched by number, which is each instrument's own: the years on another instrument
    # give no history, no previous field result and no PATBM rule on their indicators.
    history = deduction_history(evaluation.year, evaluation.instrument_id)
    rows = list(SelfAssessment.objects.filter(evaluation=evaluation).for_scoring())
    latest = [row.to_score() for row in rows]
    result = result_status(evaluation, scoring.total_deductions(latest))
    previous = final_before(evaluation.year)
    if previous is not None and previous.instrument_id != evaluation.instrument_id:
        previous = None
    previous_scores = (
        [row.to_score() for row in SelfAssessment.objects.filter(evaluation=previous).for_scoring()]
        if previous else None
    )
    starts = planning.starting_points(latest, previous_scores, latest_has_field_result=result.has_field_result,
                                      changeable=result.changeable)
    base_total = sum((start.base for start in starts), scoring.ZERO)
    gap = scoring.gap_to(base_total, goal.to_band())
    suggestion = planning.suggest(gap, planning.start_opportunities(starts, efforts))
    chosen = {item.number for item in suggestion.items}
    recurring = scoring.recurring_weaknesses(history)  # over every year, shown or not
    years = list(history)[-HISTORY_YEARS_SHOWN:]
    rule = PatbmRule.objects.current()
    predicates = predicates if predicates is not None else list(Predicate.objects.order_by("lower_bound"))
    return Planner(
        evaluation=evaluation,
        previous=previous,
        result=result,
        goal=goal,
        predicates=predicates,
        bands=[predicate.to_band() for predicate in predicates],
        rows=[
            PlannerRow(
                number=start.number, indicator_id=row.indicator_id, name=row.indicator.name, code=row.indicator.code,
                cluster_code=start.cluster_code, start=start,
                suggested=start.number in chosen, recurring=start.number in recurring,
                deductions=[history[year].get(start.number, scoring.ZERO) for year in years],
            )
            for row, start in zip(rows, starts, strict=True)
        ],
        base_total=base_total,
        gap=gap,
        suggestion=suggestion,
        rule=rule if rule is not None and rule.indicator.instrument_id == evaluation.instrument_id else None,
        coverage=patbm_coverage(),
        history_years=years,
        history_years_hidden=len(history) - len(years),
        self_total=scoring.total_self_assessment(latest),
    )


@dataclass(frozen=True)
class ScenarioView:
    """A saved scenario with its totals (the same rule the planner page runs in the browser)."""

    scenario: Scenario
    items: list[ScenarioItem]
    projected: Decimal
    base_total: Decimal
    predicate: scoring.Band | None
    remaining_gap: Decimal

    @property
    def improvements(self) -> list[ScenarioItem]:
        return [item for item in self.items if item.target != item.base]

    def target_of(self, number: int) -> Decimal | None:
        return next((item.target for item in self.items if item.indicator.number == number), None)


def scenario_views(scenarios: list[Scenario]) -> list[ScenarioView]:
    """The scenarios with their items and totals (two queries besides the scenarios, any number of them)."""
    items: dict[int, list[ScenarioItem]] = {scenario.pk: [] for scenario in scenarios}
    for item in (ScenarioItem.objects.filter(scenario__in=scenarios)
                 .select_related("indicator", "office").order_by("indicator__number")):
        items[item.scenario_id].append(item)
    bands = predicate_bands()
    result = []
    for scenario in scenarios:
        rows = items[scenario.pk]
        projected = planning.projected_total(
            {item.indicator.number: item.target for item in rows},
            {item.indicator.number: item.max_points for item in rows},
            bonus_indicator=scenario.patbm_indicator.number if scenario.patbm_indicator else None,
            bonus=scenario.patbm_points,
        )
        result.append(ScenarioView(
            scenario=scenario, items=rows, projected=projected,
            base_total=sum((item.base for item in rows), scoring.ZERO),
            predicate=scoring.predicate_for(projected, bands),
            remaining_gap=scoring.gap_to(projected, scenario.predicate.to_band()),
        ))
    return result


def scenarios_for_list():
    return Scenario.objects.for_list().select_related("patbm_indicator")


@dataclass(frozen=True)
class OfficeItem:
    item: ScenarioItem
    overdue: bool


def office_items(office: Office) -> list[OfficeItem]:
    """The action-plan items an office owns, soonest due first (one query)."""
    today = timezone.localdate()
    items = (
        ScenarioItem.objects.filter(office=office, in_plan=True, scenario__is_action_plan=True)
        .select_related("scenario", "scenario__evaluation", "indicator")
        .order_by("due_date", "scenario__name", "indicator__number")
    )
    return [
        OfficeItem(item, item.due_date is not None and item.due_date < today
                   and item.status != ScenarioItem.Status.DONE)
        for item in items
    ]


def offices_with_counts():
    """Every office with `open_items` (action-plan items not done) and `indicator_count` (one query)."""
    return Office.objects.annotate(
        open_items=Count("items", filter=Q(items__in_plan=True, items__scenario__is_action_plan=True)
                         & ~Q(items__status=ScenarioItem.Status.DONE), distinct=True),
        indicator_count=Count("indicators", distinct=True),
    ).order_by("name")
