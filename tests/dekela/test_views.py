from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters import scoring as cluster_scoring
from clusters import selectors as cluster_selectors
from clusters.models import Evaluation, QuestionScore, SelfAssessment
from dekela.models import Criterion, CriterionStatus
from kelurahan.models import Kelurahan
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


def _row_url(kelurahan, year=2025):
    return reverse("dekela:row-edit", kwargs={"year": year, "pk": kelurahan.pk})


def test_the_matrix_shows_kelurahan_by_kecamatan_with_the_totals(client, demo, task_force_user, forum_anak,
                                                                  every_kelurahan):
    CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[0], year=2025, status="met")
    client.force_login(task_force_user)
    response = client.get(reverse("dekela:matrix", kwargs={"year": 2025}))
    assert response.status_code == 200
    html = response.content.decode()
    assert every_kelurahan[0].name in html
    assert "Forum Anak" in html
    assert "1/68" in html  # the city's Forum Anak
    assert "2/68" in html  # the city's PATBM (demo)
    assert html.count('class="table-light kecamatan-totals"') == 6
    assert reverse("dekela:row-edit", kwargs={"year": 2025, "pk": every_kelurahan[0].pk}) not in html  # reads only


def test_staff_see_an_edit_link_per_row(client, staff_user, every_kelurahan):
    client.force_login(staff_user)
    html = client.get(reverse("dekela:matrix", kwargs={"year": 2025})).content.decode()
    assert _row_url(every_kelurahan[0]) in html


def test_the_matrix_page_costs_the_same_queries_for_68_kelurahan_and_more_records(
        client, staff_user, forum_anak, every_kelurahan, django_assert_max_num_queries):
    client.force_login(staff_user)
    url = reverse("dekela:matrix", kwargs={"year": 2025})
    client.get(url)
    for criterion in Criterion.objects.for_scope("kelurahan").filter(source="recorded"):
        CriterionStatus.objects.bulk_create(CriterionStatus(criterion=criterion, kelurahan=k, year=2025, status="met")
                                            for k in every_kelurahan)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(url, {"criterion": forum_anak.pk, "status": "met"}).status_code == 200


def test_a_year_outside_the_range_is_not_found(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("dekela:matrix", kwargs={"year": 1999})).status_code == 404
    assert client.get(reverse("dekela:matrix", kwargs={"year": 2101})).status_code == 404
    # A year after this one, with no evaluation yet: nothing to record criteria for (a tester saved 2030's).
    next_year = timezone.localdate().year + 1
    assert client.get(reverse("dekela:matrix", kwargs={"year": next_year})).status_code == 404
    assert client.get(reverse("dekela:matrix", kwargs={"year": timezone.localdate().year})).status_code == 200


def test_staff_save_a_row_and_the_matrix_and_totals_follow(client, staff_user, forum_anak, every_kelurahan):
    client.force_login(staff_user)
    kelurahan = every_kelurahan[0]
    data = form_data(client.get(_row_url(kelurahan)))
    data.update({f"status_{forum_anak.pk}": "met", f"date_{forum_anak.pk}": "01/03/2025",
                 f"note_{forum_anak.pk}": "SK lurah"})
    response = client.post(_row_url(kelurahan), data)
    assert response.status_code == 302
    stored = CriterionStatus.objects.get()
    assert (stored.criterion, stored.kelurahan, stored.status, str(stored.date), stored.note) == (
        forum_anak, kelurahan, "met", "2025-03-01", "SK lurah")
    html = client.get(response.url).content.decode()
    assert "1/68" in html


def test_a_row_saved_meanwhile_is_a_409_that_keeps_the_input(client, staff_user, forum_anak, every_kelurahan):
    client.force_login(staff_user)
    kelurahan = every_kelurahan[0]
    CriterionStatus.objects.create(criterion=forum_anak, kelurahan=kelurahan, year=2025, status="met")
    data = form_data(client.get(_row_url(kelurahan)))
    CriterionStatus.objects.filter(criterion=forum_anak).update(status="not_met", version=2)
    data[f"note_{forum_anak.pk}"] = "catatan saya"
    response = client.post(_row_url(kelurahan), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "catatan saya" in html
    assert "alert-danger" in html
    assert CriterionStatus.objects.get().note == ""
    # Saving the kept input again goes through (the versions are now the saved ones).
    again = form_data(response)
    assert client.post(_row_url(kelurahan), again).status_code == 302
    assert CriterionStatus.objects.get().note == "catatan saya"


@pytest.mark.parametrize("version", ["abc", "-1", "1.5"])
def test_a_row_with_a_version_that_is_not_a_number_is_a_400(client, staff_user, forum_anak, every_kelurahan, version):
    client.force_login(staff_user)
    data = form_data(client.get(_row_url(every_kelurahan[0])))
    data[f"version_{forum_anak.pk}"] = version
    data[f"status_{forum_anak.pk}"] = "met"
    assert client.post(_row_url(every_kelurahan[0]), data).status_code == 400
    assert not CriterionStatus.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("date", "2025-13-01"), ("date", "31/12/2999"), ("status", "maybe"),
                                              ("note", "x" * 10_000)])
