"""PATBM steps from a spreadsheet (the exported register or the like): preview, then all rows or none.

Each row is checked by the same `PatbmForm` the edit page uses, so the rules (SK from *terbentuk*
on, no future dates, no negative counts) and their Indonesian messages are the same. The changes
travel to the confirm step in a signed token with each record's version; the confirm step saves
through `services.patbm_save`, which refuses a record changed after the preview.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.conflicts import WriteRefused
from core.imports import ImportRefused, TokenInvalid, find_column, import_reason, number_problem, token_open, token_sign
from core.numbers import NumberError, parse_whole_number
from core.tables import Table
from core.versions import EditConflict
from kelurahan import services
from kelurahan.forms import PatbmForm
from kelurahan.models import Kelurahan, Patbm

TOKEN_SALT = "kelurahan.patbm-import"
FIELDS = ("step", "step_date", "sk_number", "sk_date", "activist_count", "note")
# Column names as the register export writes them (any case, Indonesian or English).
COLUMNS = {
    "step": "Step",
    "step_date": "Date of this step",
    "sk_number": "SK number",
    "sk_date": "SK date",
    "activist_count": "Number of activists",
    "note": "Note",
}
REQUIRED = ("step", "step_date")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _date_text(text: str) -> str:
    """ISO for the form: "2019-03-04", "2019-03-04 00:00:00" (an XLSX date), "4/3/2019", "04-03-2019"."""
    text = text.strip()
    if match := _DAY_FIRST.match(text):
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]00:00(:00)?$", text) else text


def _count_text(text: str) -> str:
    """A count read by the project's number rule ("1.000" is refused), as digits for the form; a sign is kept
    so that the form refuses "-0" as it refuses "-1". Raises NumberError."""
    if not text:
        return text
    count = parse_whole_number(text)
    if count.bit_length() > 63:  # far beyond any count: the form refuses the text as it is
        return text
    return f"{'-' if text.lstrip().startswith('-') else ''}{abs(count)}"


def _form_value(name: str, value) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@dataclass
class PatbmRow:
    line: int
    code: str
    kelurahan: Kelurahan | None = None
    old: dict = field(default_factory=dict)
    new: dict = field(default_factory=dict)
    version: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def changed_fields(self) -> list[str]:
        return [name for name in FIELDS if self.new.get(name) != self.old.get(name)] if not self.problems else []

    @property
    def changed(self) -> bool:
        return bool(self.changed_fields)

    @property
    def diffs(self) -> list[tuple[str, str, str]]:
        """(column name, old, new) of each changed field, for the preview."""
        return [(capfirst(_(COLUMNS[name])), _shown(name, self.old.get(name, "")), _shown(name, self.new.get(name, "")))
                for name in self.changed_fields]


def _shown(name: str, value: str) -> str:
    """A date as the UI shows dates (04/03/2019, day first in both languages); other values as they are."""
    if name.endswith("date") and value:
        try:
            return date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return value


@dataclass
class PatbmPreview:
    file_name: str
    rows: list[PatbmRow]

    @property
    def problem_rows(self) -> list[PatbmRow]:
        return [row for row in self.rows if row.problems]

    @property
    def changes(self) -> list[PatbmRow]:
        return [row for row in self.rows if row.changed]

    @property
    def can_confirm(self) -> bool:
        return not self.problem_rows and bool(self.changes)


def patbm_preview(*, table: Table, file_name: str) -> PatbmPreview:
    """Checks every row (kelurahan by Kemendagri code) with PatbmForm; writes nothing.

    A column left out of the file keeps the stored value; a column present is taken as it is.
    Raises ImportRefused without the code, step and step date columns.
    """
    code_column = find_column(table.header, "Kemendagri code")
    columns = {name: find_column(table.header, msgid) for name, msgid in COLUMNS.items()}
    if not code_column or not all(columns[name] for name in REQUIRED):
        raise ImportRefused(
            _("The file needs the columns “%(code)s”, “%(step)s” and “%(date)s” in its first row. The exported "
              "PATBM register has them.")
            % {"code": capfirst(_("Kemendagri code")), "step": _("Step"), "date": _("Date of this step")}
        )
    kelurahan = {k.code: k for k in Kelurahan.objects.select_related("kecamatan", "patbm")}
    seen: dict[str, int] = {}
    rows = []
    for line, cells in zip(table.line_numbers, table.rows, strict=True):
        code = cells.get(code_column, "")
        row = PatbmRow(line=line, code=code)
        rows.append(row)
        if code not in kelurahan:
            row.problems.append(_("Unknown kelurahan code “%(code)s”.") % {"code": code[:20]})
            continue
        if code in seen:
            row.problems.append(_("Duplicate row: kelurahan %(code)s is already on line %(line)s.")
                                % {"code": code, "line": seen[code]})
            continue
        seen[code] = line
        row.kelurahan = current_kelurahan = kelurahan[code]
        patbm = getattr(current_kelurahan, "patbm", None) or Patbm(kelurahan=current_kelurahan)
        row.old = {name: _form_value(name, getattr(patbm, name)) for name in FIELDS}
        row.version = patbm.version if patbm.pk else 0
        data = dict(row.old)
        for name, column in columns.items():
            if column:
                value = cells.get(column, "")
                data[name] = _date_text(value) if name.endswith("date") else value
        if columns["activist_count"]:
            try:
                data["activist_count"] = _count_text(data["activist_count"])
            except NumberError as error:
                row.problems.append(number_problem(columns["activist_count"], data["activist_count"], error))
                continue
        if data == row.old:  # as stored (a kelurahan still without a PATBM record included)
            row.new = row.old
            continue
        try:
            services.patbm_check_active(current_kelurahan)
        except services.KelurahanInactive as inactive:
            row.problems.append(str(inactive))
            continue
        form = PatbmForm({**data, "version": row.version}, instance=patbm)
        if form.is_valid():
            row.new = {name: _form_value(name, form.cleaned_data[name]) for name in FIELDS}
        else:
            row.new = data
            row.problems.extend(
                f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
                for name, errors in form.errors.items()
            )
    return PatbmPreview(file_name=file_name, rows=rows)


def preview_token(preview: PatbmPreview) -> str:
    return token_sign(
        {"file": preview.file_name,
         "changes": [[row.kelurahan.pk, row.version, row.new] for row in preview.changes]},
        salt=TOKEN_SALT,
    )


class PatbmImportRefused(WriteRefused):
    """A record changed after the preview, or a row no longer passes the form; nothing was saved."""

    def __init__(self, kelurahan: list[Kelurahan]):
        super().__init__(", ".join(str(k) for k in kelurahan))
        self.kelurahan = kelurahan


def token_read(token: str) -> tuple[str, list]:
    data = token_open(token, salt=TOKEN_SALT)
    try:
        return data["file"], data["changes"]
    except (TypeError, KeyError) as error:  # a token signed in an older format
        raise TokenInvalid from error


@transaction.atomic
def patbm_import(*, token: str) -> tuple[str, int]:
    """Saves every previewed row through `services.patbm_save`, or none.

    Raises TokenInvalid for an altered or expired token and PatbmImportRefused naming every
    kelurahan whose PATBM changed since the preview (or no longer validates).
    Returns (file name, number of rows saved).
    """
    file_name, changes = token_read(token)
    reason = import_reason(file_name)
    kelurahan = Kelurahan.objects.in_bulk([pk for pk, _version, _data in changes])
    refused = []
    for pk, version, data in changes:
        target = kelurahan.get(pk)
        if target is None:
            raise TokenInvalid
        patbm = Patbm.objects.filter(kelurahan=target).first() or Patbm(kelurahan=target)
        form = PatbmForm({**data, "version": version}, instance=patbm)
        if not form.is_valid():
            refused.append(target)
            continue
        try:
            services.patbm_save(kelurahan=target, **form.patbm_values(), reason=reason)
        except (EditConflict, services.KelurahanInactive):
            refused.append(target)
    if refused:
        raise PatbmImportRefused(refused)  # rolls back the rows saved above
    return file_name, len(changes)
