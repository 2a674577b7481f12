"""Reads of the criteria, the matrix and the questions' suggested scores, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.utils import timezone

from clusters.models import Evaluation, QuestionScore
from dekela import scoring
from dekela.models import Criterion, CriterionEvidence, CriterionStatus
from kelurahan import coverage
from kelurahan import selectors as kelurahan_selectors
from kelurahan.models import Kecamatan, Kelurahan, Patbm

MET, NOT_MET, UNKNOWN = CriterionStatus.Status.MET, CriterionStatus.Status.NOT_MET, CriterionStatus.Status.UNKNOWN
KECAMATAN_PER_PAGE = 25
YEARS = range(2000, 2101)  # the years the database accepts (criterion_status_year_range)


@dataclass(frozen=True)
class Cell:
    criterion: Criterion
    status: str
    date: dt.date | None = None
    note: str = ""

    @property
    def label(self) -> str:
        return CriterionStatus.Status(self.status).label


@dataclass(frozen=True)
class MatrixRow:
    """One kelurahan (or kecamatan) of the matrix with a cell per criterion, in the criteria's order."""

    pk: int
    code: str
    name: str
    group: int | None  # the kecamatan's pk for a kelurahan row, None for a kecamatan row
    cells: list[Cell]

    def status_of(self, criterion_pk: int) -> str:
        return next((cell.status for cell in self.cells if cell.criterion.pk == criterion_pk), UNKNOWN)


@dataclass(frozen=True)
class GroupTotals:
    """Per criterion, the places meeting it (`coverage.Coverage`) in one kecamatan or the whole city."""

    pk: int | None
    name: str
    shares: list[coverage.Coverage]


@dataclass
class Matrix:
    year: int
    scope: str
    criteria: list[Criterion]
    page: Page
    rows: list[MatrixRow]
    city: GroupTotals
    groups: list[GroupTotals] = field(default_factory=list)  # the kecamatan of this page (kelurahan scope)

    @property
    def is_paged(self) -> bool:
        return self.page.paginator.num_pages > 1

    @property
    def sections(self) -> list[tuple[GroupTotals, list[MatrixRow]]]:
        """The kecamatan of this page with their totals and their rows left by the filters (kelurahan scope)."""
        return [(group, [row for row in self.rows if row.group == group.pk]) for group in self.groups]


def _status_counts(year: int, criteria: list[Criterion], scope: str, by_kecamatan: bool = False) -> dict:
    """{(criterion pk[, kecamatan pk]): places meeting it} among the active places (one query)."""
    statuses = CriterionStatus.objects.filter(year=year, status=MET, criterion__in=[c.pk for c in criteria])
    if scope == Criterion.Scope.KELURAHAN:
        statuses = statuses.filter(kelurahan__is_active=True)
        keys = ("criterion_id", "kelurahan__kecamatan_id") if by_kecamatan else ("criterion_id",)
    else:
        statuses = statuses.filter(kecamatan__is_active=True)
        keys = ("criterion_id",)
    return {tuple(row[key] for key in keys): row["n"]
            for row in statuses.values(*keys).annotate(n=Count("pk")).order_by()}


def default_year() -> int:
    """The year the matrix opens on from a link without one: the latest evaluation's year (the year being
    entered, whose statuses feed its questions), else the latest year with a recorded status, else this year.
    Two queries at most."""
    in_range = {"year__gte": YEARS.start, "year__lte": YEARS.stop - 1}
    year = Evaluation.objects.filter(**in_range).order_by("-year").values_list("year", flat=True).first()
    if year is None:
        year = CriterionStatus.objects.filter(**in_range).order_by("-year").values_list("year", flat=True).first()
    return year if year is not None else timezone.localdate().year


def year_day(year: int) -> dt.date:
    """The day whose PATBM steps a year's PATBM criterion reads: 31 December, or today for the current year
    (and a later one)."""
    return min(dt.date(year, 12, 31), timezone.localdate())


def _patbm_city(years: list[int]) -> dict[int, coverage.Coverage]:
    """{year: active kelurahan with a PATBM formed or active on `year_day(year)`, of all active}: from the
    kept coverage-over-time count, a query or two."""
    by_day = kelurahan_selectors.patbm_city_coverage_on(year_day(year) for year in years)
    return {year: by_day[year_day(year)] for year in years}


def _place_counts(scope: str) -> int:
    if scope == Criterion.Scope.KELURAHAN:
        return Kelurahan.objects.active().count()
    return Kecamatan.objects.filter(is_active=True).count()


