import re

import pytest
from django.urls import reverse

from clusters.models import Evaluation, FieldDeduction, SelfAssessment
from dashboard.demo import DEMO_USERS


def _log_in(page, live_server, username):
    user = next(user for user in DEMO_USERS if user.username == username)
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.password)
    page.click("form[action*=login] button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


@pytest.mark.django_db(transaction=True)
def test_staff_enters_scores_sees_totals_move_records_deductions_and_reads_the_history(
    live_server, page, demo, artifacts
):
    _log_in(page, live_server, "staf")
    page.click("nav >> text=Evaluasi")
    page.click("table >> text=2019")
    page.wait_for_url(re.compile(r".*/evaluasi/2019/$"))
    final_before = page.inner_text("[data-summary=final]")

    page.click("#cluster-K4 >> text=Isi nilai")
    inputs = page.locator("input[data-score-input]")
    assert inputs.count() == 3
    for index, value in enumerate(["30", "32.5", "28.25"]):
        inputs.nth(index).fill(value)
    # The subtotal, the final score and the gap to Nindya follow the typing, in Indonesian format.
    assert page.inner_text("[data-cluster-subtotal]") == "90,75"
    assert page.inner_text("[data-summary=final]") != final_before
    assert page.inner_text("[data-summary=predicate]") == "Madya"  # 562,40 + 90,75 = 653,15
    assert page.inner_text("[data-summary=gap]") == "46,86"
    page.screenshot(path=artifacts / "score-entry-typing.png", full_page=True)
    with page.expect_navigation():
        page.click("button:has-text('Simpan nilai')")
    assert "3 nilai disimpan" in page.inner_text("main")
    assert "90,75" in page.inner_text("#cluster-K4")
    gap_text = page.inner_text("[data-summary=gap]")

    # An admin puts the evaluation into field verification; the staff member records two deductions.
    Evaluation.objects.filter(year=2019).update(stage=Evaluation.Stage.FIELD_VERIFICATION)
    deductions = [(3, "4.5", "Kemitraan media tanpa MoU."), (18, "2", "Data wajib belajar belum terpilah.")]
    for number, points, reason in deductions:
        page.goto(f"{live_server.url}{reverse('clusters:deduction-list', args=[2019, number])}")
        page.fill("#id_points", points)
        page.fill("#id_reason", reason)
        with page.expect_navigation():
            page.click("button:has-text('Catat pengurangan')")
        assert "Pengurangan telah dicatat" in page.inner_text("main")
    assert FieldDeduction.objects.filter(self_assessment__evaluation__year=2019).count() == 2

    page.goto(f"{live_server.url}{reverse('clusters:evaluation-detail', args=[2019])}")
    assert page.inner_text("[data-summary=gap]") != gap_text  # deductions widen the gap
    page.screenshot(path=artifacts / "evaluation-2019.png", full_page=True)

    page.click("#cluster-K4 tbody tr:first-child >> text=Riwayat")
    history = page.inner_text("#history")
    assert "staf" in history and "30,00" in history and "2,00" in history
    page.screenshot(path=artifacts / "indicator-history.png", full_page=True)

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}{reverse('clusters:evaluation-detail', args=[2019])}")
    page.screenshot(path=artifacts / "evaluation-2019-phone.png")
    assert SelfAssessment.objects.get(evaluation__year=2019, indicator__number=18).score == 30


@pytest.mark.django_db(transaction=True)
def test_task_force_sees_the_pages_without_edit_controls(live_server, page, demo, artifacts):
    _log_in(page, live_server, "gugus")
    page.goto(f"{live_server.url}{reverse('clusters:evaluation-detail', args=[2019])}")
    assert page.locator("text=Isi nilai").count() == 0
    page.goto(f"{live_server.url}{reverse('clusters:deduction-list', args=[2018, 3])}")
    assert page.locator("form #id_points").count() == 0
    assert page.locator("text=Ubah").count() == 0
