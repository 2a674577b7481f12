"""A file's kind comes from its content: the name and the browser's type are not believed."""

import io

import pytest

from evidence import filetypes
from tests.evidence import files


@pytest.mark.parametrize("content, kind", [
    (files.pdf(), filetypes.PDF),
    (files.image("JPEG"), filetypes.JPEG),
    (files.image("PNG"), filetypes.PNG),
    (files.xlsx(), filetypes.XLSX),
    (files.docx(), filetypes.DOCX),
])
def test_the_accepted_kinds_are_recognised_by_their_content(content, kind):
    stream = io.BytesIO(content)
    assert filetypes.detect(stream) == kind
    assert stream.tell() == 0  # left at the start for storing


@pytest.mark.parametrize("content, code", [
    (files.HTML, "kind"),
    (files.SVG, "kind"),
    (files.SCRIPT, "kind"),
    (files.plain_zip(), "kind"),
    (files.xlsm(), "macros"),
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n" + b"not really an image", "damaged"),
    (b"PK\x03\x04broken", "damaged"),
])
def test_web_pages_svg_scripts_archives_and_broken_files_are_refused(content, code):
    with pytest.raises(filetypes.FileRefused) as refused:
        filetypes.detect(io.BytesIO(content))
    assert refused.value.code == code