def criterion_shares(year: int, scope: str, criteria: list[Criterion] | None = None) -> dict[int, coverage.Coverage]:
    """{criterion pk: active places meeting it of all active places} for the active criteria of `scope`.

    A recorded criterion counts the statuses "met" of `year`; the PATBM criterion counts the active
    kelurahan whose PATBM was formed or active at the end of `year` (`year_day`; kelurahan's own coverage
    rule). A deactivated kelurahan (or kecamatan) leaves both the count and the total. Four queries at most,
    whatever the data.
    """
    criteria = list(Criterion.objects.for_scope(scope)) if criteria is None else criteria
    total = _place_counts(scope)
    counts = _status_counts(year, criteria, scope)
    shares = {}
    patbm = None
    for criterion in criteria:
        if criterion.source == Criterion.Source.PATBM:
            patbm = patbm or _patbm_city([year])[year]
            shares[criterion.pk] = patbm
        else:
            shares[criterion.pk] = coverage.Coverage(covered=counts.get((criterion.pk,), 0), total=total)
    return shares


def _kelurahan_matrix(year, criteria, *, kecamatan_id, page) -> Matrix:
    # Active kelurahan per kecamatan and the PATBM step each had at the end of the year.
    day = year_day(year)
    active = list(Kelurahan.objects.active().order_by().values_list("pk", "kecamatan_id"))
    steps = kelurahan_selectors.patbm_steps_on([day])[day]
    kecamatan_steps: dict[int, list[int]] = {}
    for pk, group_pk in active:
        kecamatan_steps.setdefault(group_pk, []).append(steps.get(pk, Patbm.Step.BELUM_ADA))
    totals = [kelurahan_selectors.KecamatanCoverage(item.pk, item.code, item.name,
                                                    coverage.coverage(kecamatan_steps[item.pk]))
              for item in Kecamatan.objects.filter(pk__in=list(kecamatan_steps)).order_by("code")]
    counts = _status_counts(year, criteria, Criterion.Scope.KELURAHAN, by_kecamatan=True)

    def shares_of(item) -> list[coverage.Coverage]:
        return [item.coverage if criterion.source == Criterion.Source.PATBM
                else coverage.Coverage(counts.get((criterion.pk, item.pk), 0), item.coverage.total)
                for criterion in criteria]

    every_group = [GroupTotals(item.pk, item.name, shares_of(item)) for item in totals]
    city_total = sum(item.coverage.total for item in totals)
    city = GroupTotals(None, "", [
        coverage.Coverage(sum(group.shares[i].covered for group in every_group), city_total)
        for i in range(len(criteria))
    ])
    groups = [group for group in every_group if kecamatan_id is None or group.pk == kecamatan_id]
    kecamatan_page = Paginator(groups, KECAMATAN_PER_PAGE).get_page(page)
    ids = [group.pk for group in kecamatan_page.object_list]
    places = list(Kelurahan.objects.active().filter(kecamatan_id__in=ids).order_by("kecamatan__code", "code"))
    recorded = _recorded(year, kelurahan_ids=[place.pk for place in places])
    rows = [MatrixRow(place.pk, place.code, place.name, place.kecamatan_id, [
        Cell(criterion, MET if coverage.is_covered(steps.get(place.pk, Patbm.Step.BELUM_ADA)) else NOT_MET)
        if criterion.source == Criterion.Source.PATBM
        else recorded.get((criterion.pk, place.pk), Cell(criterion, UNKNOWN))
        for criterion in criteria]) for place in places]
    return Matrix(year=year, scope=Criterion.Scope.KELURAHAN, criteria=criteria, page=kecamatan_page, rows=rows,
                  city=city, groups=list(kecamatan_page.object_list))


def _recorded(year, *, kelurahan_ids=None, kecamatan_ids=None) -> dict[tuple[int, int], Cell]:
    """{(criterion pk, place pk): Cell} of the statuses recorded for these places in `year` (one query)."""
    if kelurahan_ids is not None:
        statuses, place = CriterionStatus.objects.filter(kelurahan_id__in=kelurahan_ids), "kelurahan_id"
    else:
        statuses, place = CriterionStatus.objects.filter(kecamatan_id__in=kecamatan_ids), "kecamatan_id"
    return {(status.criterion_id, getattr(status, place)): Cell(status.criterion, status.status, status.date,
                                                                 status.note)
            for status in statuses.filter(year=year).select_related("criterion")}


