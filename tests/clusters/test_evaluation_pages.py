"""Evaluation list, stages, deductions and history pages."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from clusters.models import Evaluation, FieldDeduction, SelfAssessment
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def verifying_2019(demo):
    """The demo's 2019 evaluation moved on to field verification."""
    Evaluation.objects.filter(year=2019).update(stage=Evaluation.Stage.FIELD_VERIFICATION)
    return Evaluation.objects.get(year=2019)


def _deductions_url(number=3, year=2019):
    return reverse("clusters:deduction-list", args=[year, number])


def test_list_shows_every_year_with_final_score_predicate_and_stage(client, demo, task_force_user):
    client.force_login(task_force_user)
    html = client.get(reverse("clusters:evaluation-list")).content.decode()
    for text in ("2017", "2018", "2019", "683,20", "Madya", "Final", "Penilaian mandiri"):
        assert text in html, text
    assert reverse("clusters:evaluation-create") not in html  # only admins create evaluations
    # 2019 has no field result yet: its self-assessment so far, the predicate only as provisional.
    assert "562,40" in html and "belum ada hasil lapangan" in html
    assert "sementara, penilaian mandiri berjalan" in html and "Pratama jika tetap begini" in html
    assert html.count("Pratama") == 2  # 2017 won it; 2019 only "if it stood"


def test_admin_creates_next_years_evaluation_from_the_list(client, demo, admin_user_role):
    client.force_login(admin_user_role)
    assert reverse("clusters:evaluation-create") in client.get(reverse("clusters:evaluation-list")).content.decode()
    ask = client.get(reverse("clusters:evaluation-create"))
    assert ask.status_code == 200 and "Buat evaluasi 2020?" in ask.content.decode()
    # As the charts write it ("dari 1000"), not 1.000,00; the 2019-era framework is the tests' default.
    assert "24 indikator aktif, seluruhnya 1000 poin" in ask.content.decode()
    assert "31 indikator aktif, seluruhnya 1000 poin · 274 pertanyaan" in ask.content.decode()
    assert not Evaluation.objects.filter(year=2020).exists()  # asking creates nothing
    response = client.post(reverse("clusters:evaluation-create"), form_data(ask, "data-confirm-form"))
    assert response.url == reverse("clusters:evaluation-detail", args=[2020])
    assert SelfAssessment.objects.filter(evaluation__year=2020).count() == 24


@pytest.mark.parametrize("data", [{}, {"confirm_year": ""}, {"confirm_year": "abc"}, {"confirm_year": "²"}])
def test_creating_next_years_evaluation_without_confirming_creates_nothing(client, demo, admin_user_role, data):
    client.force_login(admin_user_role)
    response = client.post(reverse("clusters:evaluation-create"), data)
    assert response.status_code == 400
    assert "Tidak ada yang dibuat" in response.content.decode()
    assert Evaluation.objects.count() == 3


def test_a_second_click_on_the_confirmation_does_not_create_the_year_after(client, demo, admin_user_role):
    client.force_login(admin_user_role)
    confirm = form_data(client.get(reverse("clusters:evaluation-create")), "data-confirm-form")
    assert client.post(reverse("clusters:evaluation-create"), confirm).status_code == 302
    again = client.post(reverse("clusters:evaluation-create"), confirm)  # 2020 exists now: asks about 2021
    assert again.status_code == 409 and "Buat evaluasi 2021?" in again.content.decode()
    assert sorted(Evaluation.objects.values_list("year", flat=True)) == [2017, 2018, 2019, 2020]


def test_staff_records_a_deduction_with_the_jurors_reason(client, verifying_2019, staff_user):
    client.force_login(staff_user)
    response = client.post(_deductions_url(), {"points": "4.5", "reason": "Belum ada MoU dengan media."})
    assert response.status_code == 302
    deduction = FieldDeduction.objects.get(self_assessment__evaluation__year=2019)
    assert (deduction.points, deduction.stage) == (D("4.5"), Evaluation.Stage.FIELD_VERIFICATION)
    html = client.get(reverse("clusters:evaluation-detail", args=[2019])).content.decode()
    assert "−4,50" in html


def test_a_deduction_above_the_self_assessment_is_refused_beside_the_field(client, verifying_2019, staff_user):
    client.force_login(staff_user)
    response = client.post(_deductions_url(), {"points": "25.51", "reason": "x"})  # self-assessed 25,50
    assert response.status_code == 200
    assert "Paling banyak 25,50 poin" in response.content.decode()
    assert not FieldDeduction.objects.filter(self_assessment__evaluation__year=2019).exists()


def test_deductions_are_closed_during_self_assessment_and_the_page_says_why(client, demo, staff_user):
    client.force_login(staff_user)
    html = client.get(_deductions_url()).content.decode()
    assert "hanya dapat dicatat pada tahap verifikasi" in html
    response = client.post(_deductions_url(), {"points": "1", "reason": "x"})
    assert response.status_code == 409
    assert not FieldDeduction.objects.filter(self_assessment__evaluation__year=2019).exists()


