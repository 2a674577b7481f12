"""Office accounts through their pages: an operator answers its own office's questions only, DPMPPA returns
and approves, the task force sees each office's progress change at each step."""

import re
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import Evaluation, QuestionScore, SelfAssessment
from evidence.models import EvidenceDocument
from offices import selectors
from offices.models import AnswerReview, DataSource, OfficeDeadline
from planner.models import Office
from tests.evidence import files
from tests.html_forms import form_data
from tests.offices.conftest import question

pytestmark = pytest.mark.django_db


def _answer_url(score):
    return reverse("offices:answer", args=[score.self_assessment.evaluation.year, score.pk])


def _review_url(score):
    return reverse("offices:review", args=[score.self_assessment.evaluation.year, score.pk])


def _answer(client, score, value, note=""):
    data = form_data(client.get(_answer_url(score)), "data-answer-form")
    data.update({"score": value, "evidence": note})
    return client.post(_answer_url(score), data)


def _review(client, score, action, note=""):
    data = form_data(client.get(_review_url(score)), "data-review-form")
    data.update({"action": action, "note": note})
    return client.post(_review_url(score), data)


def _tally(evaluation, name="Dinas Kesehatan"):
    return next(t for t in selectors.progress(evaluation).offices if t.office.name == name)


def test_the_operator_lands_on_its_own_questions_and_sees_only_them(client, operator_user, evaluation_2026,
                                                                    dinkes_question, disdukcapil_question):
    client.force_login(operator_user)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302 and response.url == reverse("offices:my-questions")
    html = client.get(reverse("offices:my-questions")).content.decode()
    assert _answer_url(dinkes_question) in html
    assert _answer_url(disdukcapil_question) not in html
    scores = selectors.office_question_scores(evaluation_2026, Office.objects.get(name="Dinas Kesehatan"))
    assert len(scores) == 94  # every question of the 2024 instrument naming Dinkes among its data sources
    assert all("Dinkes" in score.question.sources for score in scores)
    # The navigation offers its questions, not the pages it may not read.
    assert reverse("clusters:evaluation-list") not in html and reverse("offices:my-questions") in html


def test_an_operator_of_dinkes_cannot_read_or_change_a_disdukcapil_question_in_any_way(
        client, operator_user, evaluation_2026, disdukcapil_question, staff_user):
    other = disdukcapil_question
    # A document on the other office's question, uploaded by DPMPPA staff.
    client.force_login(staff_user)
    client.post(reverse("evidence:indicator-evidence", args=[2026, "4"]), {
        "answer": str(other.pk), "title": "Akta", "files": SimpleUploadedFile("akta.pdf", files.pdf())})
    document = EvidenceDocument.objects.get(question_score=other)
    version = document.files.get()
    client.force_login(operator_user)
    before = (list(QuestionScore.objects.values_list("pk", "score", "evidence", "version")),
              EvidenceDocument.objects.count(), AnswerReview.objects.count())
    # Its own pages: not found.
    assert client.get(_answer_url(other)).status_code == 404
    assert client.post(_answer_url(other), {"action": "answer", "score": "1", "evidence": "x", "version": "1",
                                            "seen_score": "", "seen_evidence": ""}).status_code == 404
    assert client.post(_answer_url(other), {"action": "evidence", "title": "",
                                            "files": SimpleUploadedFile("a.pdf", files.pdf())}).status_code == 404
    assert client.get(reverse("offices:file", args=[2026, version.pk])).status_code == 404
    # Every other page of the evaluation, its export and import, the evidence and its files: refused.
    for url in (reverse("clusters:question-scores-edit", args=[2026, "4"]),
                reverse("clusters:evaluation-detail", args=[2026]),
                reverse("clusters:evaluation-export", args=[2026, "xlsx"]),
                reverse("clusters:score-import", args=[2026]),
                reverse("evidence:indicator-evidence", args=[2026, "4"]),
                reverse("evidence:document", args=[2026, document.pk]),
                reverse("evidence:file", args=[2026, version.pk]),
                reverse("evidence:zip", args=[2026]),
                reverse("offices:review", args=[2026, other.pk]),
                reverse("offices:review-list", args=[2026])):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("clusters:question-scores-edit", args=[2026, "4"]), {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(other.pk), "form-0-version": "1",
        "form-0-score": "1", "form-0-evidence": "", "form-0-seen_score": "", "form-0-seen_evidence": ""},
    ).status_code == 403
    assert client.post(reverse("clusters:score-import", args=[2026]), {
        "file": SimpleUploadedFile("nilai.csv", b"No.;Penilaian mandiri\n4.1;1\n")}).status_code == 403
    assert client.post(_review_url(other), {"action": "approve", "note": "", "version": "0"}).status_code == 403
    after = (list(QuestionScore.objects.values_list("pk", "score", "evidence", "version")),
             EvidenceDocument.objects.count(), AnswerReview.objects.count())
    assert after == before


