"""Writes of evidence: add documents, add a version, retitle, remove (hide). Every write checks the
evaluation's stage under its row lock (evidence changes during the self-assessment only) and never deletes
a stored file or a row: the history keeps every version."""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from clusters.models import Evaluation, QuestionScore, SelfAssessment
from clusters.services import StageClosed, lock_evaluation
from core.conflicts import WriteRefused
from core.versions import EditConflict
from evidence import filetypes
from evidence.models import EvidenceDocument, EvidenceFile, evidence_storage

THUMBNAIL_PIXELS = 320


@dataclass(frozen=True)
class Upload:
    """A file as received, with its kind already decided from its content (`filetypes.detect`)."""

    content: File
    name: str
    kind: filetypes.Kind
    title: str = ""

    @property
    def default_title(self) -> str:
        stem = self.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
        stem = stem.rsplit(".", 1)[0] if "." in stem else stem
        return (stem.strip() or self.name)[:200]


class EvaluationFull(WriteRefused):
    """The upload would take the evaluation's evidence above EVIDENCE_MAX_EVALUATION_BYTES."""

    def __init__(self, stored: int, adding: int):
        super().__init__(f"{stored} + {adding} bytes is above the evaluation's limit")
        self.stored, self.adding = stored, adding


class DocumentRemoved(WriteRefused):
    """The document was removed meanwhile: it takes no new version and no new title."""


class WrongAnswer(WriteRefused):
    """The question is not one of the indicator's in this evaluation (a tampered form)."""


@dataclass(frozen=True)
class _Stored:
    name: str
    thumbnail: str
    size: int
    sha256: str


def _store(upload: Upload, year: int) -> _Stored:
    """Writes the file (and an image's thumbnail) to the evidence storage under a random name."""
    storage = evidence_storage()
    digest, size = hashlib.sha256(), 0
    upload.content.seek(0)
    for chunk in upload.content.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.content.seek(0)
    base = f"evidence/{year}/{uuid.uuid4().hex}"
    name = storage.save(f"{base}{upload.kind.extension}", upload.content)
    thumbnail = ""
    if upload.kind.is_image:
        try:
            thumbnail = storage.save(f"{base}-thumb.jpg", ContentFile(_thumbnail(upload.content)))
        except Exception:
            storage.delete(name)
            raise
    return _Stored(name=name, thumbnail=thumbnail, size=size, sha256=digest.hexdigest())


def _thumbnail(content: File) -> bytes:
    from PIL import Image, ImageOps

    content.seek(0)
    with Image.open(content) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
        output = io.BytesIO()
        image.convert("RGB").save(output, "JPEG", quality=80)
    content.seek(0)
    return output.getvalue()


def _discard(stored: list[_Stored]) -> None:
    storage = evidence_storage()
    for item in stored:
        for name in (item.name, item.thumbnail):
            if name:
                storage.delete(name)


StoredFile = _Stored


def uploads_store(uploads: list[Upload], *, year: int) -> list[StoredFile]:
    """Stores checked uploads (`forms.checked_upload`) in the evidence storage under random names, all or
    none; for another app's evidence rows (`models.StoredFile`). Call `stored_discard` when the rows that
    would point at them are not written."""
    return _stored_all(uploads, year)


def stored_discard(stored: list[StoredFile]) -> None:
    _discard(stored)


def stored_fields(upload: Upload, stored: StoredFile) -> dict:
    """The `models.StoredFile` fields of a stored upload (without `uploaded_by`)."""
    return {"file": stored.name, "thumbnail": stored.thumbnail, "original_name": upload.name[:255],
            "kind": upload.kind.code, "size": stored.size, "sha256": stored.sha256}


def evaluation_bytes(evaluation: Evaluation) -> int:
    """Bytes of every version of every document of the evaluation (removed ones too: they are kept)."""
    return EvidenceFile.objects.filter(
        document__self_assessment__evaluation=evaluation).aggregate(total=Sum("size"))["total"] or 0


def _open_for_evidence(evaluation: Evaluation) -> Evaluation:
    evaluation = lock_evaluation(evaluation)
    if not evaluation.is_self_assessment_open:
        raise StageClosed(evaluation)
    return evaluation


