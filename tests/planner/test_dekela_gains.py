"""The planner lists the Kelana-Dekela criteria with the biggest gains, and a criterion change shows at once."""

import pytest
from django.urls import reverse

from clusters.services import evaluation_create
from dekela.models import Criterion, CriterionStatus
from kelurahan.models import Kecamatan

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation_2025(demo, instrument_2024):
    """The demo (2 of 68 kelurahan with a PATBM formed) and a 2025 evaluation on the 2024 instrument."""
    return evaluation_create(year=2025, instrument=instrument_2024)


def _page(client):
    response = client.get(reverse("planner:planner"), {"year": 2025})
    assert response.status_code == 200
    return response.content.decode()


def test_the_planner_says_how_many_more_kelurahan_with_a_criterion_give_how_many_points(
        client, task_force_user, evaluation_2025):
    client.force_login(task_force_user)
    html = _page(client)
    gains = html[html.index('id="criterion-gains"'):].split("</ul>", 1)[0]
    assert "7 kelurahan lagi dengan PATBM akan memberi 1,03 poin (pertanyaan 26.15)." in gains
    assert "2 dari 68 saat ini" in gains
    assert "1 kecamatan lagi dengan Respon cepat akan memberi 0,67 poin (pertanyaan 25.4)." in gains
    assert gains.count("<li>") == 5


def test_a_criterion_recorded_after_the_planner_was_cached_shows_at_once(client, task_force_user, evaluation_2025):
    client.force_login(task_force_user)
    assert "Respon cepat akan memberi 0,67" in _page(client)
    respon = Criterion.objects.get(code="KEC-RESPON")
    CriterionStatus.objects.bulk_create(CriterionStatus(criterion=respon, kecamatan=kecamatan, year=2025, status="met")
                                        for kecamatan in Kecamatan.objects.filter(is_active=True))
    html = _page(client)
    assert "Respon cepat" not in html[html.index('id="criterion-gains"'):].split("</ul>", 1)[0]
