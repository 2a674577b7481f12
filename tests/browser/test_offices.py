"""Office accounts in Chromium: the operator of Dinas Kesehatan answers and attaches evidence, DPMPPA returns
the answer with a note, the operator fixes it, and the task force's progress page follows each step; at a
phone's and a laptop's width."""

import re

import pytest
from django.urls import reverse

from clusters.models import Instrument, QuestionScore
from clusters.services import evaluation_create
from core.loading import LoadReport
from offices.services import data_sources_load
from planner.models import Office
from planner.services import planner_defaults_load
from tests.browser.conftest import log_in
from tests.evidence import files


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def _progress_row(page, office="Dinas Kesehatan") -> list[str]:
    row = page.locator("#offices-progress tbody tr", has_text=office)
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


@pytest.mark.django_db(transaction=True)
def test_an_office_answers_dpmppa_returns_and_the_task_force_sees_it(live_server, page, demo, artifacts):
    evaluation = evaluation_create(year=2026, instrument=Instrument.objects.get(code=Instrument.INSTRUMENT_2024))
    planner_defaults_load(report=LoadReport())
    data_sources_load(report=LoadReport())
    score = QuestionScore.objects.get(self_assessment__evaluation=evaluation, self_assessment__indicator__code="1",
                                      question__code="2l")

    # The demo's operator of Dinas Kesehatan lands on its office's questions and answers one, with a PDF.
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, live_server, "dinkes")
    page.wait_for_url(re.compile(r".*/opd/$"))
    assert _no_sideways_scroll(page)
    with page.expect_navigation():
        page.click(f"a[href='{reverse('offices:answer', args=[2026, score.pk])}']")
    page.fill("#id_score", "0,5")
    page.fill("#id_evidence", "Perwal tentang kawasan tanpa rokok")
    with page.expect_navigation():
        page.click("#answer-form button[type=submit]")
    assert "Jawaban disimpan" in page.inner_text("main")
    page.set_input_files("#files", {"name": "perwal.pdf", "mimeType": "application/pdf", "buffer": files.pdf()})
    with page.expect_navigation():
        page.click("#evidence-form button[type=submit]")
    assert "1 dokumen ditambahkan" in page.inner_text("main")
    assert _no_sideways_scroll(page)
    page.screenshot(path=artifacts / "offices-answer-phone.png", full_page=True)

    # The task force sees Dinas Kesehatan with one answer and one with evidence.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "gugus")
    page.goto(f"{live_server.url}{reverse('offices:progress', args=[2026])}")
    page.wait_for_selector("html[data-charts-drawn]")
    assert _progress_row(page)[:5] == ["94", "1", "1", "0", "0"]
    page.screenshot(path=artifacts / "offices-progress.png", full_page=True)

    # DPMPPA returns it with a note.
    page.context.clear_cookies()
    log_in(page, live_server, "staf")
    page.goto(f"{live_server.url}{reverse('offices:review-list', args=[2026])}?kantor="
              f"{Office.objects.get(name='Dinas Kesehatan').pk}")
    with page.expect_navigation():
        page.click(f"a[href^='{reverse('offices:review', args=[2026, score.pk])}']")
    page.fill("#id_note", "Lampirkan Perwal yang sudah ditandatangani.")
    with page.expect_navigation():
        page.click("button[value=return]")
    assert "Jawaban dikembalikan ke OPD" in page.inner_text("main")

    # The operator sees the note at the top and fixes the answer.
    page.context.clear_cookies()
    log_in(page, live_server, "dinkes")
    assert "Lampirkan Perwal yang sudah ditandatangani." in page.inner_text("#returned")
    with page.expect_navigation():
        page.click("#returned a")
    page.fill("#id_score", "1")
    with page.expect_navigation():
        page.click("#answer-form button[type=submit]")
    assert page.locator("#returned").count() == 0 or "Jawaban disimpan" in page.inner_text("main")
    page.goto(f"{live_server.url}{reverse('offices:my-questions')}")
    assert page.locator("#returned").count() == 0

    page.context.clear_cookies()
    log_in(page, live_server, "gugus")
    page.goto(f"{live_server.url}{reverse('offices:progress', args=[2026])}")
    assert _progress_row(page)[:5] == ["94", "1", "1", "0", "0"]
    score.refresh_from_db()
    assert str(score.score) == "1.00"
