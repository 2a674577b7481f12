"""The "office finished" mail whoever gives an office's last answer (an operator, DPMPPA staff on the question
entry page, a spreadsheet import), once per office and evaluation and only after the commit; an import over
approved answers takes the approval away only where it changed something."""

from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from clusters.models import QuestionScore
from clusters.services import ScoreChange, question_scores_update
from offices import selectors, services
from offices.models import AnswerReview, DataSource, OfficeFinishedNotice
from planner.models import Office
from tests.html_forms import form_data
from tests.offices.conftest import staff_edit

pytestmark = pytest.mark.django_db

HEADER = ("No.", "No. pertanyaan", "Penilaian mandiri", "Catatan bukti dukung")
STAFF_MAIL = "staf@example.go.id"


@pytest.fixture
def pan_office(evaluation_2026, staff_user):
    """Sekretariat PAN answers one question alone (data source PAN); DPMPPA's staff has an address."""
    staff_user.email = STAFF_MAIL
    staff_user.save()
    office = Office.objects.create(name="Sekretariat PAN")
    DataSource.objects.filter(name="PAN").update(office=office)
    only = selectors.office_question_scores(evaluation_2026, office)
    assert len(only) == 1
    return office, only[0]


def _finished_mails():
    return [message for message in mail.outbox if message.to == [STAFF_MAIL]]


def _csv(rows):
    return ("\r\n".join(";".join(cells) for cells in [HEADER, *rows]) + "\r\n").encode("utf-8")


def _import(client, rows):
    """Uploads a CSV of question rows and confirms its preview; returns the confirm's response."""
    preview = client.post(reverse("clusters:score-import", args=[2026]),
                          {"file": SimpleUploadedFile("nilai.csv", _csv(rows))})
    assert preview.status_code == 200 and preview.context["preview"].problem_rows == []
    return client.post(reverse("clusters:score-import-confirm", args=[2026]), {"token": preview.context["token"]})


def _row(score: QuestionScore, value: str, note: str = ""):
    return [score.self_assessment.indicator.code, score.question.code, value, note]


def test_staff_answering_an_office_s_last_question_tells_dpmppa_once_after_the_commit(
        client, staff_user, pan_office, django_capture_on_commit_callbacks):
    office, score = pan_office
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert staff_edit(client, score, score="0").status_code == 302
    assert mail.outbox == []  # nothing before the commit
    assert OfficeFinishedNotice.objects.filter(office=office).count() == 1
    for callback in callbacks:
        callback()
    assert len(_finished_mails()) == 1
    assert "Sekretariat PAN" in _finished_mails()[0].subject and "2026" in _finished_mails()[0].subject
    # Changed again by staff, and its note alone: DPMPPA was told already.
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_edit(client, score, score="1", evidence="SK PAN").status_code == 302
    assert QuestionScore.objects.get(pk=score.pk).score == D("1")
    assert len(_finished_mails()) == 1
    assert OfficeFinishedNotice.objects.filter(office=office).count() == 1


def test_an_office_with_questions_left_is_not_announced_when_staff_answer_one(
        client, staff_user, operator_user, evaluation_2026, django_capture_on_commit_callbacks):
    staff_user.email = STAFF_MAIL
    staff_user.save()
    dinkes = operator_user.operator.office
    first = selectors.office_question_scores(evaluation_2026, dinkes)[0]
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_edit(client, first, score="0").status_code == 302
    assert _finished_mails() == []
    assert not OfficeFinishedNotice.objects.filter(office=dinkes).exists()


