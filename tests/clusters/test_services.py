from decimal import Decimal as D

import pytest

from clusters.models import Indicator, SelfAssessment
from clusters.selectors import evaluation_scores, evaluation_summaries
from clusters.services import evaluation_create, framework_load
from core.loading import LoadReport

pytestmark = pytest.mark.django_db

# The 2019-era framework's indicators (the 2024 instrument has its own, numbered alike).
FRAMEWORK = Indicator.objects.filter(instrument__code="kla-2019")


def test_reference_framework_has_six_clusters_24_indicators_and_1000_points(reference_data):
    # The 2019-era framework (6 + 24) and the 2024 instrument (7 groups, 31 indicators, 274 questions).
    assert reference_data.created == {
        "instruments": 2, "clusters": 13, "indicators": 55, "questions": 274, "predicates": 5, "kecamatan": 6,
        "kelurahan": 68, "criteria": 26,  # the Kelana-Dekela criteria (issue 20): 15 kelurahan, 11 kecamatan
    }
    per_cluster = {}
    for indicator in FRAMEWORK.select_related("cluster"):
        per_cluster[indicator.cluster.code] = per_cluster.get(indicator.cluster.code, 0) + 1
    assert per_cluster == {"KLB": 3, "K1": 3, "K2": 5, "K3": 6, "K4": 3, "K5": 4}
    assert sum(i.max_points for i in FRAMEWORK.all()) == D("1000")


def test_second_framework_load_changes_nothing_and_keeps_admin_edits(reference_data):
    FRAMEWORK.filter(number=3).update(max_points=D("35"), name="Edited by an admin")
    report = LoadReport()
    framework_load(report=report)
    assert not report.changed
    assert report.existing["indicators"] == 55
    indicator = FRAMEWORK.get(number=3)
    assert (indicator.max_points, indicator.name) == (D("35.00"), "Edited by an admin")


def test_new_evaluation_copies_every_active_indicator_with_its_maximum(reference_data):
    FRAMEWORK.filter(number=24).update(is_active=False)
    evaluation = evaluation_create(year=2019)
    rows = SelfAssessment.objects.filter(evaluation=evaluation)
    assert rows.count() == 23
    assert rows.get(indicator__number=1).max_points == D("30")
    assert rows.filter(score__isnull=False).count() == 0


def test_changing_a_maximum_for_next_year_keeps_last_years_results(reference_data):
    last_year = evaluation_create(year=2018)
    last_year.self_assessments.filter(indicator__number=1).update(score=D("30"))
    FRAMEWORK.filter(number=1).update(max_points=D("50"))
    next_year = evaluation_create(year=2019)

    assert last_year.self_assessments.get(indicator__number=1).max_points == D("30")
    assert next_year.self_assessments.get(indicator__number=1).max_points == D("50")
    last_scores = {s.number: s for s in evaluation_scores(last_year)}
    assert last_scores[1].max_points == D("30")
    assert last_scores[1].headroom == D("0")


def test_summaries_take_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        summaries = evaluation_summaries()
    assert [s.evaluation.year for s in summaries] == [2019, 2018, 2017]
