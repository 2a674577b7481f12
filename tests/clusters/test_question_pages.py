"""The question-level pages: an evaluation created on the 2024 instrument, an indicator's question page
for staff (entry) and the task force (reading), and the cluster page's score of a question-scored indicator."""

import re
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.urls import reverse

from clusters.models import Evaluation, Instrument, QuestionScore, SelfAssessment
from clusters.services import evaluation_create
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation_2026(instrument_2024):
    return evaluation_create(year=2026, instrument=instrument_2024)


def _url(code, year=2026):
    return reverse("clusters:question-scores-edit", args=[year, code])


def _fill(data, scores: dict[str, str], row: SelfAssessment, evidence: dict[str, str] | None = None):
    """Puts scores (by question code) into the formset data read from the page."""
    by_pk = {str(score.pk): score.question.code for score in row.question_scores.select_related("question")}
    for key, value in list(data.items()):
        if key.endswith("-id") and value in by_pk:
            prefix, code = key[: -len("-id")], by_pk[value]
            if code in scores:
                data[f"{prefix}-score"] = scores[code]
            if evidence and code in evidence:
                data[f"{prefix}-evidence"] = evidence[code]
    return data


def _row(code, year=2026):
    return SelfAssessment.objects.get(evaluation__year=year, indicator__code=code)


def test_admin_creates_a_2026_evaluation_on_the_2024_instrument(client, admin_user_role, instrument_2024):
    client.force_login(admin_user_role)
    page = client.get(reverse("clusters:evaluation-create"))
    html = page.content.decode()
    assert "Instrumen KLA 2024 (274 pertanyaan)" in html and "274 pertanyaan" in html
    assert "Kerangka KLA 2019 (24 indikator)" in html
    year = page.context["year"]
    response = client.post(reverse("clusters:evaluation-create"),
                           {"confirm_year": year, "instrument": instrument_2024.pk,
                            "target": page.context["form"].initial["target"]})
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(year=year)
    assert evaluation.instrument == instrument_2024
    assert QuestionScore.objects.filter(self_assessment__evaluation=evaluation).count() == 274
    detail = client.get(response.url).content.decode()
    assert "Instrumen KLA 2024" in detail
    assert "21A. " in detail and _url("21A", year) in detail


def test_creating_without_a_valid_instrument_creates_nothing(client, admin_user_role, instrument_2024):
    client.force_login(admin_user_role)
    year = client.get(reverse("clusters:evaluation-create")).context["year"]
    response = client.post(reverse("clusters:evaluation-create"), {"confirm_year": year, "instrument": "999999"})
    assert response.status_code == 400
    assert not Evaluation.objects.exists()
    assert "Pilih" in response.content.decode()  # the error beside the choice, in Indonesian


