"""Evaluation scores as XLSX and CSV (groundwork for issue 6).

Column names follow the active language (Indonesian by default); the files are written by
`core.spreadsheets` (numbers stay numbers, text never becomes a formula).

An evaluation on the 2019-era framework has a row per indicator. One with question-scored indicators (the
2024 instrument) has a row per question, in the instrument's order, with the indicator's and the question's
codes as text ("21A", "2a"); an indicator scored as a whole keeps one row, its question columns empty. Both
layouts import again as they are (`clusters.imports`).
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clusters.models import Evaluation, FieldDeduction, QuestionScore, SelfAssessment
from clusters.selectors import result_status


def _question_scores(evaluation: Evaluation) -> dict[int, list[QuestionScore]]:
    """The evaluation's question scores by self-assessment, each indicator's in the instrument's order."""
    scores: dict[int, list[QuestionScore]] = {}
    for score in (QuestionScore.objects.filter(self_assessment__evaluation=evaluation).select_related("question")
                  .order_by("self_assessment_id", "question__order")):
        scores.setdefault(score.self_assessment_id, []).append(score)
    return scores


def evaluation_score_table(evaluation: Evaluation) -> tuple[list[str], list[list]]:
    """Header and rows of an evaluation's scores: one row per indicator in two queries, or, when the
    evaluation has question-scored indicators, one row per question in three (see `_question_score_table`).
    The score after deductions is called final only once the evaluation is; before, its column says for
    which stage it is provisional."""
    status = result_status(evaluation)
    final_column = (_("Final score") if status.is_final
                    else _("Score (%(stage)s)") % {"stage": status.provisional_label})
    rows = list(SelfAssessment.objects.filter(evaluation=evaluation).for_scoring())
    reasons: dict[int, list[str]] = {}
    for deduction in FieldDeduction.objects.filter(self_assessment__evaluation=evaluation).order_by("pk"):
        reasons.setdefault(deduction.self_assessment_id, []).append(
            f"{number_format(deduction.points, 2, use_l10n=True)}: {deduction.reason}"
        )
    if any(row.scored_by_questions for row in rows):
        return _question_score_table(evaluation, rows, reasons, final_column)
    header = [
        _("Cluster"),
        _("No."),
        _("Indicator"),
        _("Maximum"),
        _("Self-assessment"),
        _("Deductions"),
        _("Deduction reasons"),
        final_column,
        _("Headroom"),
        _("Evidence note"),
    ]
    table = []
    for row in rows:
        score = row.to_score()
        table.append(
            [
                row.indicator.cluster.code,
                row.indicator.number,
                row.indicator.name,
                row.max_points,
                row.score,
                score.deductions,
                "; ".join(reasons.get(row.pk, [])),
                score.final if score.is_scored else None,
                score.headroom,
                row.evidence,
            ]
        )
    return header, table


def _question_score_table(evaluation, rows, reasons, final_column) -> tuple[list[str], list[list]]:
    """A row per question: its maximum, self-assessment score and evidence note (the columns an import
    reads), then its indicator's maximum, score, deductions, score after deductions and headroom. Those
    are filled on the indicator's first row only, so that each column adds up to the evaluation's total."""
    header = [
        _("Cluster"), _("No."), _("Question no."), _("Indicator"), _("Question"), _("Maximum"), _("Self-assessment"),
        _("Evidence note"), _("Indicator maximum"), _("Indicator score"), _("Deductions"), _("Deduction reasons"),
        final_column, _("Headroom"),
    ]
    questions = _question_scores(evaluation)
    table = []
    for row in rows:
        score = row.to_score()
        indicator_columns = [row.max_points, row.score, score.deductions, "; ".join(reasons.get(row.pk, [])),
                             score.final if score.is_scored else None, score.headroom]
        start = [row.indicator.cluster.code, row.indicator.code]
        if not row.scored_by_questions:
            table.append([*start, "", row.indicator.name, "", row.max_points, row.score, row.evidence,
                          *indicator_columns])
            continue
        for index, question_score in enumerate(questions.get(row.pk, [])):
            table.append([
                *start, question_score.question.code, row.indicator.name, question_score.question.text,
                question_score.max_points, question_score.score, question_score.evidence,
                *(indicator_columns if index == 0 else [None] * len(indicator_columns)),
            ])
    return header, table


def import_template_table(evaluation: Evaluation) -> tuple[list[str], list[list]]:
    """The blank import template: one row per indicator (or per question, for an evaluation with
    question-scored indicators), score and note left empty to fill in."""
    rows = (SelfAssessment.objects.filter(evaluation=evaluation).select_related("indicator__cluster")
            .order_by("indicator__cluster__order", "indicator__number"))
    if not any(row.scored_by_questions for row in rows):
        header = [_("Cluster"), _("No."), _("Indicator"), _("Maximum"), _("Self-assessment"), _("Evidence note")]
        return header, [
            [row.indicator.cluster.code, row.indicator.number, row.indicator.name, row.max_points, None, ""]
            for row in rows
        ]
    header = [_("Cluster"), _("No."), _("Question no."), _("Indicator"), _("Question"), _("Maximum"),
              _("Self-assessment"), _("Evidence note")]
    questions = _question_scores(evaluation)
    table = []
    for row in rows:
        start = [row.indicator.cluster.code, row.indicator.code]
        if row.scored_by_questions:
            table.extend([*start, score.question.code, row.indicator.name, score.question.text, score.max_points,
                          None, ""] for score in questions.get(row.pk, []))
        else:
            table.append([*start, "", row.indicator.name, "", row.max_points, None, ""])
    return header, table