def test_the_done_when_journey_answer_return_approve_fix_with_progress_at_each_step(
        client, operator_user, staff_user, task_force_user, evaluation_2026, django_capture_on_commit_callbacks):
    first, second = question(evaluation_2026, "1", "2l"), question(evaluation_2026, "1", "2m")
    progress_url = reverse("offices:progress", args=[2026])
    start = _tally(evaluation_2026)
    assert (start.answered, start.approved, start.returned, start.with_evidence) == (0, 0, 0, 0)

    # The operator answers two questions ("0,5": the Indonesian decimal comma) and attaches evidence.
    client.force_login(operator_user)
    assert _answer(client, first, "0,5", "Perwal 2025").status_code == 302
    assert _answer(client, second, "3", "").status_code == 302
    response = client.post(_answer_url(first), {"action": "evidence", "title": "Perwal",
                                                 "files": SimpleUploadedFile("perwal.pdf", files.pdf())})
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.score, first.evidence) == (D("0.5"), "Perwal 2025")
    # Written through clusters' save: the indicator's score is the sum of its questions, history says who.
    row = SelfAssessment.objects.get(pk=first.self_assessment_id)
    assert row.score == D("3.5")
    assert first.history.first().history_change_reason == "Dijawab oleh Dinas Kesehatan"
    step = _tally(evaluation_2026)
    assert (step.answered, step.with_evidence, step.approved, step.returned) == (2, 1, 0, 0)
    assert step.points_at_stake == start.points_at_stake - D("1") - D("3")

    # The task force sees the same numbers on the page.
    client.force_login(task_force_user)
    html = client.get(progress_url).content.decode()
    assert "Dinas Kesehatan" in html and "chart-offices" in html

    # Staff return one with a note (a return without a note is refused) and approve the other.
    client.force_login(staff_user)
    assert _review(client, first, "return", "").status_code == 200
    assert AnswerReview.objects.get(question_score=first).status == AnswerReview.Status.ANSWERED
    with django_capture_on_commit_callbacks(execute=True):
        assert _review(client, first, "return", "Lampirkan Perwal yang sudah ditandatangani.").status_code == 302
    assert _review(client, second, "approve").status_code == 302
    step = _tally(evaluation_2026)
    assert (step.approved, step.returned) == (1, 1)
    assert [message.to for message in mail.outbox] == [["dinkes@example.go.id"]]
    assert "Lampirkan Perwal" in mail.outbox[0].body

    # The operator sees the returned answer with its note at the top; the approved one is locked.
    client.force_login(operator_user)
    html = client.get(reverse("offices:my-questions")).content.decode()
    assert html.index('id="returned"') < html.index('id="questions"')
    assert "Lampirkan Perwal yang sudah ditandatangani." in html
    locked = client.get(_answer_url(second)).content.decode()
    assert "data-answer-form" not in locked and "data-evidence-form" not in locked
    response = client.post(_answer_url(second), {"action": "answer", "score": "1", "evidence": "", "version": str(
        QuestionScore.objects.get(pk=second.pk).version), "seen_score": "3,00", "seen_evidence": ""})
    assert response.status_code == 409
    assert QuestionScore.objects.get(pk=second.pk).score == D("3")
    response = client.post(_answer_url(second), {"action": "evidence", "title": "",
                                                  "files": SimpleUploadedFile("a.pdf", files.pdf())})
    assert response.status_code == 409
    assert not EvidenceDocument.objects.filter(question_score=second).exists()

    # The operator fixes the returned one: answered again, the note stays in the history.
    assert _answer(client, first, "1", "Perwal 2025 (ditandatangani)").status_code == 302
    review = AnswerReview.objects.get(question_score=first)
    assert (review.status, review.answered_by_office.name) == (AnswerReview.Status.ANSWERED, "Dinas Kesehatan")
    assert [record.status for record in review.history.order_by("history_date", "history_id")] == [
        "answered", "returned", "answered"]
    step = _tally(evaluation_2026)
    assert (step.answered, step.approved, step.returned) == (2, 1, 0)

    # Staff still answer any question themselves on the evaluation's own pages.
    client.force_login(staff_user)
    assert client.get(reverse("clusters:question-scores-edit", args=[2026, "4"])).status_code == 200


