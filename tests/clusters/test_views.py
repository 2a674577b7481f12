import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from clusters.services import evaluation_create

pytestmark = pytest.mark.django_db


def test_home_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("user_fixture", ["staff_user", "task_force_user", "admin_user_role"])
def test_home_shows_every_role_the_evaluations_in_indonesian_format(client, demo, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "683,20" in html  # 2018 final
    assert "16,81" in html  # 2018 gap to Nindya
    assert "769,20" in html  # 2018 self-assessment
    assert "Madya" in html and "Pratama" in html
    assert "data contoh" in html.lower()


def test_home_without_evaluations_says_what_to_do(client, task_force_user):
    client.force_login(task_force_user)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "Belum ada evaluasi" in html


def test_home_query_count_does_not_grow_with_the_years(client, demo, task_force_user, django_assert_max_num_queries):
    client.force_login(task_force_user)
    # 14: the data version that keys the cached dashboard, and the open year's share of answers with evidence.
    with django_assert_max_num_queries(14) as three_years:
        client.get(reverse("dashboard:home"))
    for year in range(2020, 2050):
        evaluation_create(year=year)
    with django_assert_max_num_queries(len(three_years.captured_queries)):
        assert client.get(reverse("dashboard:home")).status_code == 200


def test_home_refuses_a_user_without_a_role(client, db):
    user = get_user_model().objects.create_user("no-role", password="x")
    client.force_login(user)
    assert client.get(reverse("dashboard:home")).status_code == 403


def test_dashboard_links_the_patbm_card_to_the_coverage_page(client, demo, task_force_user):
    client.force_login(task_force_user)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert f'href="{reverse("kelurahan:coverage")}"' in html
