"""The evidence pages as staff and the task force use them: upload, refuse, download, version, remove,
completeness and the ministry's ZIP."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from clusters.models import Evaluation, SelfAssessment
from clusters.services import evaluation_create
from evidence import filetypes, services
from evidence.models import EvidenceDocument, EvidenceFile
from tests.evidence import files

pytestmark = pytest.mark.django_db


def _row(year=2026, code="1"):
    return SelfAssessment.objects.get(evaluation__year=year, indicator__code=code)


def _first_question(row):
    return row.question_scores.select_related("question").order_by("question__order").first()


def _page(year=2026, code="1"):
    return reverse("evidence:indicator-evidence", args=[year, code])


def _add(row, question, user, content=None, name="perwal.pdf", kind=filetypes.PDF):
    [document] = services.evidence_add(self_assessment=row, question_score=question, user=user, uploads=[
        services.Upload(ContentFile(content or files.pdf()), name, kind)])
    return document


def _stored(media_root):
    return sorted(path.name for path in media_root.rglob("*") if path.is_file())


def test_staff_upload_a_pdf_to_a_question_and_see_it_listed(client, staff_user, evaluation_2026, media_root):
    client.force_login(staff_user)
    question = _first_question(_row())
    response = client.post(_page(), {"answer": question.pk, "title": "Perwal No. 5 Tahun 2024",
                                     "files": files.upload("perwal.pdf", files.pdf())})
    assert response.status_code == 302 and response.url.endswith(f"#q-{question.question.code}")
    document = EvidenceDocument.objects.get()
    assert (document.question_score, document.title, document.created_by) == (question, "Perwal No. 5 Tahun 2024",
                                                                               staff_user)
    page = client.get(_page()).content.decode()
    assert "Perwal No. 5 Tahun 2024" in page and "1 dokumen" in page
    assert len(_stored(media_root)) == 1


def test_several_files_at_once_become_several_documents_titled_by_their_names(client, staff_user, evaluation_2026):
    client.force_login(staff_user)
    question = _first_question(_row())
    response = client.post(_page(), {"answer": question.pk, "title": "",
                                     "files": [files.upload("sk-gugus.pdf", files.pdf()),
                                               files.upload("foto kegiatan.jpg", files.image("JPEG"))]})
    assert response.status_code == 302
    assert sorted(EvidenceDocument.objects.values_list("title", flat=True)) == ["foto kegiatan", "sk-gugus"]
    assert sorted(EvidenceFile.objects.values_list("kind", flat=True)) == ["jpeg", "pdf"]


@pytest.mark.parametrize("name, content", [
    ("laporan.pdf", files.HTML),
    ("gambar.png", files.SVG),
    ("skrip.docx", files.SCRIPT),
    ("arsip.xlsx", files.plain_zip()),
])
def test_a_web_page_svg_script_or_archive_is_refused_beside_the_field_and_nothing_is_stored(
        client, staff_user, evaluation_2026, media_root, name, content):
    client.force_login(staff_user)
    question = _first_question(_row())
    response = client.post(_page(), {"answer": question.pk, "files": files.upload(name, content, "application/pdf")})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{name}: Berkas ini bukan PDF, JPEG, PNG, XLSX, atau DOCX" in page
    assert "is-invalid" in page and 'id="failed-upload"' in page
    assert EvidenceDocument.objects.count() == 0 and _stored(media_root) == []


def test_a_file_above_the_limit_is_refused_with_the_limit_named(client, staff_user, evaluation_2026, settings,
                                                                media_root):
    settings.EVIDENCE_MAX_FILE_BYTES = 100
    client.force_login(staff_user)
    question = _first_question(_row())
    response = client.post(_page(), {"answer": question.pk, "files": files.upload("besar.pdf", files.pdf("x" * 200))})
    assert "besar.pdf lebih besar dari 100" in response.content.decode()
    assert EvidenceDocument.objects.count() == 0 and _stored(media_root) == []


def test_an_answer_of_another_indicator_is_a_bad_request(client, staff_user, evaluation_2026):
    client.force_login(staff_user)
    other = _first_question(_row(code="2"))
    response = client.post(_page(), {"answer": other.pk, "files": files.upload("a.pdf", files.pdf())})
    assert response.status_code == 400
    assert EvidenceDocument.objects.count() == 0


def test_evidence_is_read_only_outside_the_self_assessment(client, staff_user, evaluation_2026, media_root):
    client.force_login(staff_user)
    row = _row()
    question = _first_question(row)
    _add(row, question, staff_user)
    Evaluation.objects.filter(year=2026).update(stage=Evaluation.Stage.MINISTRY_REVIEW)
    page = client.get(_page()).content.decode()
    assert 'id="stage-notice"' in page and 'name="files"' not in page and "perwal" in page
    response = client.post(_page(), {"answer": question.pk, "files": files.upload("b.pdf", files.pdf())})
    assert response.status_code == 409
    assert EvidenceDocument.objects.count() == 1 and len(_stored(media_root)) == 1


def test_the_task_force_sees_and_downloads_but_has_no_upload_form(client, task_force_user, staff_user,
                                                                  evaluation_2026):
    row = _row()
    document = _add(row, _first_question(row), staff_user)
    client.force_login(task_force_user)
    page = client.get(_page()).content.decode()
    assert "perwal" in page and 'name="files"' not in page
    response = client.get(reverse("evidence:file", args=[2026, document.files.get().pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == files.pdf()


def test_a_pdf_is_sent_inline_an_xlsx_as_attachment_and_neither_is_sniffed(client, staff_user, evaluation_2026):
    row = _row()
    question = _first_question(row)
    pdf = _add(row, question, staff_user).files.get()
    sheet = _add(row, question, staff_user, files.xlsx(), "rekap.xlsx", filetypes.XLSX).files.get()
    client.force_login(staff_user)
    response = client.get(reverse("evidence:file", args=[2026, pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    response = client.get(reverse("evidence:file", args=[2026, sheet.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="rekap.xlsx"')
    assert "sandbox" in response["Content-Security-Policy"]
    response = client.get(reverse("evidence:file", args=[2026, pdf.pk]) + "?unduh=1")
    assert response["Content-Disposition"].startswith("attachment")


def test_a_file_of_another_evaluation_or_a_guessed_path_is_refused(client, staff_user, evaluation_2026,
                                                                   instrument_2024):
    evaluation_create(year=2027, instrument=instrument_2024)
    row = _row(2027)
    version = _add(row, _first_question(row), staff_user).files.get()
    client.force_login(staff_user)
    assert client.get(reverse("evidence:file", args=[2026, version.pk])).status_code == 404
    assert client.get(reverse("evidence:document", args=[2026, version.document_id])).status_code == 404
    assert client.get(reverse("evidence:file", args=[2027, version.pk])).status_code == 200
    assert client.get("/" + version.file.name).status_code == 404
    assert client.get("/media/" + version.file.name).status_code == 404


def test_a_new_version_and_a_removal_keep_the_history(client, staff_user, evaluation_2026, media_root):
    row = _row()
    question = _first_question(row)
    document = _add(row, question, staff_user)
    client.force_login(staff_user)
    url = reverse("evidence:document", args=[2026, document.pk])
    response = client.post(url, {"action": "version", "version": "1",
                                 "file": files.upload("perwal-revisi.pdf", files.pdf("revisi"))})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Versi 2" in page and "Versi 1" in page and 'id="evidence-preview"' in page
    # A second tab still showing version 1 of the document is refused, nothing stored.
    stale = client.post(url, {"action": "version", "version": "1", "file": files.upload("lama.pdf", files.pdf())})
    assert stale.status_code == 409 and document.files.count() == 2
    remove = reverse("evidence:document-remove", args=[2026, document.pk])
    assert "Hapus dari jawaban" in client.get(remove).content.decode()
    response = client.post(remove, {"version": "2"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.is_removed and document.files.count() == 2 and len(_stored(media_root)) == 2
    page = client.get(_page()).content.decode()
    assert "1 dokumen dihapus (disimpan dalam riwayat)" in page
    assert "belum ada bukti" in page


def test_the_overview_counts_answers_with_evidence_per_group_indicator_and_agency(client, task_force_user,
                                                                                  staff_user, evaluation_2026):
    row = _row()
    questions = list(row.question_scores.select_related("question").order_by("question__order")[:2])
    for question in questions:
        _add(row, question, staff_user)
    _add(row, questions[0], staff_user)  # two documents on one question: still one answer
    removed = _add(_row(code="2"), _first_question(_row(code="2")), staff_user)
    services.evidence_remove(document=removed, version=1, user=staff_user)
    client.force_login(task_force_user)
    response = client.get(reverse("evidence:overview", args=[2026]))
    completeness = response.context["completeness"]
    assert (completeness.total, completeness.with_evidence) == (274, 2)
    indicator_1 = next(t for t in completeness.indicators if t.key == "1")
    assert (indicator_1.total, indicator_1.with_evidence) == (63, 2)
    assert next(t for t in completeness.indicators if t.key == "2").with_evidence == 0
    agency = questions[0].question.sources[0]
    tally = next(t for t in completeness.agencies if t.key == agency)
    assert tally.with_evidence >= 1
    assert "2</span> dari 274 jawaban memiliki bukti" in response.content.decode()
    missing = client.get(reverse("evidence:missing", args=[2026]))
    assert len(missing.context["completeness"].missing) == 272
    assert questions[0].question.text not in missing.content.decode()


def test_the_2019_framework_counts_indicators(client, task_force_user, demo):
    client.force_login(task_force_user)
    completeness = client.get(reverse("evidence:overview", args=[2019])).context["completeness"]
    assert (completeness.total, completeness.with_evidence, completeness.by_questions) == (24, 0, False)
    assert completeness.agencies == []


def test_the_indicator_pages_queries_do_not_grow_with_the_documents(client, staff_user, evaluation_2026,
                                                                    django_assert_max_num_queries):
    row = _row()
    question = _first_question(row)
    _add(row, question, staff_user)
    client.force_login(staff_user)
    client.get(_page())
    with django_assert_max_num_queries(16) as few:
        client.get(_page())
    for question in row.question_scores.order_by("question__order")[:10]:
        _add(row, question, staff_user, files.image("PNG"), "foto.png", filetypes.PNG)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_page()).status_code == 200


def _zip(client, year=2026):
    response = client.get(reverse("evidence:zip", args=[year]))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == f'attachment; filename="bukti-kla-{year}.zip"'
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_ministry_zip_holds_the_current_files_in_folders_with_an_index(client, task_force_user, staff_user,
                                                                          evaluation_2026):
    row = _row()
    question = _first_question(row)
    kept = _add(row, question, staff_user, name="perwal.pdf")
    services.evidence_version_add(document=kept, version=1, user=staff_user, upload=services.Upload(
        ContentFile(files.pdf("revisi")), "perwal-revisi.pdf", filetypes.PDF))
    removed = _add(row, question, staff_user, name="salah.pdf")
    services.evidence_remove(document=removed, version=1, user=staff_user)
    client.force_login(task_force_user)
    archive = _zip(client)
    names = archive.namelist()
    assert names[0] == "indeks.xlsx" and len(names) == 2
    path = names[1]
    assert path.startswith("00 KLB ") and f"/{question.question.code}/" in path and path.endswith("perwal-revisi.pdf")
    assert archive.read(path) == files.pdf("revisi")
    sheet = load_workbook(io.BytesIO(archive.read("indeks.xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Kelompok", "Indikator", "Pertanyaan", "Berkas dalam ZIP", "Judul")
    assert rows[1][3] == path and rows[1][6] == 2 and rows[1][7] == staff_user.username


def test_the_dashboard_shows_the_share_with_evidence_while_the_self_assessment_is_open(
        client, task_force_user, staff_user, evaluation_2026):
    client.force_login(task_force_user)
    assert "Bukti: 0 dari 274 jawaban sudah memiliki dokumen (0%)" in client.get("/").content.decode()
    row = _row()
    _add(row, _first_question(row), staff_user)  # the cached dashboard follows the upload
    page = client.get("/").content.decode()
    assert "Bukti: 1 dari 274 jawaban sudah memiliki dokumen (0,4%)" in page
    Evaluation.objects.filter(year=2026).update(stage=Evaluation.Stage.ADMIN_VERIFICATION)
    assert 'id="evidence-share-2026"' not in client.get("/").content.decode()


def test_the_score_pages_link_to_the_evidence(client, staff_user, evaluation_2026):
    client.force_login(staff_user)
    evidence_page = _page()
    assert f'href="{evidence_page}"' in client.get(
        reverse("clusters:question-scores-edit", args=[2026, "1"])).content.decode()
    assert reverse("evidence:overview", args=[2026]) in client.get(
        reverse("clusters:evaluation-detail", args=[2026])).content.decode()


def test_one_title_for_several_files_is_numbered(client, staff_user, evaluation_2026):
    client.force_login(staff_user)
    question = _first_question(_row())
    client.post(_page(), {"answer": question.pk, "title": "Dokumentasi rapat",
                          "files": [files.upload("a.png", files.image("PNG")),
                                    files.upload("b.png", files.image("PNG"))]})
    assert sorted(EvidenceDocument.objects.values_list("title", flat=True)) == ["Dokumentasi rapat (1)",
                                                                               "Dokumentasi rapat (2)"]


def test_the_documents_history_names_each_step(client, staff_user, evaluation_2026):
    row = _row()
    document = _add(row, _first_question(row), staff_user)
    services.evidence_version_add(document=document, version=1, user=staff_user, upload=services.Upload(
        ContentFile(files.pdf("v2")), "laporan_v2.pdf", filetypes.PDF))
    services.evidence_retitle(document=document, title="Perda KLA", version=2, user=staff_user)
    services.evidence_remove(document=document, version=3, user=staff_user)
    client.force_login(staff_user)
    response = client.get(reverse("evidence:document", args=[2026, document.pk]))
    assert [event.kind for event in response.context["history"]] == ["removed", "title", "version", "added"]
    page = response.content.decode()
    assert "versi 2 diunggah (laporan_v2.pdf)" in page and "judul diubah menjadi “Perda KLA”" in page


def test_the_list_to_print_filters_one_agency_and_links_each_question(client, task_force_user, evaluation_2026):
    client.force_login(task_force_user)
    url = reverse("evidence:missing", args=[2026])
    everything = client.get(url)
    agency = "Dinkes"
    assert agency in everything.context["agencies"]
    response = client.get(url, {"opd": agency})
    missing = response.context["missing"]
    assert 0 < len(missing) < 274 and all(agency in item.sources for item in missing)
    assert f'href="{_page(code=missing[0].indicator_code)}#q-{missing[0].question_code}"' in response.content.decode()
    assert len(client.get(url, {"opd": "<script>"}).context["missing"]) == 274  # unknown: the whole list