def _within_limit(evaluation: Evaluation, stored: list[_Stored]) -> None:
    adding = sum(item.size for item in stored)
    already = evaluation_bytes(evaluation)
    if already + adding > settings.EVIDENCE_MAX_EVALUATION_BYTES:
        raise EvaluationFull(already, adding)


def _file_row(document: EvidenceDocument, number: int, upload: Upload, stored: _Stored, user) -> EvidenceFile:
    row = EvidenceFile(document=document, number=number, original_name=upload.name[:255], kind=upload.kind.code,
                       size=stored.size, sha256=stored.sha256, uploaded_by=user)
    row.file.name = stored.name
    row.thumbnail.name = stored.thumbnail
    row.save()
    return row


def _stored_all(uploads: list[Upload], year: int) -> list[_Stored]:
    stored: list[_Stored] = []
    try:
        for upload in uploads:
            stored.append(_store(upload, year))
    except Exception:
        _discard(stored)
        raise
    return stored


def evidence_add(*, self_assessment: SelfAssessment, question_score: QuestionScore | None,
                 uploads: list[Upload], user) -> list[EvidenceDocument]:
    """Adds one document per upload to a question's answer (an indicator's where `question_score` is None),
    all or nothing. Raises `StageClosed` outside the self-assessment, `EvaluationFull` above the
    evaluation's limit, `WrongAnswer` for a question of another indicator. Files stored before a refusal
    are deleted again (no row points at them)."""
    if (question_score is None) == self_assessment.scored_by_questions or (
            question_score is not None and question_score.self_assessment_id != self_assessment.pk):
        raise WrongAnswer(f"question score {getattr(question_score, 'pk', None)} is not an answer of "
                          f"self-assessment {self_assessment.pk}")
    if not uploads:
        raise ValueError("evidence_add needs at least one upload")
    evaluation = self_assessment.evaluation
    stored = _stored_all(uploads, evaluation.year)
    try:
        with transaction.atomic():
            _within_limit(_open_for_evidence(evaluation), stored)
            documents = []
            for upload, item in zip(uploads, stored, strict=True):
                document = EvidenceDocument(self_assessment=self_assessment, question_score=question_score,
                                            title=(upload.title.strip() or upload.default_title)[:200],
                                            created_by=user)
                document._history_user = user
                document.save()
                _file_row(document, 1, upload, item, user)
                documents.append(document)
    except Exception:
        _discard(stored)
        raise
    return documents


def _document_for_change(document: EvidenceDocument, version: int) -> EvidenceDocument:
    """The document locked for a change made from a page that showed `version`."""
    _open_for_evidence(document.self_assessment.evaluation)
    current = EvidenceDocument.objects.select_for_update().get(pk=document.pk)
    if current.version != version:
        raise EditConflict([document.pk])
    if current.is_removed:
        raise DocumentRemoved(f"document {document.pk} was removed")
    return current


def evidence_version_add(*, document: EvidenceDocument, upload: Upload, version: int, user) -> EvidenceFile:
    """Stores a new version of the document; the earlier ones stay in its history."""
    stored = _stored_all([upload], document.self_assessment.evaluation.year)
    try:
        with transaction.atomic():
            current = _document_for_change(document, version)
            _within_limit(document.self_assessment.evaluation, stored)
            number = (current.files.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            row = _file_row(current, number, upload, stored[0], user)
            current.version += 1
            current._history_user = user
            current.save(update_fields=["version"])
    except Exception:
        _discard(stored)
        raise
    return row


@transaction.atomic
def evidence_retitle(*, document: EvidenceDocument, title: str, version: int, user) -> EvidenceDocument:
    current = _document_for_change(document, version)
    current.title = title.strip()[:200]
    current.version += 1
    current._history_user = user
    current.save(update_fields=["title", "version"])
    return current


@transaction.atomic
def evidence_remove(*, document: EvidenceDocument, version: int, user) -> EvidenceDocument:
    """Hides the document from the answer; it and every version stay stored and in the history."""
    current = _document_for_change(document, version)
    current.removed_at = timezone.now()
    current.removed_by = user
    current.version += 1
    current._history_user = user
    current.save(update_fields=["removed_at", "removed_by", "version"])
    return current
