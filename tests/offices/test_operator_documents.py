"""An operator retitles, replaces (a new version) and removes the documents of its own office's questions,
through the evidence app's services, during the self-assessment and until DPMPPA approves the answer;
history is kept. Another office's document is not found, whatever the URL."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import Evaluation
from evidence.models import EvidenceDocument, EvidenceFile
from offices import services
from offices.models import AnswerReview
from tests.evidence import files
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


def _upload(client, score, title="Perwal"):
    response = client.post(reverse("offices:answer", args=[2026, score.pk]), {
        "action": "evidence", "title": title, "files": SimpleUploadedFile("perwal.pdf", files.pdf())})
    assert response.status_code == 302
    return EvidenceDocument.objects.filter(question_score=score).latest("pk")


def _document_url(document):
    return reverse("offices:document", args=[2026, document.pk])


def _post(client, document, marker, **changes):
    data = form_data(client.get(_document_url(document)), marker)
    data.update(changes)
    return client.post(_document_url(document), data)


def test_the_operator_retitles_replaces_and_removes_its_document_and_history_keeps_everything(
        client, operator_user, dinkes_question):
    client.force_login(operator_user)
    document = _upload(client, dinkes_question)
    answer_page = client.get(reverse("offices:answer", args=[2026, dinkes_question.pk])).content.decode()
    assert _document_url(document) in answer_page

    response = _post(client, document, "data-title-form", title="Perwal No. 5 Tahun 2024")
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.title, document.version) == ("Perwal No. 5 Tahun 2024", 2)
    assert "Perwal No. 5 Tahun 2024" in client.get(_document_url(document)).content.decode()

    data = form_data(client.get(_document_url(document)), "data-version-form")
    data["file"] = SimpleUploadedFile("perwal-ttd.pdf", files.pdf())
    assert client.post(_document_url(document), data).status_code == 302
    assert list(document.files.order_by("number").values_list("number", "original_name")) == [
        (1, "perwal.pdf"), (2, "perwal-ttd.pdf")]
    page = client.get(_document_url(document)).content.decode()
    assert "Versi 2" in page and "Versi 1" in page

    response = _post(client, document, "data-remove-form")
    assert response.status_code == 302
    assert response.url == reverse("offices:answer", args=[2026, dinkes_question.pk])
    document.refresh_from_db()
    assert document.is_removed and document.removed_by == operator_user
    # Nothing is deleted: the document, both versions and every step stay in the history.
    assert EvidenceFile.objects.filter(document=document).count() == 2
    assert document.history.count() == 4  # added, retitled, new version, removed
    assert not EvidenceDocument.objects.current().filter(question_score=dinkes_question).exists()
    # The removed document is no longer the operator's to change.
    assert client.get(_document_url(document)).status_code == 404


def test_a_document_of_another_office_is_not_found_by_any_url(client, operator_user, staff_user,
                                                              disdukcapil_question):
    client.force_login(staff_user)
    client.post(reverse("evidence:indicator-evidence", args=[2026, "4"]), {
        "answer": str(disdukcapil_question.pk), "title": "Akta", "files": SimpleUploadedFile("akta.pdf", files.pdf())})
    document = EvidenceDocument.objects.get(question_score=disdukcapil_question)
    client.force_login(operator_user)
    url = _document_url(document)
    assert client.get(url).status_code == 404
    for data in ({"action": "title", "title": "Diganti", "version": "1"},
                 {"action": "remove", "version": "1"},
                 {"action": "version", "version": "1", "file": SimpleUploadedFile("x.pdf", files.pdf())}):
        assert client.post(url, data).status_code == 404
    document.refresh_from_db()
    assert (document.title, document.version, document.is_removed, document.files.count()) == ("Akta", 1, False, 1)
    # The service refuses it too, whatever calls it.
    with pytest.raises(services.NotYourQuestion):
        services.operator_document_retitle(operator=operator_user.operator, document=document, title="x",
                                           version=1, user=operator_user)
    # Staff still see the page; an anonymous visitor is sent to log in.
    client.logout()
    assert client.get(url).status_code == 302


def test_an_approved_answers_documents_are_locked_for_the_operator(client, operator_user, staff_user,
                                                                  dinkes_question):
    client.force_login(operator_user)
    document = _upload(client, dinkes_question)
    data = form_data(client.get(reverse("offices:answer", args=[2026, dinkes_question.pk])), "data-answer-form")
    data.update({"score": "1"})
    client.post(reverse("offices:answer", args=[2026, dinkes_question.pk]), data)
    review = AnswerReview.objects.get(question_score=dinkes_question)
    services.answer_review(question_score=dinkes_question, approve=True, note="", version=review.version,
                           user=staff_user)
    page = client.get(_document_url(document)).content.decode()
    assert "data-title-form" not in page and "data-remove-form" not in page and "data-version-form" not in page
    assert "DPMPPA telah menyetujui" in page
    for data in ({"action": "title", "title": "Diganti", "version": "1"}, {"action": "remove", "version": "1"}):
        assert client.post(_document_url(document), data).status_code == 409
    data = {"action": "version", "version": "1", "file": SimpleUploadedFile("baru.pdf", files.pdf())}
    assert client.post(_document_url(document), data).status_code == 409
    document.refresh_from_db()
    assert (document.title, document.version, document.is_removed, document.files.count()) == ("Perwal", 1, False, 1)
    assert dinkes_question.__class__.objects.get(pk=dinkes_question.pk).score == D("1")


def test_documents_are_refused_outside_the_self_assessment(client, operator_user, evaluation_2026, dinkes_question):
    client.force_login(operator_user)
    document = _upload(client, dinkes_question)
    data = form_data(client.get(_document_url(document)), "data-title-form")
    Evaluation.objects.filter(pk=evaluation_2026.pk).update(stage=Evaluation.Stage.ADMIN_VERIFICATION)
    data.update({"title": "Diganti"})
    assert client.post(_document_url(document), data).status_code == 409
    assert client.post(_document_url(document), {"action": "remove", "version": "1"}).status_code == 409
    document.refresh_from_db()
    assert (document.title, document.is_removed) == ("Perwal", False)
    assert "data-title-form" not in client.get(_document_url(document)).content.decode()


def test_a_stale_or_tampered_document_form_saves_nothing(client, operator_user, dinkes_question):
    client.force_login(operator_user)
    document = _upload(client, dinkes_question)
    stale = form_data(client.get(_document_url(document)), "data-remove-form")
    assert _post(client, document, "data-title-form", title="Baru").status_code == 302
    assert client.post(_document_url(document), stale).status_code == 409
    assert client.post(_document_url(document), {"action": "remove", "version": "satu"}).status_code == 400
    assert client.post(_document_url(document), {"action": "hapus-semua"}).status_code == 400
    empty = _post(client, document, "data-title-form", title="  ")
    assert empty.status_code == 200 and "is-invalid" in empty.content.decode()
    document.refresh_from_db()
    assert (document.title, document.is_removed) == ("Baru", False)
