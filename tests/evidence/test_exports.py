"""The ministry's ZIP is written while it is sent: no chunk holds much more than one read of one file."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile

from clusters.models import SelfAssessment
from evidence import exports, filetypes, services

pytestmark = pytest.mark.django_db


def test_the_zip_streams_in_chunks_no_larger_than_one_read(evaluation_2026, staff_user):
    row = SelfAssessment.objects.get(evaluation=evaluation_2026, indicator__code="1")
    questions = list(row.question_scores.order_by("question__order")[:6])
    megabyte_pdf = b"%PDF-1.4\n" + b"0" * (3 * exports.CHUNK)  # three reads each
    for question in questions:
        services.evidence_add(self_assessment=row, question_score=question, user=staff_user, uploads=[
            services.Upload(ContentFile(megabyte_pdf), "besar.pdf", filetypes.PDF)])
    chunks = list(exports.zip_stream(evaluation_2026))
    assert max(len(chunk) for chunk in chunks) <= exports.CHUNK + 64 * 1024
    assert sum(len(chunk) for chunk in chunks) > 6 * len(megabyte_pdf)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    assert len(archive.namelist()) == 7 and all(archive.read(name) == megabyte_pdf
                                                for name in archive.namelist()[1:])


def test_folder_and_file_names_are_safe_to_unpack():
    assert exports._safe('Klaster I: Hak/Sipil "dan" <Kebebasan>?') == "Klaster I Hak Sipil dan Kebebasan"
    assert exports._safe("../..") == "_"
