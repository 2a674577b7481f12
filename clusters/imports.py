"""Self-assessment scores from a spreadsheet: a preview of every row, then all rows or none.

The uploaded file is parsed once (by `core.tables`), checked row by row against the
evaluation, and turned into a preview. The changes travel to the confirm step inside a signed
token (`django.core.signing`), so nothing about the upload is stored on the server; the confirm
step saves through `services.self_assessments_update` (indicators scored as a whole) and
`services.evaluation_question_scores_update` (questions), whose row versions refuse rows that
changed in the database after the preview.

An evaluation on the 2019-era framework is imported a row per indicator, matched on its number. One
with question-scored indicators (the 2024 instrument) is imported a row per question, matched on the
indicator's code ("21A") and the question's ("2a"); its indicators' scores follow from their questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from clusters import scoring, services
from clusters.models import Evaluation, QuestionScore, SelfAssessment
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
    question_code: str = ""  # a question's row (its `pk` is then a QuestionScore's)
    question_text: str = ""
    is_question: bool = False
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
    by_questions: bool = False  # the evaluation has question-scored indicators: a row per question

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
    optionally "Catatan bukti dukung", and "No. pertanyaan" for an evaluation scored by questions);
    other columns are ignored, so an exported score table imports as it is. An empty score or note
    cell leaves the stored value unchanged. Raises ImportRefused when the number or score column is
    missing.
    """
    columns = _Columns(
        number=find_column(table.header, "No."),
        question=find_column(table.header, "Question no."),
        score=find_column(table.header, "Self-assessment"),
        evidence=find_column(table.header, "Evidence note"),
    )
    if not columns.number or not columns.score:
        raise ImportRefused(
            _("The file needs the columns “%(number)s” and “%(score)s” in its first row. Download the import "
              "template to see the expected layout.") % {"number": _("No."), "score": _("Self-assessment")}
        )
    stored_rows = list(SelfAssessment.objects.filter(evaluation=evaluation).for_scoring())
    by_questions = any(row.scored_by_questions for row in stored_rows)
    if by_questions:
        check = _QuestionLevelCheck(stored_rows, columns)
    else:
        check = _IndicatorLevelCheck(stored_rows, columns)
    rows = [check.row(line, cells) for line, cells in zip(table.line_numbers, table.rows, strict=True)]
    stage_problem = ""
    if not evaluation.is_self_assessment_open:
        stage_problem = _(
            "The %(year)s evaluation is in the “%(stage)s” stage: self-assessment scores can be imported only "
            "in the self-assessment stage. Nothing will be saved."
        ) % {"year": evaluation.year, "stage": evaluation.get_stage_display()}
    return ScorePreview(evaluation=evaluation, file_name=file_name, rows=rows, stage_problem=stage_problem,
                        by_questions=by_questions)


@dataclass(frozen=True)
class _Columns:
    number: str
    question: str | None
    score: str
    evidence: str | None


class _IndicatorLevelCheck:
    """The 2019-era rows: one per indicator, matched on its number."""

    def __init__(self, stored_rows: list[SelfAssessment], columns: _Columns):
        self.stored = {row.indicator.number: row for row in stored_rows}
        self.columns = columns
        self.seen: dict[int, int] = {}

    def row(self, line: int, cells: dict[str, str]) -> ImportRow:
        columns = self.columns
        number_text = cells.get(columns.number, "")
        row = ImportRow(line=line, number=number_text)
        number = int(number_text) if _INDICATOR_NUMBER.match(number_text) else None
        if number is None or number not in self.stored:
            row.problems.append(_("Unknown indicator “%(number)s”.") % {"number": number_text})
            return row
        if number in self.seen:
            row.problems.append(
                _("Duplicate row: indicator %(number)s is already on line %(line)s.") % {"number": number,
                                                                                      "line": self.seen[number]}
            )
            return row
        self.seen[number] = line
        if columns.question and cells.get(columns.question, ""):
            row.problems.append(
                _("Indicator %(number)s has no questions: leave “%(column)s” empty.")
                % {"number": number, "column": columns.question}
            )
            return row
        _indicator_values(row, self.stored[number], cells, columns)
        return row


