"""DPMPPA's changes after approval, the "office finished" mail, the 2019-era framework on the office pages and
the cached progress page."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from clusters.models import Instrument, QuestionScore
from clusters.services import evaluation_create
from offices import selectors, services
from offices.models import AnswerReview, DataSource, OfficeDeadline, OfficeFinishedNotice
from planner.models import Office
from tests.html_forms import form_data
from tests.offices.conftest import staff_edit

pytestmark = pytest.mark.django_db


def _answer(client, score, value, note=""):
    url = reverse("offices:answer", args=[score.self_assessment.evaluation.year, score.pk])
    data = form_data(client.get(url), "data-answer-form")
    data.update({"score": value, "evidence": note})
    return client.post(url, data)


def _approve(score, user):
    review = AnswerReview.objects.get(question_score=score)
    return services.answer_review(question_score=score, approve=True, note="", version=review.version, user=user)


# Item 2: an approved answer changed by staff is no longer silently approved.

def test_staff_changing_an_approved_score_sends_it_back_to_review_and_the_history_says_so(
        client, operator_user, staff_user, dinkes_question):
    client.force_login(operator_user)
    assert _answer(client, dinkes_question, "1").status_code == 302
    _approve(dinkes_question, staff_user)
    client.force_login(staff_user)
    assert staff_edit(client, dinkes_question, score="0,5").status_code == 302
    assert QuestionScore.objects.get(pk=dinkes_question.pk).score == D("0.5")
    review = AnswerReview.objects.get(question_score=dinkes_question)
    assert review.status == AnswerReview.Status.CHANGED
    history = list(review.history.order_by("history_date", "history_id"))
    assert [record.status for record in history] == ["answered", "approved", "changed"]
    assert history[-1].history_user == staff_user
    assert history[-1].history_change_reason == "Diubah oleh DPMPPA setelah disetujui"
    # Not counted as approved any more; the review page and the operator's page say it changed.
    tally = next(t for t in selectors.progress(dinkes_question.self_assessment.evaluation).offices
                 if t.office.name == "Dinas Kesehatan")
    assert (tally.approved, tally.answered) == (0, 1)
    html = client.get(reverse("offices:review", args=[2026, dinkes_question.pk])).content.decode()
    assert "diubah DPMPPA setelah disetujui" in html and "data-review-form" in html
    # DPMPPA can approve the changed answer again.
    _approve(dinkes_question, staff_user)
    assert AnswerReview.objects.get(question_score=dinkes_question).status == AnswerReview.Status.APPROVED


def test_staff_changing_only_the_note_of_an_approved_answer_also_takes_the_approval_away(
        client, operator_user, staff_user, dinkes_question):
    client.force_login(operator_user)
    _answer(client, dinkes_question, "1", "Perwal")
    _approve(dinkes_question, staff_user)
    client.force_login(staff_user)
    assert staff_edit(client, dinkes_question, evidence="Perwal No. 5").status_code == 302
    assert AnswerReview.objects.get(question_score=dinkes_question).status == AnswerReview.Status.CHANGED


def test_staff_changing_another_question_leaves_an_approval_alone(client, operator_user, staff_user, evaluation_2026,
                                                                  dinkes_question):
    from tests.offices.conftest import question
    client.force_login(operator_user)
    _answer(client, dinkes_question, "1")
    _approve(dinkes_question, staff_user)
    client.force_login(staff_user)
    assert staff_edit(client, question(evaluation_2026, "1", "2m"), score="2").status_code == 302
    assert AnswerReview.objects.get(question_score=dinkes_question).status == AnswerReview.Status.APPROVED


# Item 5: the "office finished" mail goes once per office and evaluation.

@pytest.fixture
def pan_office(evaluation_2026, staff_user):
    staff_user.email = "staf@example.go.id"
    staff_user.save()
    office = Office.objects.create(name="Sekretariat PAN")
    DataSource.objects.filter(name="PAN").update(office=office)
    user = get_user_model().objects.create_user(username="operator-pan", password="test-password-123")
    services.operator_assign(user=user, office=office)
    only = selectors.office_question_scores(evaluation_2026, office)
    assert len(only) == 1
    return office, user, only[0]


def test_the_finished_mail_goes_once_even_when_the_answer_is_saved_again_or_returned_and_fixed(
        client, pan_office, staff_user, django_capture_on_commit_callbacks):
    office, user, score = pan_office
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _answer(client, score, "0").status_code == 302
    assert len(callbacks) == 1 and len(mail.outbox) == 1
    assert OfficeFinishedNotice.objects.filter(office=office).count() == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _answer(client, score, "0", "catatan baru").status_code == 302  # saved again
    assert callbacks == [] and len(mail.outbox) == 1
    # Returned (one mail to the operators, none of them staff) and answered again: DPMPPA is not told twice.
    review = AnswerReview.objects.get(question_score=score)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_review(question_score=score, approve=False, note="Kurang lengkap", version=review.version,
                               user=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert _answer(client, score, "0", "sudah dilengkapi").status_code == 302
    assert [message.to for message in mail.outbox].count(["staf@example.go.id"]) == 1
    assert OfficeFinishedNotice.objects.filter(office=office).count() == 1


def test_the_database_refuses_a_second_finished_notice(pan_office, evaluation_2026):
    office = pan_office[0]
    OfficeFinishedNotice.objects.create(evaluation=evaluation_2026, office=office)
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeFinishedNotice.objects.create(evaluation=evaluation_2026, office=office)


# Item 3: the 2019-era framework has no agencies' questions, and the pages say so.

@pytest.fixture
def evaluation_2019(office_defaults):
    return evaluation_create(year=2019, instrument=Instrument.objects.get(code=Instrument.FRAMEWORK_2019))


def test_the_progress_page_of_a_2019_era_evaluation_says_it_has_no_office_questions(client, task_force_user,
                                                                                   evaluation_2019):
    client.force_login(task_force_user)
    response = client.get(reverse("offices:progress", args=[2019]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "tidak memiliki pertanyaan per perangkat daerah" in html
    assert 'id="offices-progress"' not in html and "chart-offices" not in html


def test_an_operator_with_only_a_2019_era_evaluation_is_told_there_is_nothing_to_answer(
        client, operator_user, evaluation_2019):
    client.force_login(operator_user)
    response = client.get(reverse("offices:my-questions"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="no-questions"' in html and "KLA 2019" in html
    assert "tidak memiliki pertanyaan per perangkat daerah" in html


def test_the_2019_era_page_speaks_english_too(client, task_force_user, evaluation_2019):
    client.force_login(task_force_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("offices:progress", args=[2019])).content.decode()
    assert 'lang="en"' in html and "it has no per-agency questions" in html
    # The Indonesian body cached before is not served in English, nor the reverse.
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "tidak memiliki pertanyaan per perangkat daerah" in client.get(
        reverse("offices:progress", args=[2019])).content.decode()


# Item 4: the progress page is cached per data version; every write shows at once.

def _row(html, office="Dinas Kesehatan"):
    start = html.index(office, html.index('id="offices-progress"'))
    return html[start:html.index("</tr>", start)]


def test_the_progress_page_is_served_from_its_cache_and_each_write_shows_at_once(
        client, operator_user, staff_user, task_force_user, evaluation_2026, dinkes_question):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("offices:progress", args=[2026])
    client.force_login(task_force_user)
    with CaptureQueriesContext(connection) as first:
        html = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as second:
        again = client.get(url).content.decode()
    assert _row(again) == _row(html)
    assert len(second.captured_queries) < len(first.captured_queries)
    assert not any("clusters_questionscore" in query["sql"] for query in second.captured_queries)

    def page():
        client.force_login(task_force_user)
        return client.get(url).content.decode()

    # An answer.
    client.force_login(operator_user)
    assert _answer(client, dinkes_question, "1").status_code == 302
    assert "<td class=\"num\">1</td>" in _row(page())
    # A review.
    _approve(dinkes_question, staff_user)
    tally = next(t for t in selectors.progress(evaluation_2026).offices if t.office.name == "Dinas Kesehatan")
    assert tally.approved == 1
    cells = _row(page())
    assert cells.count('<td class="num">1</td>') >= 2  # answered and approved
    # A deadline set by an admin.
    assert "31/01/2020" not in page()
    OfficeDeadline.objects.create(evaluation=evaluation_2026, due_date=dt.date(2020, 1, 31))
    html = page()
    assert "31/01/2020" in html and "table-warning" in html


@pytest.mark.django_db(transaction=True)
def test_an_approved_answer_saved_outside_a_transaction_also_loses_its_approval(operator_user, staff_user,
                                                                                dinkes_question):
    """A script's plain save (autocommit, no atomic block) must neither fail (PostgreSQL refuses FOR UPDATE
    there) nor leave the answer approved."""
    review = services.operator_answer_save(
        operator=operator_user.operator, question_score=dinkes_question, version=dinkes_question.version,
        score=D("1"), evidence="", fields=frozenset({"score"}), user=operator_user)
    _approve(dinkes_question, staff_user)
    assert AnswerReview.objects.get(pk=review.pk).status == AnswerReview.Status.APPROVED
    score = QuestionScore.objects.get(pk=dinkes_question.pk)
    score.score = D("0.5")
    score.save(update_fields=["score"])
    assert AnswerReview.objects.get(pk=review.pk).status == AnswerReview.Status.CHANGED


# The printable report carries the same per-office numbers as the progress page, and follows each step.

def _cells(html, office="Dinas Kesehatan"):
    import re

    return re.findall(r'<td class="num">([^<]*)</td>', _row(html, office))


def test_the_printable_report_shows_each_office_s_progress_and_follows_each_step(
        client, operator_user, staff_user, task_force_user, evaluation_2026, dinkes_question):
    url = reverse("dashboard:evaluation-report", args=[2026])

    def report():
        client.force_login(task_force_user)
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    html = report()
    # Before any answer: the report has no scores to show, but who is behind is what the task force needs.
    assert 'id="report-empty"' in html
    assert 'id="report-offices"' in html and "chart-offices" in html
    assigned = len(selectors.office_question_scores(evaluation_2026, operator_user.operator.office))
    before = _cells(html)
    assert before[:5] == [str(assigned), "0", "0", "0", "0"]
    assert before == _cells(client.get(reverse("offices:progress", args=[2026])).content.decode())
    client.force_login(operator_user)
    assert _answer(client, dinkes_question, "1").status_code == 302
    assert _cells(report())[:5] == [str(assigned), "1", "0", "0", "0"]
    review = AnswerReview.objects.get(question_score=dinkes_question)
    services.answer_review(question_score=dinkes_question, approve=False, note="Lengkapi", version=review.version,
                           user=staff_user)
    assert _cells(report())[:5] == [str(assigned), "1", "0", "0", "1"]
    client.force_login(operator_user)
    assert _answer(client, dinkes_question, "1", "Perwal").status_code == 302
    _approve(dinkes_question, staff_user)
    after = _cells(report())
    assert after[:5] == [str(assigned), "1", "0", "1", "0"]
    assert after == _cells(client.get(reverse("offices:progress", args=[2026])).content.decode())
