"""Self-assessment scores from a spreadsheet: a preview of every row, then all rows or none.

The uploaded file is parsed once (by `clusters.tables`), checked row by row against the
evaluation, and turned into a preview. The changes travel to the confirm step inside a signed
token (`django.core.signing`), so nothing about the upload is stored on the server; the confirm
step saves through `services.self_assessments_update`, whose row versions refuse rows that
changed in the database after the preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clusters import services
from clusters.models import Evaluation, SelfAssessment
from clusters.tables import Table, parse_number
from core.forms import number_error
from core.numbers import NumberError

TOKEN_SALT = "clusters.score-import"
TOKEN_MAX_AGE = 60 * 60  # seconds: a preview older than an hour must be uploaded again
REASON_MAX_LENGTH = 100  # simple_history's history_change_reason column


class ImportRefused(Exception):
    """The file as a whole cannot be imported (missing columns); the message says why."""


class TokenInvalid(Exception):
    """The confirm form's token was altered, expired, or belongs to another evaluation."""


def _column_names(msgid: str) -> set[str]:
    names = set()
    for language in ("id", "en"):
        with translation.override(language):
            names.add(_(msgid).casefold())
    return names


def find_column(header: list[str], msgid: str) -> str | None:
    """The header cell that names `msgid` in Indonesian or English (any case), or None."""
    names = _column_names(msgid)
    return next((column for column in header if column.casefold() in names), None)


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
    try:
        number = int(parse_number(number_text))
    except ValueError:
        number = None
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
            score = parse_number(score_text)
        except NumberError as error:  # the reason too: "1.234,5" has two separators, "1,000" is ambiguous
            row.problems.append(" ".join([_("Not a number: “%(value)s”.") % {"value": score_text[:50]},
                                          *number_error(error, score_text[:50]).messages]))
        else:
            row.problems.extend(_score_problems(score, current))
            if not row.problems:
                row.new_score = score
    if evidence_column and cells.get(evidence_column, ""):
        row.new_evidence = cells[evidence_column]
    return row


def _score_problems(score: Decimal, current: SelfAssessment) -> list[str]:
    if score < 0 or score.is_signed():
        return [_("The score may not be negative.")]
    if score > current.max_points:
        return [_("At most %(maximum)s points: the indicator's maximum.")
                % {"maximum": number_format(current.max_points, 2)}]
    if score != score.quantize(Decimal("0.01")):
        return [_("At most two decimals.")]
    if score < current.deduction_total:
        return [_("At least %(deductions)s points: the deductions already recorded for this indicator.")
                % {"deductions": number_format(current.deduction_total, 2)}]
    return []


def preview_token(preview: ScorePreview) -> str:
    """The preview's changes, signed, for the confirm form's hidden field.

    Replaying a token is harmless: each change carries the row version it was previewed from, so a
    second confirm (by anyone) is refused as a conflict instead of saving twice.
    """
    return signing.dumps(
        {
            "year": preview.evaluation.year,
            "file": preview.file_name,
            "changes": [
                [row.pk, row.version, None if row.new_score is None else str(row.new_score), row.new_evidence]
                for row in preview.changes
            ],
        },
        salt=TOKEN_SALT,
        compress=True,
    )


@dataclass(frozen=True)
class ConfirmedImport:
    file_name: str
    changes: list[services.ScoreChange]


def token_read(token: str, *, evaluation: Evaluation) -> ConfirmedImport:
    """The changes signed into `token`; TokenInvalid when altered, expired or made for another evaluation."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature too
        raise TokenInvalid from error
    if data.get("year") != evaluation.year:
        raise TokenInvalid
    changes = [
        services.ScoreChange(pk=pk, version=version, score=None if score is None else Decimal(score),
                             evidence=evidence)
        for pk, version, score, evidence in data["changes"]
    ]
    return ConfirmedImport(file_name=data["file"], changes=changes)


def scores_import(*, evaluation: Evaluation, confirmed: ConfirmedImport) -> int:
    """Saves the confirmed changes in one transaction, each history record saying which file they came from.

    Raises what `services.self_assessments_update` raises (EditConflict, StageClosed, IntegrityError).
    """
    reason = (_("Imported from %(file)s") % {"file": confirmed.file_name})[:REASON_MAX_LENGTH]
    return services.self_assessments_update(evaluation=evaluation, changes=confirmed.changes, reason=reason)
