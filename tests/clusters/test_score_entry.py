"""Self-assessment entry: one form per cluster, saved all or nothing, with no lost edits."""

from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from clusters.models import Evaluation, SelfAssessment
from core import roles
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db

K4 = (18, 19, 20)  # Klaster IV: not scored yet in the 2019 demo, maximum 40 each


def _url(year=2019, cluster="K4"):
    return reverse("clusters:self-assessment-edit", args=[year, cluster])


def _rows(numbers=K4, year=2019):
    return {row.indicator.number: row for row in SelfAssessment.objects.filter(
        evaluation__year=year, indicator__number__in=numbers).select_related("indicator")}


def _fill(data, scores: dict[int, str], evidence: dict[int, str] | None = None):
    """Puts scores (by indicator number) into the formset data read from the page."""
    rows = _rows(scores)
    by_pk = {str(row.pk): number for number, row in rows.items()}
    for key, value in list(data.items()):
        if key.endswith("-id") and value in by_pk:
            prefix = key[: -len("-id")]
            number = by_pk[value]
            data[f"{prefix}-score"] = scores[number]
            if evidence and number in evidence:
                data[f"{prefix}-evidence"] = evidence[number]
    return data


@pytest.fixture
def second_staff(reference_data):
    user = get_user_model().objects.create_user("staf-kedua", password="test-password-123")
    user.groups.add(Group.objects.get(name=roles.STAFF))
    return user


def test_staff_saves_a_cluster_and_the_detail_page_shows_new_totals(client, demo, staff_user):
    client.force_login(staff_user)
    before = client.get(reverse("clusters:evaluation-detail", args=[2019])).content.decode()
    data = _fill(form_data(client.get(_url()), "data-score-form"), {18: "30", 19: "32.5", 20: "28.25"},
                 {18: "SK wajib belajar 12 tahun"})
    response = client.post(_url(), data)
    assert response.status_code == 302
    rows = _rows()
    assert [rows[n].score for n in K4] == [D("30"), D("32.5"), D("28.25")]
    assert rows[18].evidence == "SK wajib belajar 12 tahun"
    assert all(rows[n].version == 2 for n in K4)
    html = client.get(response.url).content.decode()
    assert "90,75" in html  # the Klaster IV subtotal
    assert "Disimpan" in html or "disimpan" in html
    assert before != html


def test_only_changed_rows_are_saved_and_recorded_with_the_user(client, demo, staff_user):
    client.force_login(staff_user)
    data = _fill(form_data(client.get(_url()), "data-score-form"), {19: "20"})
    client.post(_url(), data)
    rows = _rows()
    assert rows[19].score == D("20") and rows[19].version == 2
    assert rows[18].score is None and rows[18].version == 1
    record = rows[19].history.latest()
    assert record.history_user == staff_user and record.score == D("20")