class _QuestionLevelCheck:
    """Rows of an evaluation with question-scored indicators: one per question, matched on the indicator's
    code and the question's; an indicator scored as a whole keeps a row of its own, without a question."""

    def __init__(self, stored_rows: list[SelfAssessment], columns: _Columns):
        # An active indicator wins should a retired one share its code.
        self.indicators = {
            _code_key(row.indicator.code): row
            for row in sorted(stored_rows, key=lambda row: row.indicator.is_active)
        }
        by_pk = {row.pk: row for row in stored_rows}
        self.questions: dict[tuple[str, str], QuestionScore] = {}
        for score in QuestionScore.objects.filter(self_assessment_id__in=by_pk).select_related("question"):
            score.self_assessment = by_pk[score.self_assessment_id]
            self.questions[(_code_key(score.self_assessment.indicator.code), _code_key(score.question.code))] = score
        self.columns = columns
        self.seen: dict[tuple[str, str], int] = {}

    def row(self, line: int, cells: dict[str, str]) -> ImportRow:
        columns = self.columns
        code_text = cells.get(columns.number, "")
        question_text = cells.get(columns.question, "") if columns.question else ""
        row = ImportRow(line=line, number=code_text, question_code=question_text, is_question=bool(question_text))
        indicator = self.indicators.get(_code_key(code_text))
        if indicator is None:
            row.problems.append(_("Unknown indicator “%(number)s”.") % {"number": code_text})
            return row
        code = indicator.indicator.code
        row.number, row.name = code, indicator.indicator.name
        if not question_text:
            if indicator.scored_by_questions:
                row.problems.append(
                    _("Indicator %(number)s is scored by its questions: enter each question on a row of its own, "
                      "with the question's number in the column “%(column)s”.")
                    % {"number": code, "column": columns.question or _("Question no.")}
                )
                return row
            if self._duplicate(row, (_code_key(code), ""),
                               _("Duplicate row: indicator %(number)s is already on line %(line)s.")):
                return row
            _indicator_values(row, indicator, cells, columns)
            return row
        score = self.questions.get((_code_key(code), _code_key(question_text)))
        if score is None:
            row.problems.append(_("Indicator %(number)s has no question “%(question)s”.")
                                % {"number": code, "question": question_text})
            return row
        row.question_code, row.question_text = score.question.code, score.question.text
        if self._duplicate(row, (_code_key(code), _code_key(question_text)),
                           _("Duplicate row: question %(question)s of indicator %(number)s is already on line "
                             "%(line)s.")):
            return row
        row.pk, row.version = score.pk, score.version
        row.old_score, row.new_score = score.score, score.score
        row.old_evidence, row.new_evidence = score.evidence, score.evidence
        _new_values(row, cells, columns, maximum=score.max_points, question=True)
        return row

    def _duplicate(self, row: ImportRow, key: tuple[str, str], message: str) -> bool:
        if key in self.seen:
            row.problems.append(message % {"number": row.number, "question": row.question_code,
                                           "line": self.seen[key]})
            return True
        self.seen[key] = row.line
        return False


def _code_key(code: str) -> str:
    """An indicator's or question's code as matched: "21a" is "21A", spaces around it do not count."""
    return code.strip().casefold()


def _indicator_values(row: ImportRow, current: SelfAssessment, cells: dict[str, str], columns: _Columns) -> None:
    row.name, row.pk, row.version = current.indicator.name, current.pk, current.version
    row.old_score, row.new_score = current.score, current.score
    row.old_evidence, row.new_evidence = current.evidence, current.evidence
    _new_values(row, cells, columns, maximum=current.max_points, deductions=current.deduction_total)


def _new_values(row: ImportRow, cells: dict[str, str], columns: _Columns, *, maximum: Decimal,
                deductions: Decimal = scoring.ZERO, question: bool = False) -> None:
    """The row's new score and note from its cells, or the problem with them; empty cells change nothing."""
    score_text = cells.get(columns.score, "")
    if score_text:
        try:
            score = parse_decimal(score_text)
        except NumberError as error:
            row.problems.append(number_problem(columns.score, score_text, error))
        else:
            problem = scoring.score_problem(score, maximum=maximum, deductions=deductions, question=question)
            if problem:
                row.problems.append(problem.message)
            if not row.problems:
                row.new_score = score
    if columns.evidence and cells.get(columns.evidence, ""):
        row.new_evidence = cells[columns.evidence]


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
    data = {
        "year": preview.evaluation.year,
        "file": preview.file_name,
        "changes": [_signed_change(row) for row in preview.changes if not row.is_question],
    }
    if questions := [_signed_change(row) for row in preview.changes if row.is_question]:
        data["questions"] = questions
    return token_sign(data, salt=TOKEN_SALT)


def _signed_change(row: ImportRow) -> list:
    return [row.pk, row.version, _text(row.new_score), row.new_evidence,
            [name for name in ("score", "evidence") if getattr(row, f"{name}_changed")],
            _text(row.old_score), row.old_evidence]


@dataclass(frozen=True)
class ConfirmedImport:
    file_name: str
    changes: list[services.ScoreChange]  # self-assessments (indicators scored as a whole)
    question_changes: list[services.ScoreChange] = field(default_factory=list)


def token_read(token: str, *, evaluation: Evaluation) -> ConfirmedImport:
    """The changes signed into `token`; TokenInvalid when altered, expired or made for another evaluation."""
    data = token_open(token, salt=TOKEN_SALT)
    if not isinstance(data, dict) or data.get("year") != evaluation.year:
        raise TokenInvalid
    # Only the fields the file changes are written, and checked against the values previewed.
    try:
        changes = _read_changes(data["changes"])
        question_changes = _read_changes(data.get("questions", []))
    except (TypeError, ValueError) as error:  # a token signed in an older format
        raise TokenInvalid from error
    return ConfirmedImport(file_name=data["file"], changes=changes, question_changes=question_changes)


def _read_changes(signed: list) -> list[services.ScoreChange]:
    return [
        services.ScoreChange(pk=pk, version=version, score=_decimal(score), evidence=evidence,
                             fields=frozenset(fields), seen_score=_decimal(old_score), seen_evidence=old_evidence)
        for pk, version, score, evidence, fields, old_score, old_evidence in signed
    ]


def scores_import(*, evaluation: Evaluation, confirmed: ConfirmedImport) -> int:
    """Saves the confirmed changes in one transaction, each history record saying which file they came from.
    Returns how many rows (indicators and questions) were saved.

    Raises what `services.self_assessments_update` and `services.evaluation_question_scores_update` raise
    (EditConflict, QuestionScoresChanged, StageClosed, IntegrityError); then nothing was saved.
    """
    reason = import_reason(confirmed.file_name)
    with transaction.atomic():
        saved = services.self_assessments_update(evaluation=evaluation, changes=confirmed.changes, reason=reason)
        if confirmed.question_changes:
            saved += services.evaluation_question_scores_update(
                evaluation=evaluation, changes=confirmed.question_changes, reason=reason
            )
    return saved