def _kecamatan_matrix(year, criteria, *, kecamatan_id, page) -> Matrix:
    shares = criterion_shares(year, Criterion.Scope.KECAMATAN, criteria)
    city = GroupTotals(None, "", [shares[criterion.pk] for criterion in criteria])
    places = Kecamatan.objects.filter(is_active=True).order_by("code")
    if kecamatan_id is not None:
        places = places.filter(pk=kecamatan_id)
    kecamatan_page = Paginator(places, KECAMATAN_PER_PAGE).get_page(page)
    places = list(kecamatan_page.object_list)
    recorded = _recorded(year, kecamatan_ids=[place.pk for place in places])
    rows = [MatrixRow(place.pk, place.code, place.name, None, [
        recorded.get((criterion.pk, place.pk), Cell(criterion, UNKNOWN)) for criterion in criteria])
        for place in places]
    return Matrix(year=year, scope=Criterion.Scope.KECAMATAN, criteria=criteria, page=kecamatan_page, rows=rows,
                  city=city)


def matrix(*, year: int, scope: str, kecamatan_id: int | None = None, criterion_id: int | None = None,
           status: str = "", page: int | str = 1) -> Matrix:
    """The matrix of one year: active places (kelurahan grouped by kecamatan, paged by kecamatan; or the
    kecamatan) by the active criteria of `scope`, each cell met / not met / unknown, with the totals per
    kecamatan and for the city (over every active place, not only this page's).

    `criterion_id` and `status` together keep only the rows whose cell of that criterion has that status
    (the totals stay those of every place). A fixed number of queries, whatever the number of places.
    """
    criteria = list(Criterion.objects.for_scope(scope))
    build = _kelurahan_matrix if scope == Criterion.Scope.KELURAHAN else _kecamatan_matrix
    result = build(year, criteria, kecamatan_id=kecamatan_id, page=page)
    if criterion_id is not None and status:
        result.rows = [row for row in result.rows if row.status_of(criterion_id) == status]
    return result


def evidence_counts(*, year: int, kelurahan: Kelurahan | None = None,
                    kecamatan: Kecamatan | None = None) -> dict[int, int]:
    """{criterion pk: evidence documents} of one place in one year (one query)."""
    place = {"kelurahan": kelurahan} if kelurahan is not None else {"kecamatan": kecamatan}
    return dict(CriterionEvidence.objects.filter(year=year, **place).values("criterion_id")
                .annotate(n=Count("pk")).values_list("criterion_id", "n").order_by())


def row_statuses(*, year: int, criteria: list[Criterion], kelurahan: Kelurahan | None = None,
                 kecamatan: Kecamatan | None = None) -> dict[int, CriterionStatus]:
    """{criterion pk: recorded status} of one place in one year (one query)."""
    place = {"kelurahan": kelurahan} if kelurahan is not None else {"kecamatan": kecamatan}
    return {status.criterion_id: status for status in CriterionStatus.objects.filter(
        year=year, criterion__in=[criterion.pk for criterion in criteria], **place)}


@dataclass(frozen=True)
class Suggestion:
    """A Kelana-Dekela question of an evaluation with the share its criterion gives and the points it would get."""

    criterion: Criterion
    question_score: QuestionScore
    share: coverage.Coverage
    points: Decimal
    points_one_more: Decimal  # the points with one more place meeting the criterion, rounded as `points`
    more_for_full: int
    more_for_gain: int  # the fewest more places that raise `points` (`scoring.more_needed_for_gain`), 0: none
    points_at_gain: Decimal  # the points with `more_for_gain` more places

    @property
    def gain_one_more(self) -> Decimal:
        """What one more place adds: the difference of the two rounded suggestions the page shows, so they
        add up there (with 6 points over 68 kelurahan it is 0.09 or 0.08 as the rounding falls)."""
        return self.points_one_more - self.points

    @property
    def gain_next(self) -> Decimal:
        """What the `more_for_gain` more places add (0 when nothing would)."""
        return self.points_at_gain - self.points

    @property
    def differs(self) -> bool:
        return self.question_score.score != self.points