def test_a_question_shared_by_two_offices_is_answered_once_and_shows_who_answered(
        client, operator_user, evaluation_2026, dinkes_question):
    from django.contrib.auth import get_user_model

    from offices.services import operator_assign

    hukum = get_user_model().objects.create_user(username="operator-hukum", password="test-password-123")
    operator_assign(user=hukum, office=Office.objects.get(name="Bagian Hukum"))
    client.force_login(operator_user)
    assert _answer(client, dinkes_question, "1").status_code == 302
    client.force_login(hukum)
    html = client.get(_answer_url(dinkes_question)).content.decode()
    assert "dijawab oleh Dinas Kesehatan" in html
    assert ">dijawab</span>" not in html  # "answered" said once, by the office's name
    assert 'value="1,00"' in html  # the other office's answer, to correct if need be


def test_a_score_above_the_maximum_or_not_a_number_is_refused_beside_the_field(client, operator_user,
                                                                              dinkes_question):
    client.force_login(operator_user)
    for value in ("1,5", "1.000", "satu", "-1"):
        response = _answer(client, dinkes_question, value)
        assert response.status_code == 200 and "is-invalid" in response.content.decode(), value
    assert QuestionScore.objects.get(pk=dinkes_question.pk).score is None


def test_a_stale_answer_page_is_a_conflict_and_keeps_the_other_save(client, operator_user, dinkes_question):
    client.force_login(operator_user)
    data = form_data(client.get(_answer_url(dinkes_question)), "data-answer-form")
    assert _answer(client, dinkes_question, "1").status_code == 302
    data.update({"score": "0,25"})
    assert client.post(_answer_url(dinkes_question), data).status_code == 409
    assert QuestionScore.objects.get(pk=dinkes_question.pk).score == D("1")


def test_answers_are_refused_outside_the_self_assessment(client, operator_user, evaluation_2026, dinkes_question):
    client.force_login(operator_user)
    data = form_data(client.get(_answer_url(dinkes_question)), "data-answer-form")
    Evaluation.objects.filter(pk=evaluation_2026.pk).update(stage=Evaluation.Stage.ADMIN_VERIFICATION)
    data.update({"score": "1"})
    assert client.post(_answer_url(dinkes_question), data).status_code == 409
    assert QuestionScore.objects.get(pk=dinkes_question.pk).score is None
    assert "data-answer-form" not in client.get(_answer_url(dinkes_question)).content.decode()


