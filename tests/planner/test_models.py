"""Database constraints of the planner and the defaults command."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from clusters.models import Evaluation, Indicator, Predicate
from clusters.services import evaluation_create
from planner.models import IndicatorOffice, Office, PatbmRule, Scenario, ScenarioItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(planner_defaults):
    evaluation = evaluation_create(year=2019)
    return Scenario.objects.create(name="Uji", evaluation=evaluation, predicate=Predicate.objects.get(code="nindya"))


def _item(scenario, **values):
    indicator = Indicator.objects.get(number=3, instrument__code="kla-2019")
    fields = {"scenario": scenario, "indicator": indicator, "max_points": D("30"),
              "base": D("10"), "target": D("20")}
    fields.update(values)
    return ScenarioItem.objects.create(**fields)


@pytest.mark.parametrize("values", [
    {"target": D("30.01")}, {"target": D("-1")}, {"base": D("31")}, {"status": "batal"}, {"effort": 4},
])
def test_the_database_refuses_impossible_items(scenario, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        _item(scenario, **values)


def test_one_item_per_indicator_and_scenario_names_unique_whatever_the_case(scenario):
    _item(scenario)
    with pytest.raises(IntegrityError), transaction.atomic():
        _item(scenario)
    with pytest.raises(IntegrityError), transaction.atomic():
        Scenario.objects.create(name="UJI", evaluation=scenario.evaluation, predicate=scenario.predicate)


def test_a_negative_patbm_rule_is_refused(planner_defaults):
    with pytest.raises(IntegrityError), transaction.atomic():
        PatbmRule.objects.update(points_per_percent=D("-0.5"))


def test_load_planner_defaults_creates_offices_owners_and_rule_once_and_keeps_admins_edits(reference_data, capsys):
    call_command("load_planner_defaults")
    assert Office.objects.count() == 7
    assert IndicatorOffice.objects.count() == 24
    rule = PatbmRule.objects.get()
    assert (rule.indicator.number, rule.points_per_percent) == (21, D("0.25"))
    PatbmRule.objects.update(points_per_percent=D("0.5"))
    IndicatorOffice.objects.filter(indicator__number=3).update(office=Office.objects.get(name="Diskominfo"))
    call_command("load_planner_defaults")
    assert "nothing changed" in capsys.readouterr().out
    assert PatbmRule.objects.get().points_per_percent == D("0.5")
    assert IndicatorOffice.objects.get(indicator__number=3).office.name == "Diskominfo"
    assert Office.objects.count() == 7


def test_deleting_a_scenario_removes_its_items_but_never_an_evaluation(scenario):
    _item(scenario)
    scenario.delete()
    assert not ScenarioItem.objects.exists()
    assert Evaluation.objects.filter(year=2019).exists()