def test_an_import_giving_an_office_s_last_answer_tells_dpmppa_once(
        client, staff_user, pan_office, django_capture_on_commit_callbacks):
    office, score = pan_office
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert _import(client, [_row(score, "0", "Laporan PAN")]).status_code == 302
    assert QuestionScore.objects.get(pk=score.pk).score == D("0")
    assert len(_finished_mails()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert _import(client, [_row(score, "1")]).status_code == 302  # a second file changes the answer
    assert QuestionScore.objects.get(pk=score.pk).score == D("1")
    assert len(_finished_mails()) == 1
    assert OfficeFinishedNotice.objects.filter(office=office).count() == 1


def test_an_office_that_finished_by_its_operator_is_not_told_again_by_staff_or_an_import(
        client, staff_user, pan_office, django_capture_on_commit_callbacks):
    office, score = pan_office
    user = get_user_model().objects.create_user(username="operator-pan", password="test-password-123")
    services.operator_assign(user=user, office=office)
    with django_capture_on_commit_callbacks(execute=True):
        services.operator_answer_save(operator=user.operator, question_score=score, version=score.version,
                                      score=D("0"), evidence="", fields=frozenset({"score"}), user=user)
    assert len(_finished_mails()) == 1
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_edit(client, score, score="1").status_code == 302
        assert _import(client, [_row(score, "0,5")]).status_code == 302
    assert len(_finished_mails()) == 1


def test_a_last_answer_rolled_back_records_and_sends_nothing(pan_office, django_capture_on_commit_callbacks):
    office, score = pan_office
    change = ScoreChange(pk=score.pk, version=score.version, score=D("0"), evidence="", fields=frozenset({"score"}))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            question_scores_update(self_assessment=score.self_assessment, changes=[change])
            raise RuntimeError("a later step of the same save failed")
    assert callbacks == [] and mail.outbox == []
    assert not OfficeFinishedNotice.objects.filter(office=office).exists()
    assert QuestionScore.objects.get(pk=score.pk).score is None


def test_an_import_changing_an_approved_answer_sends_it_back_to_review_and_leaves_the_others_approved(
        client, staff_user, operator_user, evaluation_2026):
    dinkes = operator_user.operator.office
    changed, unchanged, note_only = selectors.office_question_scores(evaluation_2026, dinkes)[:3]
    for score in (changed, unchanged, note_only):
        score.refresh_from_db()
        services.operator_answer_save(operator=operator_user.operator, question_score=score, version=score.version,
                                      score=D("0"), evidence="Data Dinkes", fields=frozenset({"score", "evidence"}),
                                      user=operator_user)
        review = AnswerReview.objects.get(question_score=score)
        services.answer_review(question_score=score, approve=True, note="", version=review.version, user=staff_user)
    client.force_login(staff_user)
    response = _import(client, [_row(changed, "0,5", "Data Dinkes"), _row(unchanged, "0", "Data Dinkes"),
                                _row(note_only, "0", "Data Dinkes 2025")])
    assert response.status_code == 302
    statuses = dict(AnswerReview.objects.filter(question_score__in=[changed, unchanged, note_only])
                    .values_list("question_score_id", "status"))
    assert statuses == {changed.pk: AnswerReview.Status.CHANGED, unchanged.pk: AnswerReview.Status.APPROVED,
                        note_only.pk: AnswerReview.Status.CHANGED}
    assert QuestionScore.objects.get(pk=changed.pk).score == D("0.5")
    history = list(AnswerReview.objects.get(question_score=changed).history.order_by("history_date", "history_id"))
    assert [record.status for record in history] == ["answered", "approved", "changed"]
    assert history[-1].history_user == staff_user
    # The progress page no longer counts it approved.
    tally = next(t for t in selectors.progress(evaluation_2026).offices if t.office == dinkes)
    assert tally.approved == 1


def test_an_operator_s_answer_to_a_shared_question_announces_the_other_office_it_finishes(
        client, staff_user, operator_user, evaluation_2026, dinkes_question, django_capture_on_commit_callbacks):
    """A question shared by several offices is answered once, by any of them: the last open question of
    another office, answered by Dinas Kesehatan, finishes that office too."""
    staff_user.email = STAFF_MAIL
    staff_user.save()
    jdih = Office.objects.create(name="Kantor JDIH")
    DataSource.objects.filter(name="JDIH").update(office=jdih)
    others = [score for score in selectors.office_question_scores(evaluation_2026, jdih) if score != dinkes_question]
    for score in others:  # staff answer the rest first
        score.refresh_from_db()
        question_scores_update(self_assessment=score.self_assessment, changes=[ScoreChange(
            pk=score.pk, version=score.version, score=D("0"), evidence="", fields=frozenset({"score"}))])
    assert not OfficeFinishedNotice.objects.filter(office=jdih).exists()
    mail.outbox.clear()
    client.force_login(operator_user)
    url = reverse("offices:answer", args=[2026, dinkes_question.pk])
    data = form_data(client.get(url), "data-answer-form")
    data.update({"score": "1", "evidence": ""})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert [message.subject for message in _finished_mails()] == [
        "KLA 2026: Kantor JDIH telah menjawab semua pertanyaannya"]
    assert OfficeFinishedNotice.objects.filter(office=jdih).count() == 1


def test_with_no_staff_address_the_notice_is_kept_for_when_there_is_one(
        client, staff_user, pan_office, django_capture_on_commit_callbacks):
    """Nobody could read it: nothing is recorded, and the next save of the office's answer tells DPMPPA once
    someone has an address (the demo accounts have none; the notice used to be used up unread)."""
    office, score = pan_office
    staff_user.email = ""
    staff_user.save()
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_edit(client, score, score="0").status_code == 302
    assert mail.outbox == [] and not OfficeFinishedNotice.objects.filter(office=office).exists()
    staff_user.email = STAFF_MAIL
    staff_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_edit(client, score, score="1").status_code == 302
    assert len(_finished_mails()) == 1
    assert OfficeFinishedNotice.objects.filter(office=office).count() == 1
