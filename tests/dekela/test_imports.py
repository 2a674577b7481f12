import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dekela import imports
from dekela.models import CriterionStatus
from kelurahan.models import Kelurahan

pytestmark = pytest.mark.django_db


def _upload(client, content, year=2025):
    return client.post(reverse("dekela:matrix-import", kwargs={"year": year}),
                       {"file": SimpleUploadedFile("kriteria.csv", content)})


def test_the_exported_matrix_edited_imports_after_a_preview(client, staff_user, forum_anak, every_kelurahan):
    client.force_login(staff_user)
    CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[1], year=2025, status="met",
                                   note="SK 2024")
    exported = client.get(reverse("dekela:matrix-export", kwargs={"year": 2025, "fmt": "csv"})).content
    lines = exported.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    column = header.index("Forum Anak (26.4)")
    first = lines[1].split(";")
    first[column] = "met"  # English is read too
    second = lines[2].split(";")
    second[column] = "tidak terpenuhi"
    edited = "\r\n".join([lines[0], ";".join(first), ";".join(second), *lines[3:]]).encode("utf-8-sig")
    response = _upload(client, edited)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="change-summary"' in html
    assert not CriterionStatus.objects.filter(status="not_met").exists()  # the preview writes nothing
    token = response.context["token"]
    assert token
    response = client.post(reverse("dekela:matrix-import-confirm", kwargs={"year": 2025}), {"token": token})
    assert response.status_code == 302
    assert CriterionStatus.objects.get(kelurahan=every_kelurahan[0]).status == "met"
    kept = CriterionStatus.objects.get(kelurahan=every_kelurahan[1])
    assert (kept.status, kept.note, kept.version) == ("not_met", "SK 2024", 2)
    assert kept.history.first().history_change_reason.startswith("Diimpor dari kriteria.csv")


def test_a_row_changed_after_the_preview_refuses_the_whole_import(client, staff_user, forum_anak, every_kelurahan):
    client.force_login(staff_user)
    codes = [k.code for k in every_kelurahan[:2]]
    response = _upload(client, f"Kode Kemendagri;Forum Anak\n{codes[0]};terpenuhi\n{codes[1]};terpenuhi\n".encode())
    token = response.context["token"]
    CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[1], year=2025, status="not_met")
    response = client.post(reverse("dekela:matrix-import-confirm", kwargs={"year": 2025}), {"token": token})
    assert response.status_code == 409
    assert 'id="import-refusal"' in response.content.decode()
    assert list(CriterionStatus.objects.values_list("kelurahan", "status")) == [(every_kelurahan[1].pk, "not_met")]


@pytest.mark.parametrize(("cell", "problem"), [("mungkin", "bukan status"),
                                              ("<script>alert(1)</script>", "bukan status")])
def test_a_cell_that_is_not_a_status_is_named_and_nothing_can_be_confirmed(client, staff_user, forum_anak,
                                                                           every_kelurahan, cell, problem):
    client.force_login(staff_user)
    response = _upload(client, f"Kode Kemendagri;Forum Anak\n{every_kelurahan[0].code};{cell}\n".encode())
    html = response.content.decode()
    assert problem in html
    assert "<script>alert(1)</script>" not in html
    assert response.context["token"] == ""


def test_unknown_codes_duplicates_and_a_deactivated_kelurahan_are_problems(client, staff_user, forum_anak,
                                                                         every_kelurahan):
    client.force_login(staff_user)
    Kelurahan.objects.filter(pk=every_kelurahan[2].pk).update(is_active=False)
    code = every_kelurahan[0].code
    content = (f"Kode Kemendagri;Forum Anak\n99.99.99.9999;terpenuhi\n{code};terpenuhi\n{code};terpenuhi\n"
               f"{every_kelurahan[2].code};terpenuhi\n").encode()
    response = _upload(client, content)
    preview = response.context["preview"]
    assert [len(row.problems) for row in preview.rows] == [1, 0, 1, 1]
    assert response.context["token"] == ""


def test_a_file_without_the_code_or_a_criterion_column_is_refused(client, staff_user, forum_anak):
    client.force_login(staff_user)
    response = _upload(client, b"Nama;Forum Anak\nX;terpenuhi\n")
    assert "Kode Kemendagri" in response.content.decode()
    assert response.context["preview"] is None


def test_a_token_of_another_year_is_refused(client, staff_user, forum_anak, every_kelurahan):
    client.force_login(staff_user)
    response = _upload(client, f"Kode Kemendagri;Forum Anak\n{every_kelurahan[0].code};terpenuhi\n".encode())
    token = response.context["token"]
    response = client.post(reverse("dekela:matrix-import-confirm", kwargs={"year": 2024}), {"token": token})
    assert response.status_code == 409
    assert not CriterionStatus.objects.exists()
    with pytest.raises(imports.TokenInvalid):
        imports.matrix_import(token="x" + token, year=2025, scope="kelurahan")
