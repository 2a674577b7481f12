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
    # Every recorded kelurahan criterion met by some kelurahan (5, 9, 13, ...); with none, the gain is the new
    # total and the page gives it once.
    recorded = Criterion.objects.for_scope(Criterion.Scope.KELURAHAN).exclude(source=Criterion.Source.PATBM)
    for index, criterion in enumerate(recorded):
        _meet(criterion, every_kelurahan[:5 + 4 * index])
    client.force_login(staff_user)
    html = client.get(reverse("dekela:suggestions", kwargs={"year": 2025})).content.decode()
    rows = [found.groups() for row in html.split("</tr>") if (found := re.search(
        r'class="text-end suggested">([\d.,]+) .*?\+([\d.,]+) <span class="text-nowrap one-more-total">'
        r'\(([\d.,]+) dengan satu lagi\)', row, flags=re.S))]
    assert len(rows) >= 10
    for now, gain, then in rows:
        assert _number(now) + _number(gain) == _number(then)


def _cell(client, evaluation, criterion) -> str:
    """The suggestions page's last column for `criterion`'s question, its text with the spaces collapsed."""
    item = next(item for item in selectors.suggestions(evaluation) if item.criterion == criterion)
    html = client.get(reverse("dekela:suggestions", kwargs={"year": evaluation.year})).content.decode()
    cell = _row(html, item.question_score.pk).split('class="text-end small one-more">', 1)[1].split("</td>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def _meet(criterion, kelurahan, year=2025):
    CriterionStatus.objects.bulk_create([CriterionStatus(criterion=criterion, kelurahan=place, year=year,
                                                         status="met") for place in kelurahan])


def test_with_no_kelurahan_meeting_it_the_gain_is_not_repeated_as_the_total(client, staff_user, evaluation_2025):
    perdes = Criterion.objects.get(code="KEL-PERDES")
    client.force_login(staff_user)
    assert _cell(client, evaluation_2025, perdes) == "+0,09 (68 lagi untuk nilai maksimal)"


def test_with_some_kelurahan_meeting_it_the_gain_and_the_new_total_are_shown(client, staff_user, evaluation_2025,
                                                                           every_kelurahan):
    perdes = Criterion.objects.get(code="KEL-PERDES")
    _meet(perdes, every_kelurahan[:1])
    client.force_login(staff_user)
    assert _cell(client, evaluation_2025, perdes) == "+0,09 (0,18 dengan satu lagi) (67 lagi untuk nilai maksimal)"


def test_with_every_kelurahan_meeting_it_the_page_says_so(client, staff_user, evaluation_2025, every_kelurahan):
    perdes = Criterion.objects.get(code="KEL-PERDES")
    _meet(perdes, every_kelurahan)
    client.force_login(staff_user)
    assert _cell(client, evaluation_2025, perdes) == "Semua sudah memenuhi"


def test_when_one_more_gains_nothing_the_page_says_how_many_more_would(client, staff_user, evaluation_2025,
                                                                       every_kelurahan, settings):
    settings.KLA_DEKELA_CONVERSION = "quarters"  # 6 points: 1,50 per full quarter of the 68 kelurahan
    perdes = Criterion.objects.get(code="KEL-PERDES")
    _meet(perdes, every_kelurahan[:1])
    client.force_login(staff_user)
    cell = _cell(client, evaluation_2025, perdes)
    assert cell == "Satu lagi belum menambah; 16 lagi memberi +1,50 (67 lagi untuk nilai maksimal)"
    assert "+0,00" not in cell
