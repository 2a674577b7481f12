"""Import of PATBM steps from the (edited) register: preview every row, confirm all or nothing."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kelurahan.models import Kelurahan, Patbm
from tests import upload_files

pytestmark = pytest.mark.django_db

HEADER = "Kode Kemendagri;Tahap;Tanggal tahap ini;Nomor SK;Tanggal SK;Jumlah aktivis;Catatan"


@pytest.fixture
def staff_client(client, demo):
    client.force_login(get_user_model().objects.get(username="staf"))
    return client


def _upload(client, name, data):
    return client.post(reverse("kelurahan:patbm-import"), {"file": SimpleUploadedFile(name, data)})


def _confirm(client, response):
    assert response.context["token"]
    return client.post(reverse("kelurahan:patbm-import-confirm"), {"token": response.context["token"]})


def _patbm_state():
    return sorted(Patbm.objects.values_list("kelurahan__code", "step", "step_date", "sk_number", "activist_count",
                                            "note"))


def test_register_round_trip_changes_exactly_the_edited_rows_and_records_history(staff_client):
    exported = staff_client.get(reverse("kelurahan:patbm-export", args=["xlsx"]))
    workbook = load_workbook(io.BytesIO(exported.content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    col = {name: header.index(name) + 1 for name in header}
    for r in range(2, sheet.max_row + 1):
        code = sheet.cell(row=r, column=col["Kode Kemendagri"]).value
        if code == "32.71.01.1001":  # no PATBM yet: outreach held
            sheet.cell(row=r, column=col["Tahap"]).value = 2
            sheet.cell(row=r, column=col["Tanggal tahap ini"]).value = dt.date(2019, 3, 4)
            sheet.cell(row=r, column=col["Catatan"]).value = "“sudah ada MoU”"
        if code == "32.71.03.1006":  # trained -> formed with its SK
            sheet.cell(row=r, column=col["Tahap"]).value = 5
            sheet.cell(row=r, column=col["Tanggal tahap ini"]).value = "11/03/2019"
            sheet.cell(row=r, column=col["Nomor SK"]).value = "400/Kep.77-DPMPPA/2019"
            sheet.cell(row=r, column=col["Tanggal SK"]).value = "2019-03-11"
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = _patbm_state()

    preview = _upload(staff_client, "register-patbm.xlsx", buffer.getvalue())
    assert preview.context["preview"].problem_rows == []
    assert {row.code for row in preview.context["preview"].changes} == {"32.71.01.1001", "32.71.03.1006"}
    assert preview.content.decode().count("data-changed") == 2
    assert _patbm_state() == before

    assert _confirm(staff_client, preview).status_code == 302
    new = Patbm.objects.get(kelurahan__code="32.71.01.1001")
    assert (new.step, new.step_date, new.note) == (2, dt.date(2019, 3, 4), "“sudah ada MoU”")
    formed = Patbm.objects.get(kelurahan__code="32.71.03.1006")
    assert (formed.step, formed.sk_number, formed.sk_date) == (5, "400/Kep.77-DPMPPA/2019", dt.date(2019, 3, 11))
    record = formed.history.latest()
    assert record.history_change_reason == "Diimpor dari register-patbm.xlsx"
    assert record.history_user.username == "staf"
    assert len(_patbm_state()) == len(before) + 1


def test_unchanged_register_as_csv_changes_nothing(staff_client):
    exported = staff_client.get(reverse("kelurahan:patbm-export", args=["csv"]))
    response = _upload(staff_client, "register.csv", exported.content)
    assert response.context["preview"].problem_rows == []
    assert response.context["preview"].changes == []
    assert "Berkas ini tidak mengubah apa pun." in response.content.decode()


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("32.71.01.1001;5;2019-03-04;;;3;", "SK"),
        ("32.71.99.9999;2;2019-03-04;;;0;", "Kode kelurahan “32.71.99.9999” tidak dikenal."),
        ("32.71.01.1001;2;2099-01-01;;;0;", "masa depan"),
        ("32.71.01.1001;2;2019-03-04;;;-1;", "Jumlah aktivis"),
        ("32.71.01.1001;9;2019-03-04;;;0;", "Tahap"),
        ("32.71.01.1001;2;kemarin;;;0;", "Tanggal tahap ini"),
        ("32.71.01.1001;2;2019-03-04;;;1.000;", "Jumlah aktivis: “1.000” bisa berarti dua angka"),
        ("32.71.01.1001;2;2019-03-04;;;1.000,5;", "Jumlah aktivis: “1.000,5” memiliki lebih dari satu pemisah"),
        ("32.71.01.1001;2;2019-03-04;;;-0;", "Jumlah aktivis"),
        ("32.71.01.1001.0;2;2019-03-04;;;0;", "Kode kelurahan “32.71.01.1001.0” tidak dikenal."),
        ("32.71.01.100;2;2019-03-04;;;0;", "Kode kelurahan “32.71.01.100” tidak dikenal."),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_saved(staff_client, line, problem):
    data = f"{HEADER}\n32.71.01.1002;2;2019-03-01;;;0;\n{line}\n".encode("cp1252")
    before = _patbm_state()
    response = _upload(staff_client, "patbm.csv", data)
    [bad] = response.context["preview"].problem_rows
    assert bad.line == 3 and problem in " ".join(bad.problems)
    assert response.context["token"] == ""
    assert _patbm_state() == before


def test_duplicate_kelurahan_row(staff_client):
    data = f"{HEADER}\n32.71.01.1002;2;2019-03-01;;;0;\n32.71.01.1002;3;2019-03-02;;;0;\n".encode()
    [bad] = _upload(staff_client, "patbm.csv", data).context["preview"].problem_rows
    assert bad.problems == ["Baris ganda: kelurahan 32.71.01.1002 sudah ada di baris 2."]


def test_missing_columns_are_named_beside_the_field(staff_client):
    response = _upload(staff_client, "patbm.csv", b"Kelurahan;Tahap\nBatu Tulis;2\n")
    assert "Kode Kemendagri" in " ".join(response.context["form"].errors["file"])


def test_a_record_changed_after_the_preview_refuses_the_whole_import(staff_client):
    data = f"{HEADER}\n32.71.01.1002;2;2019-03-01;;;0;\n32.71.05.1001;3;2019-03-02;;;4;\n".encode()
    response = _upload(staff_client, "patbm.csv", data)
    patbm = Patbm.objects.get(kelurahan__code="32.71.05.1001")
    patbm.activist_count = 2
    patbm.version += 1  # someone else's edit: every writer raises the version (core.versions)
    patbm.save()
    before = _patbm_state()
    done = _confirm(staff_client, response)
    assert done.status_code == 409
    assert Kelurahan.objects.get(code="32.71.05.1001").name in done.content.decode()
    assert _patbm_state() == before  # 32.71.01.1002 was not saved either


def test_task_force_may_not_import(client, demo, task_force_user):
    client.force_login(task_force_user)
    data = f"{HEADER}\n32.71.01.1002;2;2019-03-01;;;0;\n".encode()
    assert _upload(client, "patbm.csv", data).status_code == 403
    assert client.post(reverse("kelurahan:patbm-import-confirm"), {"token": "x"}).status_code == 403


def test_an_activist_count_with_a_decimal_point_zero_is_still_read(staff_client):
    data = f"{HEADER}\n32.71.01.1001;2;2019-03-04;;;12,0;\n".encode()
    [row] = _upload(staff_client, "patbm.csv", data).context["preview"].changes
    assert row.new["activist_count"] == "12"


@pytest.mark.parametrize("case", list(upload_files.BROKEN_FILES))
def test_broken_and_hostile_files_get_the_import_page_with_a_message(staff_client, case):
    name, build, message = upload_files.BROKEN_FILES[case]
    before = _patbm_state()
    response = _upload(staff_client, name, build())
    assert response.status_code == 200 and response.context["preview"] is None
    assert message in " ".join(response.context["form"].errors["file"])
    assert 'class="invalid-feedback' in response.content.decode()
    assert _patbm_state() == before
