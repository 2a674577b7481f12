"""Recurring weaknesses on the evaluation detail and the dashboard."""

import pytest
from django.urls import reverse

from clusters import selectors
from clusters.models import Evaluation
from dashboard import selectors as dashboard_selectors

pytestmark = pytest.mark.django_db


def test_the_dashboard_selector_flags_indicators_deducted_in_2017_and_2018(demo):
    assert dashboard_selectors.dashboard().recurring == (3, 6, 17, 21)


def test_the_dashboards_where_points_were_lost_block_names_them(client, demo, task_force_user):
    client.force_login(task_force_user)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert '<strong id="recurring-weaknesses">3, 6, 17, 21</strong>' in html
    assert html.count("kelemahan berulang</span>") == 4


def test_evaluation_detail_flags_recurring_weaknesses_up_to_that_year(client, demo, task_force_user):
    client.force_login(task_force_user)
    assert client.get(reverse("clusters:evaluation-detail", args=[2017])).context["detail"].recurring == ()
    response = client.get(reverse("clusters:evaluation-detail", args=[2019]))
    assert response.context["detail"].recurring == (3, 6, 17, 21)
    assert response.content.decode().count("kelemahan berulang</span>") == 4


def test_an_evaluation_with_a_field_result_but_no_deduction_breaks_the_run(demo):
    Evaluation.objects.filter(year=2019).update(stage=Evaluation.Stage.FINAL)
    history = selectors.deduction_history()
    assert history[2019] == {}
    assert selectors.deduction_history(2018).keys() == {2017, 2018}