def test_the_question_page_shows_every_question_with_its_maximum_and_sources(client, staff_user, evaluation_2026):
    client.force_login(staff_user)
    response = client.get(_url("1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-score-input") == 63
    assert html.count('inputmode="decimal"') == 2 * 63  # each score and the hidden value it was loaded with
    assert 'type="number"' not in html
    assert "Apakah tersedia peraturan daerah terkait penyelenggaraan Kabupaten/Kota Layak Anak?" in html
    assert "Bagian Hukum" in html and "Disdukcapil" in html
    assert 'id="maxima-disagree"' not in html


def test_the_question_page_says_where_the_sources_maxima_disagree(client, staff_user, evaluation_2026):
    client.force_login(staff_user)
    html = client.get(_url("19")).content.decode()
    assert 'id="maxima-disagree"' in html
    assert "54" in html and "51" in html


def test_staff_save_questions_in_indonesian_numbers_and_the_totals_follow(client, staff_user, evaluation_2026):
    client.force_login(staff_user)
    row = _row("2")
    data = _fill(form_data(client.get(_url("2")), "data-score-form"), {"1": "2,5", "2": "1,25"}, row,
                 {"1": "Perwal Nomor 12 Tahun 2025"})
    response = client.post(_url("2"), data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.score == D("3.75")
    first = row.question_scores.get(question__code="1")
    assert (first.score, first.evidence) == (D("2.50"), "Perwal Nomor 12 Tahun 2025")
    page = client.get(response.url).content.decode()
    assert "3,75" in page
    detail = client.get(reverse("clusters:evaluation-detail", args=[2026])).content.decode()
    assert "3,75" in detail


def test_a_score_above_the_questions_maximum_is_refused_beside_it_and_nothing_is_saved(
    client, staff_user, evaluation_2026
):
    client.force_login(staff_user)
    row = _row("2")
    maximum = row.question_scores.get(question__code="1").max_points
    data = _fill(form_data(client.get(_url("2")), "data-score-form"),
                 {"1": str(maximum + 1).replace(".", ","), "2": "1"}, row)
    response = client.post(_url("2"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tidak ada yang disimpan" in html
    assert "is-invalid" in html
    assert "nilai maksimum pertanyaan" in html
    assert not row.question_scores.filter(score__isnull=False).exists()
    row.refresh_from_db()
    assert row.score is None


def test_a_question_saved_meanwhile_by_someone_else_is_shown_not_overwritten(client, staff_user, evaluation_2026):
    client.force_login(staff_user)
    row = _row("2")
    stale = form_data(client.get(_url("2")), "data-score-form")
    client.post(_url("2"), _fill(form_data(client.get(_url("2")), "data-score-form"), {"1": "2"}, row))
    response = client.post(_url("2"), _fill(stale, {"1": "1"}, row))
    assert response.status_code == 409
    assert 'id="conflict-notice"' in response.content.decode()
    assert row.question_scores.get(question__code="1").score == D("2.00")


def test_the_task_force_reads_the_questions_but_cannot_save_them(client, task_force_user, evaluation_2026):
    client.force_login(task_force_user)
    response = client.get(_url("1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-score-input" not in html
    assert "Apakah tersedia peraturan daerah" in html
    assert client.post(_url("1"), {"form-TOTAL_FORMS": "0"}).status_code == 403


def test_an_indicator_without_questions_has_no_question_page(client, staff_user, demo):
    client.force_login(staff_user)
    assert client.get(_url("1", year=2019)).status_code == 404
    assert client.get(_url("99", year=2019)).status_code == 404


def test_the_question_page_is_closed_outside_the_self_assessment_stage(client, staff_user, evaluation_2026):
    Evaluation.objects.filter(pk=evaluation_2026.pk).update(stage=Evaluation.Stage.FINAL)
    client.force_login(staff_user)
    html = client.get(_url("1")).content.decode()
    assert 'id="stage-notice"' in html and "data-score-input" not in html
    assert client.post(_url("2"), {}).status_code == 400


def test_the_question_pages_query_count_does_not_grow_with_the_questions(
    client, staff_user, evaluation_2026, django_assert_max_num_queries
):
    client.force_login(staff_user)
    client.get(_url("23B"))  # warms the permission cache
    cache.clear()  # the page's cache-miss path: the one that reads the questions
    with django_assert_max_num_queries(14) as few:
        client.get(_url("23B"))
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url("1"))
    with django_assert_max_num_queries(6):  # served from the cache: no question read
        client.get(_url("1"))


def test_the_cluster_page_shows_a_question_scored_indicator_without_a_score_field_to_type(
    client, staff_user, evaluation_2026
):
    client.force_login(staff_user)
    response = client.get(reverse("clusters:self-assessment-edit", args=[2026, "K1"]))
    html = response.content.decode()
    assert html.count("disabled") >= 3
    assert _url("4") in html
    data = form_data(response, "data-score-form")
    for key in list(data):
        if key.endswith("-score"):
            data[key] = "5"  # a score typed into the page by hand is ignored: the questions decide it
        if key.endswith("-evidence"):
            data[key] = "Catatan klaster"
    assert client.post(reverse("clusters:self-assessment-edit", args=[2026, "K1"]), data).status_code == 302
    assert not SelfAssessment.objects.filter(evaluation=evaluation_2026, score__isnull=False).exists()
    assert SelfAssessment.objects.filter(evaluation=evaluation_2026, evidence="Catatan klaster").count() == 3


def test_the_default_instrument_is_preselected(client, admin_user_role, instrument_2024):
    Instrument.objects.update(is_default=False)
    Instrument.objects.filter(pk=instrument_2024.pk).update(is_default=True)
    client.force_login(admin_user_role)
    html = client.get(reverse("clusters:evaluation-create")).content.decode()
    assert f'value="{instrument_2024.pk}" checked' in html


def test_the_cached_question_page_gives_every_user_a_token_of_their_own_and_shows_each_save(
    evaluation_2026, staff_user, reference_data
):
    """The page as opened is cached for everyone with the same permissions; its CSRF field is written per
    request (kla_tracker.middleware.CsrfSlotMiddleware), so a second user's save from the cached page works."""
    import re

    from django.contrib.auth.models import Group, User
    from django.test import Client

    from core import roles

    other = User.objects.create_user("staf-kedua", password="x")
    other.groups.add(Group.objects.get(name=roles.STAFF))
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(staff_user)
    second.force_login(other)
    first.get(_url("2"))  # fills the cache
    response = second.get(_url("2"))
    html = response.content.decode()
    assert "<!--csrf-slot-->" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = _fill(form_data(response, "data-score-form"), {"2": "3,5"}, _row("2"))
    saved = second.post(_url("2"), {**data, "csrfmiddlewaretoken": token})
    assert saved.status_code == 302
    assert QuestionScore.objects.get(self_assessment__evaluation__year=2026, question__code="2",
                                     question__indicator__code="2").score == D("3.5")
    # The first user's next visit shows the saved score: the save changed the page's data version.
    again = first.get(_url("2")).content.decode()
    assert 'value="3,5"' in again or 'value="3,50"' in again


def test_a_question_page_sent_back_with_errors_is_never_served_from_the_cache(client, staff_user, evaluation_2026):
    client.force_login(staff_user)
    response = client.get(_url("2"))
    data = _fill(form_data(response, "data-score-form"), {"2": "tiga"}, _row("2"))
    refused = client.post(_url("2"), data)
    assert refused.status_code == 200 and "is-invalid" in refused.content.decode()
    assert "is-invalid" not in client.get(_url("2")).content.decode()  # the page as opened, no errors


def test_a_cached_question_page_reads_nothing_but_the_request_and_the_versions(
    client, staff_user, evaluation_2026, django_assert_max_num_queries
):
    """Served from its cache, the page skips even the evaluation and indicator look-ups: the body was rendered
    from data of the same versions, so they exist. Session, user and data versions are all it reads."""
    cache.clear()
    client.force_login(staff_user)
    first = client.get(_url("1")).content.decode()
    with django_assert_max_num_queries(3):
        response = client.get(_url("1"))
    html = response.content.decode()
    assert response.status_code == 200
    title = re.search(r"<title>(.*?)</title>", first).group(1)
    assert title.startswith("Pertanyaan indikator 1 · 2026")
    assert re.search(r"<title>(.*?)</title>", html).group(1) == title
    assert html.count('inputmode="decimal"') == first.count('inputmode="decimal"') >= 63
    assert "js/score-entry.js" in html and "js/score-entry.js" in first
    # A year without an evaluation or an unknown indicator is still refused, cached or not.
    assert client.get(_url("1", year=2031)).status_code == 404
    assert client.get(_url("99")).status_code == 404
