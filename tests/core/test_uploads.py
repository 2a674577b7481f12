"""Every import that takes `core.uploads.SpreadsheetUploadForm` refuses a text file named .xlsx as not an
XLSX workbook (not as a table missing its columns), and saves nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import Instrument, QuestionScore, SelfAssessment
from clusters.services import evaluation_create
from dekela.models import CriterionStatus
from kelurahan.models import Patbm
from tests import upload_files

pytestmark = pytest.mark.django_db

NOT_XLSX = "Berkas ini bernama .xlsx tetapi bukan buku kerja XLSX. Simpan dari Excel sebagai .xlsx atau .csv."
PLAIN_TEXT = b"Laporan nilai KLA\nlihat lampiran\n"

# Each import, with a CSV table it would otherwise preview (named .csv) and what it may change.
ROUTES = {
    "score import": (
        lambda: reverse("clusters:score-import", args=[2019]),
        b"No.;Penilaian mandiri\n21;5\n",
        lambda: sorted(SelfAssessment.objects.values_list("pk", "score", "evidence", "version")),
    ),
    "question score import": (
        lambda: reverse("clusters:score-import", args=[2026]),
        b"No.;No. pertanyaan;Penilaian mandiri\n2;1;1\n",
        lambda: sorted(QuestionScore.objects.values_list("pk", "score", "evidence", "version")),
    ),
    "PATBM import": (
        lambda: reverse("kelurahan:patbm-import"),
        b"Kode Kemendagri;Tahap;Tanggal tahap ini\n32.71.01.1001;2;2019-03-01\n",
        lambda: sorted(Patbm.objects.values_list("pk", "step", "step_date", "version")),
    ),
    "criteria matrix import": (
        lambda: reverse("dekela:matrix-import", args=[2026]),
        b"Kode Kemendagri;Forum Anak\n32.71.01.1001;terpenuhi\n",
        lambda: sorted(CriterionStatus.objects.values_list("pk", "status", "version")),
    ),
}


@pytest.fixture
def staff_client(client, demo, staff_user):
    evaluation_create(year=2026, instrument=Instrument.objects.get(code=Instrument.INSTRUMENT_2024))
    client.force_login(staff_user)
    return client


def _upload(client, url, name, data):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("content", ["plain text", "a CSV table"])
def test_a_text_file_named_xlsx_is_refused_as_not_an_xlsx_workbook(staff_client, route, content):
    url, table, state = ROUTES[route]
    assert _upload(staff_client, url(), "tabel.csv", table).context["preview"] is not None  # the same data as .csv
    before = state()
    response = _upload(staff_client, url(), "tabel.XLSX" if content == "a CSV table" else "laporan.xlsx",
                       table if content == "a CSV table" else PLAIN_TEXT)
    assert response.status_code == 200
    assert response.context["preview"] is None and response.context["token"] == ""
    assert response.context["form"].errors["file"] == [NOT_XLSX]
    assert "kolom" not in response.content.decode().split('class="invalid-feedback')[1][:300]
    assert state() == before


@pytest.mark.parametrize("route", list(ROUTES))
def test_a_real_workbook_named_xlsx_gets_past_the_name_check(staff_client, route):
    url, _, _ = ROUTES[route]
    response = _upload(staff_client, url(), "tabel.xlsx", upload_files.xlsx([["Judul"], ["x"]]))
    errors = response.context["form"].errors["file"]
    assert errors and NOT_XLSX not in errors  # refused for its columns, as it should be