def test_a_bad_value_is_refused_beside_the_field(client, staff_user, forum_anak, every_kelurahan, field, value):
    client.force_login(staff_user)
    data = form_data(client.get(_row_url(every_kelurahan[0])))
    data[f"status_{forum_anak.pk}"] = "met"
    data[f"{field}_{forum_anak.pk}"] = value
    response = client.post(_row_url(every_kelurahan[0]), data)
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not CriterionStatus.objects.exists()


def test_a_deactivated_kelurahan_row_cannot_be_edited(client, staff_user, forum_anak, every_kelurahan):
    client.force_login(staff_user)
    kelurahan = every_kelurahan[0]
    Kelurahan.objects.filter(pk=kelurahan.pk).update(is_active=False)
    response = client.post(_row_url(kelurahan), {f"status_{forum_anak.pk}": "met"})
    assert response.status_code == 302
    assert not CriterionStatus.objects.exists()


def _question_26_15(evaluation):
    return QuestionScore.objects.get(self_assessment__evaluation=evaluation,
                                     self_assessment__indicator__code="26", question__code="15")


def test_the_dekela_question_on_patbm_suggests_points_from_the_patbm_records(client, staff_user, evaluation_2025):
    client.force_login(staff_user)
    response = client.get(reverse("dekela:suggestions", kwargs={"year": 2025}))
    assert response.status_code == 200
    html = response.content.decode()
    row = _question_26_15(evaluation_2025)
    assert f'id="suggestion-{row.pk}"' in html
    part = html.split(f'id="suggestion-{row.pk}"')[1].split("</tr>")[0]
    assert "2/68" in part
    assert "0,29" in part  # 10 points × 2/68, proportional
    assert 'id="provisional-rule"' in html


def test_taking_the_suggestion_changes_indicator_26_and_the_total(client, staff_user, evaluation_2025):
    client.force_login(staff_user)
    row = _question_26_15(evaluation_2025)
    total_before = cluster_scoring.total_self_assessment(cluster_selectors.evaluation_scores(evaluation_2025))
    response = client.post(reverse("dekela:suggestion-take", kwargs={"year": 2025}),
                           {"question_score": row.pk, "version": row.version})
    assert response.status_code == 302
    assert "Saran 0,29 poin telah diambil." in client.get(response.url).content.decode()
    row.refresh_from_db()
    assert (row.score, row.version) == (D("0.29"), 2)
    indicator = SelfAssessment.objects.get(evaluation=evaluation_2025, indicator__code="26")
    assert indicator.score == D("0.29")
    total_after = cluster_scoring.total_self_assessment(cluster_selectors.evaluation_scores(evaluation_2025))
    assert total_after - total_before == D("0.29")
    assert row.history.first().history_change_reason  # the reason is kept in the history


def test_a_score_already_entered_is_replaced_only_after_asking(client, staff_user, evaluation_2025):
    """An outside tester's 5,00 typed with its note became 0,18 at one click: now the page asks first."""
    client.force_login(staff_user)
    row = _question_26_15(evaluation_2025)
    QuestionScore.objects.filter(pk=row.pk).update(score=D("5"), evidence="SK dari 60 kelurahan", version=3)
    url = reverse("dekela:suggestion-take", kwargs={"year": 2025})
    asked = client.post(url, {"question_score": row.pk, "version": 3})
    html = asked.content.decode()
    assert asked.status_code == 200 and 'id="replace-score"' in html
    assert "sudah bernilai 5,00" in html and "menggantinya dengan 0,29" in html and "SK dari 60 kelurahan" in html
    row.refresh_from_db()
    assert (row.score, row.version) == (D("5"), 3)  # nothing written yet
    confirmed = client.post(url, {"question_score": row.pk, "version": 3, "confirm": "1"})
    assert confirmed.status_code == 302
    row.refresh_from_db()
    assert (row.score, row.evidence) == (D("0.29"), "SK dari 60 kelurahan")


def test_a_status_filter_without_a_criterion_says_so_at_the_top_and_the_other_filters_apply(client, staff_user,
                                                                                           every_kelurahan):
    client.force_login(staff_user)
    first = every_kelurahan[0]
    other = next(kelurahan for kelurahan in every_kelurahan if kelurahan.kecamatan_id != first.kecamatan_id)
    response = client.get(reverse("dekela:matrix", kwargs={"year": 2025}),
                          {"status": "met", "kecamatan": first.kecamatan_id})
    assert response.status_code == 200
    html = response.content.decode()
    problem = html[html.index('id="filter-problem"'):].split("</div>", 1)[0]
    assert "Tidak semua saringan dapat diterapkan" in problem
    assert "Status: Pilih kriteria yang statusnya harus dimiliki baris." in problem
    assert html.index('id="filter-problem"') < html.index('id="matrix-filter"') < html.index('id="criteria-matrix"')
    assert first.name in html and other.name not in html  # the kecamatan still filters the rows
    assert "Tidak ada baris di halaman ini yang cocok" not in html


