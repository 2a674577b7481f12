"""The evaluation page's body is cached per data version, language and the viewer's permissions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.models import Evaluation, SelfAssessment

pytestmark = pytest.mark.django_db


def _detail(client, year):
    response = client.get(reverse("clusters:evaluation-detail", kwargs={"year": year}))
    assert response.status_code == 200
    return response.content.decode()


def test_a_bulk_write_shows_at_once(client, demo, staff_user):
    client.force_login(staff_user)
    assert "683,20" in _detail(client, 2018)
    row = SelfAssessment.objects.get(evaluation__year=2018, indicator__number=24)
    SelfAssessment.objects.filter(pk=row.pk).update(score=row.score - Decimal("1.00"))
    html = _detail(client, 2018)
    assert "682,20" in html and "683,20" not in html
    Evaluation.objects.filter(year=2018).update(stage=Evaluation.Stage.FIELD_VERIFICATION)
    assert "Verifikasi lapangan" in _detail(client, 2018)


def test_links_follow_the_viewers_permissions_not_the_cached_copy(client, demo, staff_user, task_force_user):
    client.force_login(staff_user)
    assert "Isi nilai" in _detail(client, 2019)
    client.force_login(task_force_user)
    html = _detail(client, 2019)
    assert "Isi nilai" not in html and "Impor nilai" not in html
    assert "562,40" in html


def test_a_cached_page_reads_no_scores(client, demo, staff_user, django_assert_max_num_queries):
    client.force_login(staff_user)
    _detail(client, 2018)
    # Session, user, permissions, data version and the evaluation: nothing grows with the indicators.
    with django_assert_max_num_queries(6):
        assert "683,20" in _detail(client, 2018)


def test_a_cached_score_page_reads_nothing_but_the_request_and_the_versions(
    client, demo, staff_user, django_assert_max_num_queries
):
    """A cluster's score page served from its cache skips the evaluation and cluster look-ups (the body was
    rendered from data of the same versions); an unknown cluster or year is still refused."""
    from django.core.cache import cache

    cache.clear()
    client.force_login(staff_user)
    url = reverse("clusters:self-assessment-edit", kwargs={"year": 2019, "cluster": "KLB"})
    first = client.get(url).content.decode()
    with django_assert_max_num_queries(3):
        html = client.get(url).content.decode()
    assert html.split("<title>")[1].split("</title>")[0] == first.split("<title>")[1].split("</title>")[0]
    assert html.split("<title>")[1].startswith("Nilai KLB · 2019")
    assert html.count('inputmode="decimal"') == first.count('inputmode="decimal"') > 0
    for year, cluster in [(2019, "K9"), (2031, "KLB")]:
        unknown = reverse("clusters:self-assessment-edit", kwargs={"year": year, "cluster": cluster})
        assert client.get(unknown).status_code == 404