def test_a_tampered_hidden_version_is_a_bad_request(client, operator_user, dinkes_question):
    client.force_login(operator_user)
    data = form_data(client.get(_answer_url(dinkes_question)), "data-answer-form")
    data.update({"score": "1", "version": "satu"})
    assert client.post(_answer_url(dinkes_question), data).status_code == 400
    assert client.post(_answer_url(dinkes_question), {"action": "hapus"}).status_code == 400
    assert QuestionScore.objects.get(pk=dinkes_question.pk).score is None


def test_an_office_that_answers_everything_is_announced_to_dpmppa(client, evaluation_2026, staff_user,
                                                                  django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    from offices.services import operator_assign

    staff_user.email = "staf@example.go.id"
    staff_user.save()
    office = Office.objects.create(name="Sekretariat PAN")
    DataSource.objects.filter(name="PAN").update(office=office)
    only = selectors.office_question_scores(evaluation_2026, office)
    assert len(only) == 1
    user = get_user_model().objects.create_user(username="operator-pan", password="test-password-123")
    operator_assign(user=user, office=office)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        assert _answer(client, only[0], "0").status_code == 302
    assert [message.to for message in mail.outbox] == [["staf@example.go.id"]]
    assert "Sekretariat PAN" in mail.outbox[0].subject


def test_offices_behind_the_deadline_are_marked(client, task_force_user, evaluation_2026, operator_user):
    import datetime as dt

    OfficeDeadline.objects.create(evaluation=evaluation_2026, due_date=dt.date(2020, 1, 31))
    result = selectors.progress(evaluation_2026)
    assert result.past_deadline
    assert all(tally.behind == (tally.unanswered > 0) for tally in result.offices)
    client.force_login(task_force_user)
    html = client.get(reverse("offices:progress", args=[2026])).content.decode()
    assert "table-warning" in html and "31/01/2020" in html


def test_the_progress_page_needs_the_same_queries_whatever_the_number_of_answers(
        client, task_force_user, operator_user, evaluation_2026, django_assert_max_num_queries):
    client.force_login(task_force_user)
    url = reverse("offices:progress", args=[2026])
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    count = len(few.captured_queries)  # now: the connection's query log rotates during the answers below
    client.force_login(operator_user)
    for score in selectors.office_question_scores(evaluation_2026, Office.objects.get(name="Dinas Kesehatan"))[:20]:
        assert _answer(client, score, "0").status_code == 302
    client.force_login(task_force_user)
    client.get(url)  # the log-in changed the auth tables: permissions are read once more
    with django_assert_max_num_queries(count):
        client.get(url)


def test_an_admin_creates_an_operator_for_dinas_kesehatan_in_the_admin(client, admin_user_role, office_defaults):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core import roles

    user = get_user_model().objects.create_user(username="petugas-dinkes", password="test-password-123")
    client.force_login(admin_user_role)
    office = Office.objects.get(name="Dinas Kesehatan")
    response = client.post(reverse("admin:offices_operator_add"), {"user": str(user.pk), "office": str(office.pk)})
    assert response.status_code == 302
    assert user.operator.office == office
    assert user.groups.filter(pk=Group.objects.get(name=roles.OPERATOR).pk).exists()
    # The mapping is the admins' to edit.
    assert client.get(reverse("admin:offices_datasource_changelist")).status_code == 200


def test_the_question_page_links_the_offices_answers_once_for_those_who_review(
    client, staff_user, task_force_user, evaluation_2026
):
    """One link at the top of the page: a link in each question row came between a note and the next score
    in the Tab order (tests/browser/test_question_entry.py)."""
    url = reverse("clusters:question-scores-edit", args=[2026, "1"])
    review_list = reverse("offices:review-list", args=[2026])
    client.force_login(staff_user)
    html = client.get(url).content.decode()
    assert html.count(review_list) == 1
    assert re.search(re.escape(review_list) + r"\d+/", html) is None  # no review link per question
    can_review = task_force_user.has_perm("offices.view_answerreview")
    client.force_login(task_force_user)
    assert (review_list in client.get(url).content.decode()) is can_review  # the cached page keys on it