def test_a_status_filter_without_a_criterion_on_the_kecamatan_matrix_shows_every_kecamatan(client, staff_user,
                                                                                           every_kelurahan):
    client.force_login(staff_user)
    html = client.get(reverse("dekela:kecamatan-matrix", kwargs={"year": 2025}), {"status": "not_met"}).content.decode()
    assert 'id="filter-problem"' in html
    assert all(kelurahan.kecamatan.name in html for kelurahan in every_kelurahan)


def test_taking_a_suggestion_from_an_older_page_is_a_409(client, staff_user, evaluation_2025):
    client.force_login(staff_user)
    row = _question_26_15(evaluation_2025)
    QuestionScore.objects.filter(pk=row.pk).update(score=D("5"), version=3)
    response = client.post(reverse("dekela:suggestion-take", kwargs={"year": 2025}),
                           {"question_score": row.pk, "version": 1})
    assert response.status_code == 409
    row.refresh_from_db()
    assert row.score == D("5")


def test_taking_a_suggestion_outside_the_self_assessment_is_a_409(client, staff_user, evaluation_2025):
    client.force_login(staff_user)
    Evaluation.objects.filter(pk=evaluation_2025.pk).update(stage=Evaluation.Stage.ADMIN_VERIFICATION)
    row = _question_26_15(evaluation_2025)
    response = client.post(reverse("dekela:suggestion-take", kwargs={"year": 2025}),
                           {"question_score": row.pk, "version": row.version})
    assert response.status_code == 409
    row.refresh_from_db()
    assert row.score is None


@pytest.mark.parametrize("data", [{"question_score": "x", "version": "1"}, {"version": "1"},
                                  {"question_score": "999999", "version": "1"}])
def test_taking_a_suggestion_for_no_such_question_is_a_400(client, staff_user, evaluation_2025, data):
    client.force_login(staff_user)
    response = client.post(reverse("dekela:suggestion-take", kwargs={"year": 2025}), data)
    assert response.status_code == 400


def test_the_question_page_of_indicator_26_links_to_the_suggestions(client, staff_user, evaluation_2025):
    client.force_login(staff_user)
    html = client.get(reverse("clusters:question-scores-edit", kwargs={"year": 2025, "code": "26"})).content.decode()
    assert reverse("dekela:suggestions", kwargs={"year": 2025}) in html
    other = client.get(reverse("clusters:question-scores-edit", kwargs={"year": 2025, "code": "1"})).content.decode()
    assert reverse("dekela:suggestions", kwargs={"year": 2025}) not in other


def test_the_matrix_exports_every_active_kelurahan_with_each_criterions_status(client, demo, task_force_user,
                                                                              forum_anak, every_kelurahan):
    CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[0], year=2025, status="met")
    Kelurahan.objects.filter(pk=every_kelurahan[1].pk).update(is_active=False)
    client.force_login(task_force_user)
    response = client.get(reverse("dekela:matrix-export", kwargs={"year": 2025, "fmt": "csv"}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kriteria-kelurahan-2025.csv"'
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 1 + 67
    header = lines[0].split(";")
    assert header[:3] == ["Kecamatan", "Kelurahan", "Kode Kemendagri"]
    first = dict(zip(header, lines[1].split(";"), strict=True))
    assert first["Forum Anak (26.4)"] == "terpenuhi"
    assert sum(line.split(";")[header.index("PATBM (26.15)")] == "terpenuhi" for line in lines[1:]) == 2
    assert client.get(reverse("dekela:matrix-export", kwargs={"year": 2025, "fmt": "pdf"})).status_code == 404


def test_the_matrix_page_needs_no_more_queries_with_ten_times_the_kelurahan(client, staff_user, forum_anak,
                                                                           django_assert_max_num_queries):
    from simple_history.utils import bulk_create_with_history

    from kelurahan.models import Kecamatan, Patbm

    client.force_login(staff_user)
    url = reverse("dekela:matrix", kwargs={"year": 2025})
    client.get(url)
    with django_assert_max_num_queries(16) as few:  # another key than the cached body's: the full read
        client.get(url, {"page": "1"})
    for number in range(1, 10):
        kecamatan = Kecamatan.objects.create(code=f"32.79.{number:02d}", name=f"Uji {number}")
        added = Kelurahan.objects.bulk_create(
            Kelurahan(code=f"32.79.{number:02d}.{1000 + i}", name=f"Uji {number}-{i}", kecamatan=kecamatan)
            for i in range(1, 69))
        bulk_create_with_history([Patbm(kelurahan=row, step=6, sk_number="400/uji", sk_date="2018-01-01")
                                  for row in added[::3]], Patbm)
        CriterionStatus.objects.bulk_create(CriterionStatus(criterion=forum_anak, kelurahan=row, year=2025,
                                                            status="met") for row in added[::2])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    html = response.content.decode()
    assert "306/680" in html  # Forum Anak: 9 × 34 of 680 active kelurahan
    assert "Uji 9-1" in html  # 15 kecamatan fit one page of 25
    for page in ("1", "2"):
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(url, {"page": page}).status_code == 200
