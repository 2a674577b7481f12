"""The criteria matrix from a spreadsheet (the exported matrix, edited): preview, then all rows or none.

Rows are found by Kemendagri code, columns by the criterion's heading as the export writes it (its short
name, with or without the question number, or its code). A cell holds a status in either language (met /
terpenuhi, not met / tidak terpenuhi, unknown / belum diketahui); an empty cell, a column left out and
the PATBM column (read from the PATBM records) keep what is stored. The confirm step saves through
`services.criterion_statuses_save` with each status's version from the preview, so a row changed after
the preview is refused and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.conflicts import WriteRefused
from core.imports import ImportRefused, TokenInvalid, find_column, import_reason, token_open, token_sign
from core.tables import Table
from core.versions import EditConflict
from dekela import services
from dekela.models import Criterion, CriterionStatus
from kelurahan.models import Kecamatan, Kelurahan

TOKEN_SALT = "dekela.matrix-import"


def _status_names() -> dict[str, str]:
    """{a status as a cell may write it (case-folded): the status}: the code and the label in each language."""
    names = {}
    for status in CriterionStatus.Status:
        names[status.value] = status.value
        for language in ("id", "en"):
            with translation.override(language):
                names[str(status.label).casefold()] = status.value
    return names


def _criterion_column(header: list[str], criterion: Criterion) -> str | None:
    wanted = {criterion.code.casefold(), criterion.short_name.casefold()}
    if criterion.question_id:
        wanted.add(f"{criterion.short_name} ({criterion.question})".casefold())
    return next((column for column in header if column.strip().casefold() in wanted), None)


@dataclass
class MatrixImportRow:
    line: int
    code: str
    place: Kelurahan | Kecamatan | None = None
    changes: list[tuple[Criterion, str, str, int | None]] = field(default_factory=list)  # criterion, old, new, version
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes) and not self.problems

    @property
    def diffs(self) -> list[tuple[str, str, str]]:
        return [(criterion.short_name, str(CriterionStatus.Status(old).label), str(CriterionStatus.Status(new).label))
                for criterion, old, new, _version in self.changes]


@dataclass
class MatrixPreview:
    file_name: str
    year: int
    scope: str
    rows: list[MatrixImportRow]

    @property
    def problem_rows(self) -> list[MatrixImportRow]:
        return [row for row in self.rows if row.problems]

    @property
    def changed_rows(self) -> list[MatrixImportRow]:
        return [row for row in self.rows if row.changed]

    @property
    def can_confirm(self) -> bool:
        return not self.problem_rows and bool(self.changed_rows)


def matrix_preview(*, table: Table, file_name: str, year: int, scope: str) -> MatrixPreview:
    """Checks every row against the stored statuses of `year`; writes nothing. Raises ImportRefused without
    the code column or without any recorded criterion's column."""
    code_column = find_column(table.header, "Kemendagri code")
    criteria = [criterion for criterion in Criterion.objects.for_scope(scope) if criterion.is_recorded]
    columns = {criterion.pk: _criterion_column(table.header, criterion) for criterion in criteria}
    if not code_column or not any(columns.values()):
        raise ImportRefused(_("The file needs the column “%(code)s” and at least one criterion's column in its first "
                              "row. The exported matrix has them.") % {"code": capfirst(_("Kemendagri code"))})
    model, place_field = (Kelurahan, "kelurahan_id") if scope == Criterion.Scope.KELURAHAN \
        else (Kecamatan, "kecamatan_id")
    codes = [cells.get(code_column, "") for cells in table.rows]
    places = {place.code: place for place in model.objects.filter(code__in=codes)}
    stored = {(row.criterion_id, getattr(row, place_field)): row for row in CriterionStatus.objects.filter(
        year=year, criterion__in=criteria, **{f"{place_field}__in": [p.pk for p in places.values()]})}
    names = _status_names()
    seen: dict[str, int] = {}
    rows = []
    for line, cells in zip(table.line_numbers, table.rows, strict=True):
        code = cells.get(code_column, "")
        row = MatrixImportRow(line=line, code=code)
        rows.append(row)
        place = places.get(code)
        if place is None:
            row.problems.append(_("Unknown code “%(code)s”.") % {"code": code[:20]})
            continue
        if code in seen:
            row.problems.append(_("Duplicate row: %(code)s is already on line %(line)s.")
                                % {"code": code, "line": seen[code]})
            continue
        seen[code] = line
        row.place = place
        for criterion in criteria:
            column = columns[criterion.pk]
            text = cells.get(column, "").strip() if column else ""
            if not text:
                continue
            new = names.get(text.casefold())
            if new is None:
                row.problems.append(_("%(column)s: “%(value)s” is not a status (write met, not met or unknown).")
                                    % {"column": column, "value": text[:50]})
                continue
            current = stored.get((criterion.pk, place.pk))
            old = current.status if current else CriterionStatus.Status.UNKNOWN
            if new != old:
                row.changes.append((criterion, old, new, current.version if current else None))
        if row.changes and not place.is_active:
            row.problems.append(_("%(place)s is inactive: its criteria cannot be changed.") % {"place": place})
    return MatrixPreview(file_name=file_name, year=year, scope=scope, rows=rows)


def preview_token(preview: MatrixPreview) -> str:
    return token_sign({
        "file": preview.file_name, "year": preview.year, "scope": preview.scope,
        "rows": [[row.place.pk, [[criterion.pk, version, new] for criterion, _old, new, version in row.changes]]
                 for row in preview.changed_rows],
    }, salt=TOKEN_SALT)


class MatrixImportRefused(WriteRefused):
    """A row changed after the preview (or can no longer be changed); nothing was saved."""

    def __init__(self, places):
        super().__init__(", ".join(str(place) for place in places))
        self.places = places


@transaction.atomic
def matrix_import(*, token: str, year: int, scope: str) -> tuple[str, int]:
    """Saves every previewed row, or none: each criterion's new status, its date and note kept. Raises
    TokenInvalid for an altered or expired token (or one of another year or scope) and MatrixImportRefused
    naming every place whose statuses changed since the preview. Returns (file name, rows saved)."""
    data = token_open(token, salt=TOKEN_SALT)
    try:
        file_name, rows = data["file"], data["rows"]
        if (data["year"], data["scope"]) != (year, scope):
            raise TokenInvalid
    except (TypeError, KeyError) as error:
        raise TokenInvalid from error
    model, where = (Kelurahan, "kelurahan") if scope == Criterion.Scope.KELURAHAN else (Kecamatan, "kecamatan")
    places = model.objects.in_bulk([pk for pk, _changes in rows])
    reason = import_reason(file_name)
    refused = []
    for pk, changes in rows:
        place = places.get(pk)
        if place is None:
            raise TokenInvalid
        stored = {row.criterion_id: row for row in CriterionStatus.objects.filter(year=year, **{where: place})}
        status_changes = [services.StatusChange(
            criterion_id=criterion_id, version=version, status=status,
            date=stored[criterion_id].date if criterion_id in stored else None,
            note=stored[criterion_id].note if criterion_id in stored else "")
            for criterion_id, version, status in changes]
        try:
            with transaction.atomic():
                services.criterion_statuses_save(year=year, changes=status_changes, reason=reason,
                                                 **{where: place})
        except (EditConflict, WriteRefused):
            refused.append(place)
    if refused:
        raise MatrixImportRefused(refused)  # rolls back the rows saved above
    return file_name, len(rows)
