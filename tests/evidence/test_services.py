"""Adding, versioning, retitling and removing evidence: stage locks, limits, versions and nothing deleted."""

from decimal import Decimal as D

import pytest
from django.core.files.base import ContentFile

from clusters.models import Evaluation, SelfAssessment
from clusters.services import StageClosed
from core.versions import EditConflict
from evidence import filetypes, services
from evidence.models import EvidenceDocument, EvidenceFile, evidence_storage
from tests.evidence import files

pytestmark = pytest.mark.django_db


def _upload(content=None, name="perwal.pdf", kind=filetypes.PDF, title=""):
    return services.Upload(content=ContentFile(content or files.pdf(), name=name), name=name, kind=kind, title=title)


def _question(evaluation, code="1"):
    row = SelfAssessment.objects.get(evaluation=evaluation, indicator__code=code)
    return row, row.question_scores.order_by("question__order").first()


def test_a_document_is_stored_under_a_random_name_with_size_and_checksum(evaluation_2026, staff_user, media_root):
    row, question = _question(evaluation_2026)
    [document] = services.evidence_add(self_assessment=row, question_score=question,
                                       uploads=[_upload(name="../../etc/passwd.pdf")], user=staff_user)
    version = document.files.get()
    assert document.title == "passwd"
    assert version.number == 1 and version.size == len(files.pdf()) and len(version.sha256) == 64
    assert version.file.name.startswith("evidence/2026/") and "passwd" not in version.file.name
    assert (media_root / version.file.name).read_bytes() == files.pdf()
    assert version.original_name == "../../etc/passwd.pdf"


def test_an_image_gets_a_thumbnail(evaluation_2026, staff_user, media_root):
    from PIL import Image

    row, question = _question(evaluation_2026)
    [document] = services.evidence_add(
        self_assessment=row, question_score=question,
        uploads=[_upload(files.image("PNG", size=(1600, 900)), "foto.png", filetypes.PNG)], user=staff_user)
    version = document.files.get()
    with Image.open(media_root / version.thumbnail.name) as thumbnail:
        assert max(thumbnail.size) == services.THUMBNAIL_PIXELS and thumbnail.format == "JPEG"


def test_a_new_version_keeps_the_old_one(evaluation_2026, staff_user):
    row, question = _question(evaluation_2026)
    [document] = services.evidence_add(self_assessment=row, question_score=question, uploads=[_upload()],
                                       user=staff_user)
    services.evidence_version_add(document=document, upload=_upload(files.pdf("revisi")), version=1, user=staff_user)
    versions = list(document.files.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].file.read() == files.pdf() and versions[1].file.read() == files.pdf("revisi")
    document.refresh_from_db()
    assert document.version == 2


def test_a_change_from_an_older_page_is_a_conflict_and_stores_nothing(evaluation_2026, staff_user, media_root):
    row, question = _question(evaluation_2026)
    [document] = services.evidence_add(self_assessment=row, question_score=question, uploads=[_upload()],
                                       user=staff_user)
    services.evidence_retitle(document=document, title="Perwal 5/2024", version=1, user=staff_user)
    stored_before = sorted(p.name for p in (media_root / "evidence" / "2026").iterdir())
    with pytest.raises(EditConflict):
        services.evidence_version_add(document=document, upload=_upload(), version=1, user=staff_user)
    assert document.files.count() == 1
    assert sorted(p.name for p in (media_root / "evidence" / "2026").iterdir()) == stored_before


def test_removing_hides_the_document_and_keeps_every_file(evaluation_2026, staff_user, media_root):
    row, question = _question(evaluation_2026)
    [document] = services.evidence_add(self_assessment=row, question_score=question, uploads=[_upload()],
                                       user=staff_user)
    services.evidence_remove(document=document, version=1, user=staff_user)
    document.refresh_from_db()
    assert document.is_removed and document.removed_by == staff_user
    assert EvidenceDocument.objects.current().count() == 0
    assert (media_root / document.files.get().file.name).exists()
    assert document.history.count() == 2
    with pytest.raises(services.DocumentRemoved):
        services.evidence_version_add(document=document, upload=_upload(), version=2, user=staff_user)


def test_evidence_is_read_only_after_the_self_assessment(evaluation_2026, staff_user, media_root):
    row, question = _question(evaluation_2026)
    Evaluation.objects.filter(pk=evaluation_2026.pk).update(stage=Evaluation.Stage.ADMIN_VERIFICATION)
    with pytest.raises(StageClosed):
        services.evidence_add(self_assessment=row, question_score=question, uploads=[_upload()], user=staff_user)
    assert EvidenceDocument.objects.count() == 0
    assert not any((media_root / "evidence").rglob("*.*")), "the refused file was deleted again"


def test_the_evaluations_limit_counts_every_version(evaluation_2026, staff_user, settings):
    row, question = _question(evaluation_2026)
    settings.EVIDENCE_MAX_EVALUATION_BYTES = len(files.pdf()) * 2
    [document] = services.evidence_add(self_assessment=row, question_score=question, uploads=[_upload()],
                                       user=staff_user)
    services.evidence_version_add(document=document, upload=_upload(), version=1, user=staff_user)
    with pytest.raises(services.EvaluationFull):
        services.evidence_add(self_assessment=row, question_score=question, uploads=[_upload()], user=staff_user)
    assert EvidenceFile.objects.count() == 2


def test_several_files_are_added_all_or_nothing(evaluation_2026, staff_user, settings, media_root):
    row, question = _question(evaluation_2026)
    settings.EVIDENCE_MAX_EVALUATION_BYTES = len(files.pdf()) * 2
    with pytest.raises(services.EvaluationFull):
        services.evidence_add(self_assessment=row, question_score=question,
                              uploads=[_upload(), _upload(), _upload()], user=staff_user)
    assert EvidenceDocument.objects.count() == 0
    assert not any((media_root / "evidence").rglob("*.*"))


def test_a_question_of_another_indicator_is_refused(evaluation_2026, staff_user):
    row, _ = _question(evaluation_2026, "1")
    _, other = _question(evaluation_2026, "2")
    with pytest.raises(services.WrongAnswer):
        services.evidence_add(self_assessment=row, question_score=other, uploads=[_upload()], user=staff_user)
    with pytest.raises(services.WrongAnswer):
        services.evidence_add(self_assessment=row, question_score=None, uploads=[_upload()], user=staff_user)


def test_on_the_2019_framework_evidence_belongs_to_the_indicator(demo, staff_user):
    evaluation = Evaluation.objects.get(year=2019)
    Evaluation.objects.filter(pk=evaluation.pk).update(stage=Evaluation.Stage.SELF_ASSESSMENT)
    row = SelfAssessment.objects.get(evaluation=evaluation, indicator__number=1)
    [document] = services.evidence_add(self_assessment=row, question_score=None, uploads=[_upload()],
                                       user=staff_user)
    assert document.question_score is None and document.files.get().size > 0
    assert evidence_storage().exists(document.files.get().file.name)
    assert row.max_points > D("0")
