""""One more place gives" is the difference of the rounded suggestions the page shows, so they add up."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from dekela import selectors
from dekela.models import Criterion, CriterionStatus

pytestmark = pytest.mark.django_db


def _number(text: str) -> D:
    return D(text.replace(".", "").replace(",", "."))


def _row(html: str, pk: int) -> str:
    return html[html.index(f'id="suggestion-{pk}"'):].split("</tr>", 1)[0]


@pytest.mark.parametrize(("met", "now", "gain", "then"), [
    (1, "0,09", "+0,09", "0,18"),
    (2, "0,18", "+0,08", "0,26"),  # 6 × 2/68 = 0,176… and 6 × 3/68 = 0,264…: the gain is 0,08 here
])
def test_the_gain_of_one_more_kelurahan_adds_up_with_the_suggested_points(client, staff_user, evaluation_2025,
                                                                            every_kelurahan, met, now, gain, then):
    perdes = Criterion.objects.get(code="KEL-PERDES")  # 26.2, 6 points
    for kelurahan in every_kelurahan[:met]:
        CriterionStatus.objects.create(criterion=perdes, kelurahan=kelurahan, year=2025, status="met")
    item = next(item for item in selectors.suggestions(evaluation_2025) if item.criterion == perdes)
    assert item.points + item.gain_one_more == item.points_one_more
    client.force_login(staff_user)
    row = _row(client.get(reverse("dekela:suggestions", kwargs={"year": 2025})).content.decode(),
               item.question_score.pk)
    assert f">{now} <" in row
    assert f"{gain} " in row
    assert f"({then} dengan satu lagi)" in row


def test_every_row_of_the_page_adds_up(client, staff_user, evaluation_2025, every_kelurahan):
    for code, count in [("KEL-FORUM-ANAK", 5), ("KEL-KONSULTASI", 7), ("KEL-PAUD-HI", 11)]:
        criterion = Criterion.objects.get(code=code)
        for kelurahan in every_kelurahan[:count]:
            CriterionStatus.objects.create(criterion=criterion, kelurahan=kelurahan, year=2025, status="met")
    client.force_login(staff_user)
    html = client.get(reverse("dekela:suggestions", kwargs={"year": 2025})).content.decode()
    rows = re.findall(r'class="text-end suggested">([\d.,]+) .*?\+([\d.,]+) <span class="text-nowrap one-more-total">'
                      r'\(([\d.,]+) dengan satu lagi\)', html, flags=re.S)
    assert len(rows) >= 10
    for now, gain, then in rows:
        assert _number(now) + _number(gain) == _number(then)