def test_editing_a_deduction_changed_meanwhile_shows_theirs_and_keeps_mine(client, verifying_2019, staff_user,
                                                                          admin_user_role):
    row = SelfAssessment.objects.get(evaluation__year=2019, indicator__number=3)
    deduction = FieldDeduction.objects.create(self_assessment=row, points=D("5"), reason="Tanpa MoU")
    url = reverse("clusters:deduction-edit", args=[2019, deduction.pk])
    client.force_login(staff_user)
    mine = form_data(client.get(url), None)
    mine = {key: value for key, value in mine.items() if key in {"points", "reason", "version"}}
    mine.update(points="7", reason="Tanpa MoU tertulis")

    from django.test import Client

    other = Client()
    other.force_login(admin_user_role)
    assert other.post(url, {"points": "6", "reason": "Tanpa MoU (juri 2)", "version": "1"}).status_code == 302

    response = client.post(url, mine)
    assert response.status_code == 409
    html = response.content.decode()
    assert "admin-test" in html and "−6,00" in html and "Tanpa MoU (juri 2)" in html
    assert 'value="7"' in html and "Tanpa MoU tertulis" in html
    deduction.refresh_from_db()
    assert deduction.points == D("6")

    mine["version"] = "2"  # what the conflict page now carries
    assert client.post(url, mine).status_code == 302
    deduction.refresh_from_db()
    assert (deduction.points, deduction.version) == (D("7"), 3)


def test_removing_a_deduction_asks_first(client, verifying_2019, staff_user):
    row = SelfAssessment.objects.get(evaluation__year=2019, indicator__number=3)
    deduction = FieldDeduction.objects.create(self_assessment=row, points=D("5"), reason="Tanpa MoU")
    url = reverse("clusters:deduction-delete", args=[2019, deduction.pk])
    client.force_login(staff_user)
    assert "Hapus pengurangan ini?" in client.get(url).content.decode()
    assert FieldDeduction.objects.filter(pk=deduction.pk).exists()
    assert client.post(url, {"version": "1"}).status_code == 302
    assert not FieldDeduction.objects.filter(pk=deduction.pk).exists()


def test_history_lists_who_changed_what_newest_first(client, verifying_2019, staff_user):
    client.force_login(staff_user)
    client.post(_deductions_url(), {"points": "4.5", "reason": "Belum ada MoU."})
    deduction = FieldDeduction.objects.get(self_assessment__evaluation__year=2019)
    client.post(reverse("clusters:deduction-edit", args=[2019, deduction.pk]),
                {"points": "5", "reason": "Belum ada MoU.", "version": "1"})
    html = client.get(reverse("clusters:indicator-history", args=[2019, 3])).content.decode()
    assert "staf-test" in html
    # Newest first: the change 4,50 → 5,00, then the recording, then the demo's score of 25,50.
    assert html.index("5,00") < html.index("(dicatat)") < html.index("25,50")
    assert "Belum ada MoU." in html


def test_admin_reopens_a_final_evaluation_only_with_a_reason_and_it_is_recorded(client, demo, admin_user_role):
    client.force_login(admin_user_role)
    url = reverse("clusters:evaluation-stage", args=[2018])
    response = client.post(url, {"stage": Evaluation.Stage.FIELD_VERIFICATION, "reason": ""})
    assert "Tuliskan alasan evaluasi final ini dibuka kembali" in response.content.decode()
    assert Evaluation.objects.get(year=2018).stage == Evaluation.Stage.FINAL

    client.post(url, {"stage": Evaluation.Stage.FIELD_VERIFICATION, "reason": "Koreksi dari provinsi"})
    assert Evaluation.objects.get(year=2018).stage == Evaluation.Stage.FIELD_VERIFICATION
    html = client.get(url).content.decode()
    assert "Koreksi dari provinsi" in html and "admin-test" in html


def test_stage_history_lists_each_stage_once_when_it_was_set(client, demo, admin_user_role):
    """A new evaluation is saved twice (created, then its framework copied): its first stage was listed twice."""
    from clusters.selectors import stage_history
    from clusters.services import evaluation_create, evaluation_stage_change

    evaluation = evaluation_create(year=2020)
    evaluation.note = "Catatan"
    evaluation.save()  # a save that keeps the stage
    evaluation_stage_change(evaluation=evaluation, stage=Evaluation.Stage.ADMIN_VERIFICATION, reason="")
    assert evaluation.history.count() >= 3
    assert [record.stage for record in stage_history(evaluation)] == [Evaluation.Stage.ADMIN_VERIFICATION,
                                                                       Evaluation.Stage.SELF_ASSESSMENT]
    client.force_login(admin_user_role)
    html = client.get(reverse("clusters:evaluation-stage", args=[2020])).content.decode()
    history = html[html.index('id="stage-history"'):]
    assert history[:history.index("</ul>")].count("<li>") == 2


def test_staff_cannot_change_the_stage(client, demo, staff_user):
    client.force_login(staff_user)
    url = reverse("clusters:evaluation-stage", args=[2018])
    assert client.post(url, {"stage": Evaluation.Stage.SELF_ASSESSMENT, "reason": "x"}).status_code == 403
    assert Evaluation.objects.get(year=2018).stage == Evaluation.Stage.FINAL


def test_history_query_count_does_not_grow_with_the_changes(client, verifying_2019, staff_user,
                                                           django_assert_max_num_queries):
    client.force_login(staff_user)
    url = reverse("clusters:indicator-history", args=[2019, 3])
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    baseline = len(few.captured_queries)  # read now: every request resets the query log
    for points in ("1", "2", "3", "4"):
        client.post(_deductions_url(), {"points": points, "reason": f"Alasan {points}"})
    with django_assert_max_num_queries(baseline):
        assert "Alasan 4" in client.get(url).content.decode()


def test_score_form_query_count_does_not_grow_with_deductions(client, demo, staff_user,
                                                             django_assert_max_num_queries):
    Evaluation.objects.filter(year=2018).update(stage=Evaluation.Stage.SELF_ASSESSMENT)
    client.force_login(staff_user)
    url = reverse("clusters:self-assessment-edit", args=[2018, "K1"])
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    rows = SelfAssessment.objects.filter(evaluation__year=2018, indicator__cluster__code="K1")
    FieldDeduction.objects.bulk_create([FieldDeduction(self_assessment=row, points=D("1"), reason="x") for row in rows])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
