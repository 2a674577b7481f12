"""Evidence documents per criterion status (a criterion of one kelurahan or kecamatan in one year)."""

import pytest
from django.urls import reverse

from dekela.models import CriterionEvidence
from kelurahan.models import Kelurahan
from tests.evidence import files

pytestmark = pytest.mark.django_db


def _page(kelurahan, criterion, year=2025):
    return reverse("dekela:evidence", kwargs={"year": year, "pk": kelurahan.pk, "criterion_pk": criterion.pk})


def _stored(media_root):
    return sorted(path.name for path in media_root.rglob("*") if path.is_file())


def test_staff_upload_a_document_that_is_listed_and_downloaded(client, staff_user, forum_anak, every_kelurahan,
                                                               media_root):
    client.force_login(staff_user)
    kelurahan = every_kelurahan[0]
    response = client.post(_page(kelurahan, forum_anak), {"title": "SK Forum Anak 2025",
                                                          "files": files.upload("sk.pdf", files.pdf("SK"))})
    assert response.status_code == 302
    document = CriterionEvidence.objects.get()
    assert (document.criterion, document.kelurahan, document.kecamatan, document.year, document.title,
            document.kind, document.uploaded_by) == (forum_anak, kelurahan, None, 2025, "SK Forum Anak 2025", "pdf",
                                                     staff_user)
    assert len(_stored(media_root)) == 1
    html = client.get(_page(kelurahan, forum_anak)).content.decode()
    download = reverse("dekela:evidence-file", kwargs={"year": 2025, "pk": document.pk})
    assert "SK Forum Anak 2025" in html and download in html
    sent = client.get(download)
    assert sent.status_code == 200
    assert b"".join(sent.streaming_content) == files.pdf("SK")
    assert sent["Content-Type"] == "application/pdf" and sent["X-Content-Type-Options"] == "nosniff"
    # The row's page links the documents with their count.
    row = client.get(reverse("dekela:row-edit", kwargs={"year": 2025, "pk": kelurahan.pk})).content.decode()
    assert f'href="{_page(kelurahan, forum_anak)}"' in row and "Dokumen bukti (1)" in row


def test_a_second_upload_keeps_the_first(client, staff_user, forum_anak, every_kelurahan):
    client.force_login(staff_user)
    kelurahan = every_kelurahan[0]
    for name in ("lama.pdf", "baru.pdf"):
        assert client.post(_page(kelurahan, forum_anak), {"files": files.upload(name, files.pdf(name))}
                           ).status_code == 302
    assert sorted(CriterionEvidence.objects.values_list("title", flat=True)) == ["baru", "lama"]
    html = client.get(_page(kelurahan, forum_anak)).content.decode()
    assert "lama.pdf" in html and "baru.pdf" in html


@pytest.mark.parametrize(("name", "content"), [
    ("laporan.pdf", files.HTML),  # a web page named .pdf (a fake PDF)
    ("skrip.docx", files.SCRIPT),
    ("arsip.xlsx", files.plain_zip()),
])
def test_a_file_of_another_kind_is_refused_in_indonesian_and_nothing_is_stored(
        client, staff_user, forum_anak, every_kelurahan, media_root, name, content):
    client.force_login(staff_user)
    response = client.post(_page(every_kelurahan[0], forum_anak),
                           {"files": files.upload(name, content, "application/pdf")})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{name}: Berkas ini bukan PDF, JPEG, PNG, XLSX, atau DOCX" in html
    assert "is-invalid" in html
    assert not CriterionEvidence.objects.exists() and _stored(media_root) == []


def test_a_file_above_the_limit_is_refused_with_the_limit_named(client, staff_user, forum_anak, every_kelurahan,
                                                                settings, media_root):
    settings.EVIDENCE_MAX_FILE_BYTES = 100
    client.force_login(staff_user)
    response = client.post(_page(every_kelurahan[0], forum_anak),
                           {"files": files.upload("besar.pdf", files.pdf("x" * 200))})
    assert "besar.pdf lebih besar dari 100" in response.content.decode()
    assert not CriterionEvidence.objects.exists() and _stored(media_root) == []


def test_the_task_force_reads_and_downloads_but_does_not_upload(client, staff_user, task_force_user, forum_anak,
                                                                 every_kelurahan, media_root):
    kelurahan = every_kelurahan[0]
    client.force_login(staff_user)
    client.post(_page(kelurahan, forum_anak), {"files": files.upload("sk.pdf", files.pdf())})
    document = CriterionEvidence.objects.get()
    client.force_login(task_force_user)
    page = client.get(_page(kelurahan, forum_anak))
    assert page.status_code == 200
    assert "sk.pdf" in page.content.decode() and 'type="file"' not in page.content.decode()
    assert client.get(reverse("dekela:evidence-file", kwargs={"year": 2025, "pk": document.pk})).status_code == 200
    assert client.post(_page(kelurahan, forum_anak), {"files": files.upload("b.pdf", files.pdf())}).status_code == 403
    assert CriterionEvidence.objects.count() == 1 and len(_stored(media_root)) == 1


def test_anonymous_is_sent_to_login(client, forum_anak, every_kelurahan):
    response = client.get(_page(every_kelurahan[0], forum_anak))
    assert response.status_code == 302 and "login" in response.url


def test_a_deactivated_kelurahan_takes_no_document(client, staff_user, forum_anak, every_kelurahan, media_root):
    kelurahan = every_kelurahan[0]
    Kelurahan.objects.filter(pk=kelurahan.pk).update(is_active=False)
    client.force_login(staff_user)
    response = client.post(_page(kelurahan, forum_anak), {"files": files.upload("sk.pdf", files.pdf())})
    assert response.status_code == 409
    assert "tidak aktif" in response.content.decode()
    assert not CriterionEvidence.objects.exists() and _stored(media_root) == []


def test_a_criterion_of_the_other_scope_is_not_found(client, staff_user, every_kelurahan, reference_data):
    from dekela.models import Criterion

    client.force_login(staff_user)
    kecamatan_criterion = Criterion.objects.get(code="KEC-FORUM-ANAK")
    assert client.get(_page(every_kelurahan[0], kecamatan_criterion)).status_code == 404


def test_a_file_of_another_year_is_not_found(client, staff_user, forum_anak, every_kelurahan):
    client.force_login(staff_user)
    client.post(_page(every_kelurahan[0], forum_anak), {"files": files.upload("sk.pdf", files.pdf())})
    document = CriterionEvidence.objects.get()
    assert client.get(reverse("dekela:evidence-file", kwargs={"year": 2024, "pk": document.pk})).status_code == 404
