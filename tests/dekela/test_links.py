"""The links to the matrix (navigation, dashboard, kelurahan list, question page) open the year with data."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dekela import selectors
from dekela.models import CriterionStatus

pytestmark = pytest.mark.django_db

LATEST = "/dekela/"


def test_the_navigation_dashboard_and_kelurahan_list_link_the_matrix_of_the_latest_year(client, demo,
                                                                                         task_force_user):
    client.force_login(task_force_user)
    assert reverse("dekela:matrix-latest") == LATEST
    dashboard = client.get(reverse("dashboard:home")).content.decode()
    assert f'href="{LATEST}" id="nav-dekela"' in dashboard
    assert f'href="{LATEST}" id="dashboard-dekela-link"' in dashboard
    kelurahan = client.get(reverse("kelurahan:kelurahan-list")).content.decode()
    assert f'href="{LATEST}" id="dekela-matrix-link"' in kelurahan


def test_the_matrix_without_a_year_opens_the_demos_2019_with_its_recorded_statuses(client, demo, task_force_user):
    client.force_login(task_force_user)
    recorded = CriterionStatus.objects.filter(year=2019, kelurahan__isnull=False).count()
    assert recorded > 0
    response = client.get(LATEST)
    assert response.status_code == 200
    assert response.context["year"] == 2019
    html = response.content.decode()
    assert "Kriteria kelurahan (Dekela) 2019" in html
    cells = [cell for row in response.context["matrix"].rows for cell in row.cells
             if cell.criterion.is_recorded and cell.status != "unknown"]
    assert len(cells) == recorded
    # Today's calendar year is empty in the demo: the link does not open it.
    assert timezone.localdate().year != 2019


def test_the_question_page_of_the_kelana_dekela_group_links_the_matrix_of_its_evaluation(client, staff_user,
                                                                                        evaluation_2025):
    client.force_login(staff_user)
    html = client.get(reverse("clusters:question-scores-edit", kwargs={"year": 2025, "code": "26"})).content.decode()
    assert f'href="{reverse("dekela:matrix", kwargs={"year": 2025})}" id="dekela-matrix-link"' in html


def test_the_default_year_is_the_latest_evaluation_else_the_latest_statuses_else_this_year(forum_anak,
                                                                                          every_kelurahan):
    assert selectors.default_year() == timezone.localdate().year
    CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[0], year=2021, status="met")
    CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[0], year=2017, status="met")
    assert selectors.default_year() == 2021


def test_the_default_year_follows_the_latest_evaluation(evaluation_2025, forum_anak, every_kelurahan):
    CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[0], year=2019, status="met")
    assert selectors.default_year() == 2025
