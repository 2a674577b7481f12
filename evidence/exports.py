"""The ministry's ZIP: an evaluation's current evidence in folders by group, indicator and question, with an
index sheet. Written as a stream (one file chunk in memory at a time), so a 2 GB evaluation works on a small
server."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Evaluation
from core.spreadsheets import to_xlsx
from evidence.models import EvidenceDocument, EvidenceFile
from evidence.selectors import documents_with_versions

CHUNK = 1024 * 1024
INDEX_NAME = "indeks.xlsx"
_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')


def _safe(part: str, limit: int = 60) -> str:
    """A folder or file name any operating system can unpack."""
    cleaned = re.sub(r"\s+", " ", _UNSAFE.sub(" ", part)).strip(" .")
    if len(cleaned) > limit:  # cut at the last space within the limit, not inside a word
        cut = cleaned[:limit]
        cleaned = (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut).strip(" .")
    return cleaned or "_"


@dataclass(frozen=True)
class ZipEntry:
    path: str
    version: EvidenceFile
    document: EvidenceDocument


def zip_entries(evaluation: Evaluation) -> list[ZipEntry]:
    """The current version of every current document of the evaluation, with its place in the ZIP, in the
    instrument's order (two queries)."""
    documents = (EvidenceDocument.objects.current().filter(self_assessment__evaluation=evaluation)
                 .select_related("self_assessment__indicator__cluster", "question_score__question")
                 .order_by("self_assessment__indicator__cluster__order", "self_assessment__indicator__number",
                           "question_score__question__order", "created_at", "pk"))
    entries = []
    for view in documents_with_versions(documents):
        document = view.document
        indicator = document.self_assessment.indicator
        cluster = indicator.cluster
        folders = [_safe(f"{cluster.order:02d} {cluster.code} {cluster.name}"),
                   _safe(f"{indicator.code} {indicator.name}")]
        if document.question_score_id:
            folders.append(_safe(f"{document.question_score.question.code}"))
        name = _safe(f"{document.pk}-{view.current.download_name}", limit=120)
        entries.append(ZipEntry("/".join([*folders, name]), view.current, document))
    return entries


def index_sheet(entries: list[ZipEntry]) -> bytes:
    header = [_("Group"), _("Indicator"), _("Question"), _("File in the ZIP"), _("Title"), _("File name"),
              _("Version"), _("Uploaded by"), _("Uploaded"), _("Size in bytes"), "SHA-256", _("Question text")]
    rows = []
    for entry in entries:
        indicator = entry.document.self_assessment.indicator
        question = entry.document.question_score.question if entry.document.question_score_id else None
        uploaded_by = entry.version.uploaded_by
        rows.append([indicator.cluster.code, indicator.code, question.code if question else "", entry.path,
                     entry.document.title,
                     entry.version.original_name, entry.version.number,
                     uploaded_by.get_full_name() or uploaded_by.get_username(),
                     timezone.localtime(entry.version.uploaded_at).replace(tzinfo=None), entry.version.size,
                     entry.version.sha256, question.text if question else indicator.name])
    return to_xlsx(header, rows, title=_("Evidence"))


class _Sink:
    """A write-only file for `zipfile` that hands what was written to the generator (no seek: zipfile then
    writes data descriptors, as a stream needs)."""

    def __init__(self):
        self._parts: list[bytes] = []
        self._offset = 0

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self._offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self._offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def zip_stream(evaluation: Evaluation, entries: list[ZipEntry] | None = None) -> Iterator[bytes]:
    """The ZIP's bytes, chunk by chunk: the index sheet first, then every file (stored, not recompressed:
    PDFs, images and Office files are compressed already)."""
    entries = zip_entries(evaluation) if entries is None else entries
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr(INDEX_NAME, index_sheet(entries))
        yield sink.take()
        for entry in entries:
            info = zipfile.ZipInfo(entry.path, date_time=timezone.localtime(entry.version.uploaded_at).timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            with entry.version.file.open("rb") as source, archive.open(
                    info, "w", force_zip64=entry.version.size > 2 ** 31) as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    yield sink.take()
            yield sink.take()
    yield sink.take()