def test_one_invalid_row_saves_nothing_and_the_error_is_beside_the_field(client, demo, staff_user):
    client.force_login(staff_user)
    data = _fill(form_data(client.get(_url()), "data-score-form"), {18: "30", 19: "40.01", 20: "10"})
    response = client.post(_url(), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Paling banyak 40,00 poin" in html
    assert 'aria-invalid="true"' in html
    assert [row.score for row in _rows().values()] == [None, None, None]
    # The user's input is kept.
    assert 'value="30"' in html and 'value="40.01"' in html


def test_a_score_below_the_recorded_deductions_is_refused(client, demo, staff_user):
    client.force_login(staff_user)
    evaluation = Evaluation.objects.get(year=2018)
    evaluation.stage = Evaluation.Stage.SELF_ASSESSMENT
    evaluation.save()
    url = _url(2018, "KLB")
    data = form_data(client.get(url), "data-score-form")
    row3 = _rows([3], 2018)[3]
    prefix = next(k[:-3] for k, v in data.items() if k.endswith("-id") and v == str(row3.pk))
    data[f"{prefix}-score"] = "10"  # 14,50 deducted
    response = client.post(url, data)
    assert "Paling sedikit 14,50 poin" in response.content.decode()
    row3.refresh_from_db()
    assert row3.score == D("24.00")


def test_a_second_save_from_an_older_form_is_a_conflict_and_keeps_both_inputs(client, demo, staff_user, second_staff):
    client.force_login(staff_user)
    mine = _fill(form_data(client.get(_url()), "data-score-form"), {18: "30", 19: "31"})

    other = client_for(second_staff)
    theirs = _fill(form_data(other.get(_url()), "data-score-form"), {18: "25"}, {18: "Data Disdik 2018"})
    assert other.post(_url(), theirs).status_code == 302

    response = client.post(_url(), mine)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Tidak ada yang disimpan" in html
    assert "staf-kedua" in html and "25,00" in html and "Data Disdik 2018" in html
    assert 'value="30"' in html and 'value="31"' in html  # my input is still in the form
    rows = _rows()
    # Nothing of mine was saved, not even the row nobody else touched.
    assert rows[18].score == D("25") and rows[19].score is None

    # Saving again from the conflict page puts my value over theirs, knowingly.
    again = form_data(response, "data-score-form")
    assert client.post(_url(), again).status_code == 302
    rows = _rows()
    assert rows[18].score == D("30") and rows[19].score == D("31")
    assert rows[18].version == 3


def test_after_a_conflict_the_user_can_keep_the_other_persons_value(client, demo, staff_user, second_staff):
    client.force_login(staff_user)
    mine = _fill(form_data(client.get(_url()), "data-score-form"), {18: "30", 19: "31"})
    other = client_for(second_staff)
    other.post(_url(), _fill(form_data(other.get(_url()), "data-score-form"), {18: "25"}))

    again = form_data(client.post(_url(), mine), "data-score-form")
    # The conflicting row is the one whose hidden version now is the other person's (2).
    prefix = next(key[: -len("-version")] for key, value in again.items() if key.endswith("-version") and value == "2")
    again[f"{prefix}-take_theirs"] = "on"
    assert client.post(_url(), again).status_code == 302
    rows = _rows()
    assert rows[18].score == D("25") and rows[19].score == D("31")


def test_a_row_changed_by_someone_else_but_not_by_me_is_left_alone(client, demo, staff_user, second_staff):
    client.force_login(staff_user)
    mine = _fill(form_data(client.get(_url()), "data-score-form"), {19: "31"})
    other = client_for(second_staff)
    other.post(_url(), _fill(form_data(other.get(_url()), "data-score-form"), {18: "25"}))

    assert client.post(_url(), mine).status_code == 302
    rows = _rows()
    assert rows[18].score == D("25") and rows[19].score == D("31")


def test_after_a_conflict_the_first_users_note_survives_the_second_users_score(client, demo, staff_user,
                                                                                 second_staff):
    """The issue's example: A saves score and note, B (loaded before) saves only a score, gets the conflict,
    keeps their score and saves again: A's note stays, B's score wins."""
    client.force_login(staff_user)  # B
    mine = _fill(form_data(client.get(_url()), "data-score-form"), {18: "30"})
    other = client_for(second_staff)  # A
    theirs = _fill(form_data(other.get(_url()), "data-score-form"), {18: "25"}, {18: "Catatan A"})
    assert other.post(_url(), theirs).status_code == 302

    response = client.post(_url(), mine)
    assert response.status_code == 409
    again = form_data(response, "data-score-form")
    assert client.post(_url(), again).status_code == 302
    row = _rows()[18]
    assert (row.score, row.evidence) == (D("30"), "Catatan A")


def test_fields_changed_by_different_people_are_both_kept_without_a_conflict(client, demo, staff_user, second_staff):
    client.force_login(staff_user)
    mine = _fill(form_data(client.get(_url()), "data-score-form"), {18: "30"})  # my score only
    other = client_for(second_staff)
    theirs = form_data(other.get(_url()), "data-score-form")
    prefix = next(k[: -len("-id")] for k, v in theirs.items() if k.endswith("-id") and v == str(_rows()[18].pk))
    theirs[f"{prefix}-evidence"] = "Catatan A"  # their note only
    assert other.post(_url(), theirs).status_code == 302

    assert client.post(_url(), mine).status_code == 302
    row = _rows()[18]
    assert (row.score, row.evidence, row.version) == (D("30"), "Catatan A", 3)


def test_the_form_is_closed_outside_the_self_assessment_stage_and_says_why(client, demo, staff_user):
    client.force_login(staff_user)
    data = form_data(client.get(_url()), "data-score-form")
    Evaluation.objects.filter(year=2019).update(stage=Evaluation.Stage.FIELD_VERIFICATION)
    response = client.post(_url(), _fill(data, {18: "30"}))
    assert response.status_code == 409
    assert "hanya dapat diubah pada tahap penilaian mandiri" in response.content.decode()
    assert _rows()[18].score is None

    html = client.get(_url(2018, "KLB")).content.decode()
    assert "bersifat final" in html and "data-score-form" not in html


def test_task_force_sees_the_detail_without_edit_controls(client, demo, task_force_user):
    client.force_login(task_force_user)
    html = client.get(reverse("clusters:evaluation-detail", args=[2019])).content.decode()
    assert _url() not in html
    assert client.get(_url()).status_code == 403


def test_detail_shows_maximum_self_assessment_deductions_final_and_headroom(client, demo, task_force_user):
    client.force_login(task_force_user)
    html = client.get(reverse("clusters:evaluation-detail", args=[2018])).content.decode()
    assert "683,20" in html  # final
    assert "769,20" in html  # self-assessment
    assert "16,81" in html  # gap to Nindya
    assert "−14,50" in html  # indicator 3 deduction
    assert "Madya" in html


def test_detail_query_count_does_not_grow_with_deductions(client, demo, task_force_user,
                                                        django_assert_max_num_queries):
    from clusters.models import FieldDeduction

    client.force_login(task_force_user)
    url = reverse("clusters:evaluation-detail", args=[2018])
    with django_assert_max_num_queries(14) as few:  # 12 + the data version read + the losses per stage
        client.get(url)
    rows = SelfAssessment.objects.filter(evaluation__year=2018, score__gt=5)
    FieldDeduction.objects.bulk_create(
        [FieldDeduction(self_assessment=row, points=D("0.5"), reason="x") for row in rows]
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def client_for(user):
    from django.test import Client

    other = Client()
    other.force_login(user)
    return other


def test_the_form_shows_a_deduction_as_points_lost_without_a_minus(client, demo, staff_user):
    # As the summary cards do: the minus belongs only where a deduction is subtracted in a sum.
    client.force_login(staff_user)
    Evaluation.objects.filter(year=2018).update(stage=Evaluation.Stage.SELF_ASSESSMENT)
    html = client.get(_url(2018, "KLB")).content.decode()
    assert ">14,50</td>" in html and "−14,50" not in html