def suggestions(evaluation: Evaluation, *, rule: str | None = None) -> list[Suggestion]:
    """Each question of `evaluation` that an active criterion feeds, with the share of `evaluation.year`,
    the points under the conversion rule (the setting unless `rule` is given) and what one more place
    would add. Questions are matched by their indicator's and their own number, so an evaluation on a
    copy of the instrument finds them too. A fixed number of queries."""
    rule = rule or scoring.conversion_rule()
    criteria = [criterion for criterion in Criterion.objects.active().filter(question__isnull=False)
                .select_related("question__indicator").order_by("scope", "order", "code")]
    if not criteria:
        return []
    by_number = {(criterion.question.indicator.code, criterion.question.code): criterion for criterion in criteria}
    rows = list(QuestionScore.objects.filter(self_assessment__evaluation=evaluation,
                                             question__indicator__code__in={code for code, _ in by_number})
                .select_related("question__indicator", "self_assessment")
                .order_by("question__indicator__number", "question__indicator__code", "question__order"))
    if not rows:
        return []
    shares = {}
    for scope in (Criterion.Scope.KECAMATAN, Criterion.Scope.KELURAHAN):
        scoped = [criterion for criterion in criteria if criterion.scope == scope]
        if scoped:
            shares.update(criterion_shares(evaluation.year, scope, scoped))
    result = []
    for row in rows:
        criterion = by_number.get((row.question.indicator.code, row.question.code))
        if criterion is None:
            continue
        share = shares[criterion.pk]
        more_for_gain = scoring.more_needed_for_gain(met=share.covered, total=share.total, max_points=row.max_points,
                                                     rule=rule)
        result.append(Suggestion(
            criterion=criterion, question_score=row, share=share,
            points=scoring.suggested_points(met=share.covered, total=share.total, max_points=row.max_points,
                                            rule=rule),
            points_one_more=scoring.suggested_points(met=min(share.covered + 1, share.total), total=share.total,
                                                     max_points=row.max_points, rule=rule),
            more_for_full=scoring.more_needed_for_full(met=share.covered, total=share.total),
            more_for_gain=more_for_gain,
            points_at_gain=scoring.suggested_points(met=share.covered + more_for_gain, total=share.total,
                                                    max_points=row.max_points, rule=rule),
        ))
    return result


def planner_gains(evaluation: Evaluation, *, limit: int = 5) -> list[scoring.CriterionGain]:
    """For the planner: the criteria of `evaluation`'s questions where a tenth more of the active places
    (`scoring.planner_step`) meeting them would add the most points under the conversion rule, biggest first;
    each gain's `key` is its `Suggestion`. Empty on an instrument without Kelana-Dekela questions."""
    rule = scoring.conversion_rule()
    items = suggestions(evaluation, rule=rule)
    return scoring.biggest_gains(
        [scoring.GainCandidate(item, item.share.covered, item.share.total, item.question_score.max_points)
         for item in items], limit=limit, rule=rule)


def suggestion_for(evaluation: Evaluation, question_score_pk: int) -> Suggestion | None:
    return next((item for item in suggestions(evaluation) if item.question_score.pk == question_score_pk), None)



@dataclass(frozen=True)
class CoverageOverTime:
    """Per year with recorded statuses, the share of today's active places meeting each criterion."""

    scope: str
    criteria: list[Criterion]
    years: list[tuple[int, list[coverage.Coverage]]]


def coverage_over_time(scope: str) -> CoverageOverTime:
    """Each year that has a status recorded for the criteria of `scope`, oldest first, with each criterion's
    share of the active places (measured against today's active places, as the PATBM timeline is); the PATBM
    criterion's, from the step each kelurahan had at the end of that year (`year_day`). Five queries at most."""
    criteria = list(Criterion.objects.for_scope(scope))
    total = _place_counts(scope)
    statuses = CriterionStatus.objects.filter(status=MET, criterion__in=[c.pk for c in criteria])
    statuses = statuses.filter(kelurahan__is_active=True) if scope == Criterion.Scope.KELURAHAN \
        else statuses.filter(kecamatan__is_active=True)
    counts = {(row["year"], row["criterion_id"]): row["n"]
              for row in statuses.values("year", "criterion_id").annotate(n=Count("pk")).order_by()}
    years = sorted({year for year, _ in counts})
    patbm = _patbm_city(years) if any(c.source == Criterion.Source.PATBM for c in criteria) else {}
    rows = []
    for year in years:
        shares = []
        for criterion in criteria:
            if criterion.source == Criterion.Source.PATBM:
                shares.append(patbm[year])
            else:
                shares.append(coverage.Coverage(counts.get((year, criterion.pk), 0), total))
        rows.append((year, shares))
    return CoverageOverTime(scope=scope, criteria=criteria, years=rows)
