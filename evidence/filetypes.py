"""What an uploaded file is, decided by its content, never by its name or the browser's word.

Evidence may be a PDF, a JPEG or PNG image, an XLSX workbook or a DOCX document. Everything else is
refused, in particular HTML, SVG, scripts and archives: a file that could run in the app's origin is
never stored.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    mime: str
    extensions: tuple[str, ...]  # the first is the one a stored or downloaded file gets
    inline: bool  # shown in the page (preview); the others are sent as attachments

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


PDF = Kind("pdf", "PDF", "application/pdf", (".pdf",), inline=True)
JPEG = Kind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"), inline=True)
PNG = Kind("png", "PNG", "image/png", (".png",), inline=True)
XLSX = Kind("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",),
            inline=False)
DOCX = Kind("docx", "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",),
            inline=False)
KINDS = {kind.code: kind for kind in (PDF, JPEG, PNG, XLSX, DOCX)}


class FileRefused(ValueError):
    """The file is not one evidence may be; `message` says why, in the user's language."""

    def __init__(self, message, code: str):
        super().__init__(str(message))
        self.message = message
        self.code = code


def _refused_kind():
    return FileRefused(
        _("This file is not a PDF, JPEG, PNG, XLSX or DOCX file (its content was checked, not its name). "
          "Web pages, SVG images, scripts and archives are not accepted."), code="kind")


def detect(file: IO[bytes]) -> Kind:
    """The kind of the file from its first bytes (and, for a ZIP, the parts it holds). Raises `FileRefused`.

    The file is read from the start and left at the start.
    """
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not head:
        raise FileRefused(_("The file is empty."), code="empty")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return _image(file, JPEG)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image(file, PNG)
    if head.startswith(b"PK\x03\x04"):
        return _office(file)
    raise _refused_kind()


def _image(file: IO[bytes], kind: Kind) -> Kind:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise FileRefused(_("The image is damaged or too large to open. Save it again as %(kind)s.")
                          % {"kind": kind.label}, code="damaged") from error
    finally:
        file.seek(0)
    return kind


def _office(file: IO[bytes]) -> Kind:
    """An Office Open XML workbook or document; any other ZIP is an archive and refused."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FileRefused(_("The file looks like an Office file but is damaged. Open it and save it again."),
                          code="damaged") from error
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        raise _refused_kind()
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileRefused(_("Files with macros are not accepted. Save the workbook or document without macros "
                            "(as .xlsx or .docx)."), code="macros")
    if "xl/workbook.xml" in names:
        return XLSX
    if "word/document.xml" in names:
        return DOCX
    raise _refused_kind()
