"""Writes of the planner: default offices and rule, scenarios, action plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from clusters.models import Evaluation, Indicator, Instrument, Predicate
from core.loading import LoadReport
from core.versions import EditConflict, claim
from planner import planning
from planner.models import IndicatorOffice, Office, PatbmRule, Scenario, ScenarioItem

# Perangkat daerah of Kota Bogor with the indicators each owns by default (admins change both).
# The child-protection office was DPMPPA in 2019 (DP3A later): rename it in the admin.
DEFAULT_OFFICES = {
    "DPMPPA": [1, 2, 3, 6, 7, 8, 21, 24],
    "Dinas Kesehatan": [12, 13, 14, 15, 16, 17],
    "Disdukcapil": [4],
    "Dinas Pendidikan": [10, 18, 19, 20],
    "Dinas Sosial": [9, 22, 23],
    "Diskominfo": [5],
    "Dinas PUPR": [11],
}
# A local assumption, editable in the admin: 0.25 points per percentage point of kelurahan coverage,
# credited to indicator 21 (children victims of violence served), where the 2018 jurors cited PATBM.
DEFAULT_PATBM_INDICATOR = 21
DEFAULT_POINTS_PER_PERCENT = Decimal("0.25")


@transaction.atomic
def planner_defaults_load(*, report: LoadReport) -> None:
    """Creates the default offices, indicator owners and PATBM rule where missing; never changes
    existing rows (admins' edits survive a second run)."""
    # The default owners are numbered as in the 2019-era framework.
    framework = Indicator.objects.active().filter(instrument__code=Instrument.FRAMEWORK_2019)
    indicators = {indicator.number: indicator for indicator in framework}
    for name, numbers in DEFAULT_OFFICES.items():
        office, created = Office.objects.get_or_create(name=name)
        report.count("offices", created)
        for number in numbers:
            if number in indicators:
                _, created = IndicatorOffice.objects.get_or_create(indicator=indicators[number],
                                                                   defaults={"office": office})
                report.count("indicator owners", created)
    created = False
    if not PatbmRule.objects.exists() and DEFAULT_PATBM_INDICATOR in indicators:
        PatbmRule.objects.create(
            indicator=indicators[DEFAULT_PATBM_INDICATOR], points_per_percent=DEFAULT_POINTS_PER_PERCENT,
            note="Asumsi lokal, bukan aturan KemenPPPA.",
        )
        created = True
    report.count("PATBM rule", created)


@dataclass(frozen=True)
class ItemInput:
    """One indicator of a scenario as the planner form submits it."""

    indicator_id: int
    max_points: Decimal
    base: Decimal
    recoverable: Decimal
    target: Decimal
    effort: int


@transaction.atomic
def scenario_create(
    *, name: str, evaluation: Evaluation, predicate: Predicate, extra_kelurahan: int, items: list[ItemInput],
    rule: PatbmRule | None, covered: int, total_kelurahan: int, user=None,
) -> Scenario:
    """Saves a scenario and its items. The PATBM points are recomputed here with `rule` (the server
    is the authority, whatever the browser showed)."""
    points = planning.ZERO if rule is None else planning.patbm_points(
        added=extra_kelurahan, covered=covered, total=total_kelurahan, points_per_percent=rule.points_per_percent)
    scenario = Scenario.objects.create(
        name=name, evaluation=evaluation, predicate=predicate, extra_kelurahan=extra_kelurahan,
        patbm_points=points, patbm_indicator=rule.indicator if rule else None, created_by=user,
    )
    owners = dict(IndicatorOffice.objects.values_list("indicator_id", "office_id"))
    ScenarioItem.objects.bulk_create([
        ScenarioItem(scenario=scenario, indicator_id=item.indicator_id, max_points=item.max_points, base=item.base,
                     recoverable=item.recoverable, target=item.target, effort=item.effort,
                     office_id=owners.get(item.indicator_id))
        for item in items
    ])
    return scenario


@dataclass(frozen=True)
class PlanChange:
    """One action-plan item as the form submits it, with the version the form was loaded from."""

    pk: int
    target: Decimal
    office: Office | None
    due_date: dt.date | None
    status: str
    version: int

    def differs_from(self, item: ScenarioItem) -> bool:
        return (item.target, item.office_id, item.due_date, item.status) != (
            self.target, self.office.pk if self.office else None, self.due_date, self.status)


@transaction.atomic
def action_plan_save(*, scenario: Scenario, changes: list[PlanChange], kept: tuple[int, ...] = ()) -> Scenario:
    """Makes `scenario` an action plan and saves each item's target, office, due date and status,
    all or nothing.

    An item whose submitted values differ from the stored ones is saved only if its version is still
    the one the form was loaded with; otherwise `EditConflict` names every such item and nothing is
    saved. Items submitted as stored are left alone (whoever saved them last keeps them), and so are
    the `kept` items (the user chose the other person's values); both stay in the plan.
    """
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    items = ScenarioItem.objects.filter(scenario=scenario).in_bulk([change.pk for change in changes])
    if len(items) != len({change.pk for change in changes}):
        raise EditConflict([change.pk for change in changes if change.pk not in items])
    to_save = [change for change in changes if change.differs_from(items[change.pk])]
    # Compare-and-increment: refuses an item saved by someone else since the form was loaded.
    stale = [change.pk for change in to_save
             if not claim(ScenarioItem.objects, pk=change.pk, version=change.version)]
    if stale:
        raise EditConflict(stale)
    for change in to_save:
        item = items[change.pk]
        item.target, item.office, item.due_date, item.status = (change.target, change.office, change.due_date,
                                                                change.status)
        item.version = change.version + 1
    ScenarioItem.objects.bulk_update([items[change.pk] for change in to_save],
                                     ["target", "office", "due_date", "status"])
    ScenarioItem.objects.filter(scenario=scenario, pk__in=[*items.keys(), *kept], in_plan=False).update(in_plan=True)
    scenario.is_action_plan = True
    scenario.save(update_fields=["is_action_plan", "updated_at"])
    return scenario
