"""Self-assessment scores from a spreadsheet: a preview of every row, then all rows or none.

The uploaded file is parsed once (by `core.tables`), checked row by row against the
evaluation, and turned into a preview. The changes travel to the confirm step inside a signed
token (`django.core.signing`), so nothing about the upload is stored on the server; the confirm
step saves through `services.self_assessments_update`, whose row versions refuse rows that
changed in the database after the preview.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from clusters import scoring, services
from clusters.models import Evaluation, SelfAssessment
from core.imports import ImportRefused, TokenInvalid, find_column, import_reason, number_problem, token_open, token_sign
from core.numbers import NumberError, parse_decimal
from core.tables import Table

TOKEN_SALT = "clusters.score-import"
# An indicator number is digits, nothing else: "18.9" or "19,99" is no indicator at all.
_INDICATOR_NUMBER = re.compile(r"^[0-9]{1,9}$")


@dataclass
class ImportRow:
    """One line of the file as the preview shows it."""

    line: int
    number: str
    name: str = ""
    old_score: Decimal | None = None
    new_score: Decimal | None = None
    old_evidence: str = ""
    new_evidence: str = ""
    pk: int | None = None
    version: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def score_changed(self) -> bool:
        return self.pk is not None and self.new_score != self.old_score

    @property
    def evidence_changed(self) -> bool:
        return self.pk is not None and self.new_evidence != self.old_evidence

    @property
    def changed(self) -> bool:
        return self.score_changed or self.evidence_changed


@dataclass
class ScorePreview:
    evaluation: Evaluation
    file_name: str
    rows: list[ImportRow]
    stage_problem: str = ""

    @property
    def problem_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.problems]

    @property
    def changes(self) -> list[ImportRow]:
        return [row for row in self.rows if row.changed and not row.problems]

    @property
    def can_confirm(self) -> bool:
        return not self.stage_problem and not self.problem_rows and bool(self.changes)


def scores_preview(*, evaluation: Evaluation, table: Table, file_name: str) -> ScorePreview:
    """Checks every row of `table` against `evaluation`; writes nothing.

    Columns are found by their names in Indonesian or English ("No.", "Penilaian mandiri",
    optionally "Catatan bukti dukung"); other columns are ignored, so an exported score table
    imports as it is. An empty score or note cell leaves the stored value unchanged.
    Raises ImportRefused when the number or score column is missing.
    """
    number_column = find_column(table.header, "No.")
    score_column = find_column(table.header, "Self-assessment")
    evidence_column = find_column(table.header, "Evidence note")
    if not number_column or not score_column:
        raise ImportRefused(
            _("The file needs the columns “%(number)s” and “%(score)s” in its first row. Download the import "
              "template to see the expected layout.") % {"number": _("No."), "score": _("Self-assessment")}
        )
    stored = {
        row.indicator.number: row
        for row in SelfAssessment.objects.filter(evaluation=evaluation).for_scoring()
    }
    seen: dict[int, int] = {}
    rows = []
    for line, cells in zip(table.line_numbers, table.rows, strict=True):
        rows.append(_check_row(line, cells, number_column, score_column, evidence_column, stored, seen))
    stage_problem = ""
    if not evaluation.is_self_assessment_open:
        stage_problem = _(
            "The %(year)s evaluation is in the “%(stage)s” stage: self-assessment scores can be imported only "
            "in the self-assessment stage. Nothing will be saved."
        ) % {"year": evaluation.year, "stage": evaluation.get_stage_display()}
    return ScorePreview(evaluation=evaluation, file_name=file_name, rows=rows, stage_problem=stage_problem)


def _check_row(line, cells, number_column, score_column, evidence_column, stored, seen) -> ImportRow:
    number_text = cells.get(number_column, "")
    row = ImportRow(line=line, number=number_text)
    number = int(number_text) if _INDICATOR_NUMBER.match(number_text) else None
    if number is None or number not in stored:
        row.problems.append(_("Unknown indicator “%(number)s”.") % {"number": number_text})
        return row
    if number in seen:
        row.problems.append(
            _("Duplicate row: indicator %(number)s is already on line %(line)s.") % {"number": number,
                                                                                  "line": seen[number]}
        )
        return row
    seen[number] = line
    current = stored[number]
    row.name, row.pk, row.version = current.indicator.name, current.pk, current.version
    row.old_score, row.new_score = current.score, current.score
    row.old_evidence, row.new_evidence = current.evidence, current.evidence
    score_text = cells.get(score_column, "")
    if score_text:
        try:
            score = parse_decimal(score_text)
        except NumberError as error:
            row.problems.append(number_problem(score_column, score_text, error))
        else:
            problem = scoring.score_problem(score, maximum=current.max_points, deductions=current.deduction_total)
            if problem:
                row.problems.append(problem.message)
            if not row.problems:
                row.new_score = score
    if evidence_column and cells.get(evidence_column, ""):
        row.new_evidence = cells[evidence_column]
    return row


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def preview_token(preview: ScorePreview) -> str:
    """The preview's changes, signed, for the confirm form's hidden field.

    Replaying a token is harmless: each change carries the values it was previewed from, so a second
    confirm (by anyone) is refused as a conflict instead of saving twice. Only the fields the file
    changes are written.
    """
    return token_sign(
        {
            "year": preview.evaluation.year,
            "file": preview.file_name,
            "changes": [
                [row.pk, row.version, _text(row.new_score), row.new_evidence,
                 [name for name in ("score", "evidence") if getattr(row, f"{name}_changed")],
                 _text(row.old_score), row.old_evidence]
                for row in preview.changes
            ],
        },
        salt=TOKEN_SALT,
    )


@dataclass(frozen=True)
class ConfirmedImport:
    file_name: str
    changes: list[services.ScoreChange]


def token_read(token: str, *, evaluation: Evaluation) -> ConfirmedImport:
    """The changes signed into `token`; TokenInvalid when altered, expired or made for another evaluation."""
    data = token_open(token, salt=TOKEN_SALT)
    if not isinstance(data, dict) or data.get("year") != evaluation.year:
        raise TokenInvalid
    # Only the fields the file changes are written, and checked against the values previewed.
    try:
        changes = [
            services.ScoreChange(pk=pk, version=version, score=_decimal(score), evidence=evidence,
                                 fields=frozenset(fields), seen_score=_decimal(old_score), seen_evidence=old_evidence)
            for pk, version, score, evidence, fields, old_score, old_evidence in data["changes"]
        ]
    except (TypeError, ValueError) as error:  # a token signed in an older format
        raise TokenInvalid from error
    return ConfirmedImport(file_name=data["file"], changes=changes)


def scores_import(*, evaluation: Evaluation, confirmed: ConfirmedImport) -> int:
    """Saves the confirmed changes in one transaction, each history record saying which file they came from.

    Raises what `services.self_assessments_update` raises (EditConflict, StageClosed, IntegrityError).
    """
    return services.self_assessments_update(evaluation=evaluation, changes=confirmed.changes,
                                            reason=import_reason(confirmed.file_name))
