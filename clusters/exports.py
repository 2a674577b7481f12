"""Evaluation scores as XLSX and CSV (groundwork for issue 6).

Column names follow the active language (Indonesian by default); the files are written by
`core.spreadsheets` (numbers stay numbers, text never becomes a formula).
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clusters.models import Evaluation, FieldDeduction, SelfAssessment
from clusters.selectors import result_status


def evaluation_score_table(evaluation: Evaluation) -> tuple[list[str], list[list]]:
    """Header and rows (one per indicator) of an evaluation's scores, in two queries. The score after
    deductions is called final only once the evaluation is; before, its column says for which stage
    it is provisional."""
    status = result_status(evaluation)
    header = [
        _("Cluster"),
        _("No."),
        _("Indicator"),
        _("Maximum"),
        _("Self-assessment"),
        _("Deductions"),
        _("Deduction reasons"),
        _("Final score") if status.is_final else _("Score (%(stage)s)") % {"stage": status.provisional_label},
        _("Headroom"),
        _("Evidence note"),
    ]
    reasons: dict[int, list[str]] = {}
    for deduction in FieldDeduction.objects.filter(self_assessment__evaluation=evaluation).order_by("pk"):
        reasons.setdefault(deduction.self_assessment_id, []).append(
            f"{number_format(deduction.points, 2, use_l10n=True)}: {deduction.reason}"
        )
    rows = []
    for row in SelfAssessment.objects.filter(evaluation=evaluation).for_scoring():
        score = row.to_score()
        rows.append(
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
    return header, rows


def import_template_table(evaluation: Evaluation) -> tuple[list[str], list[list]]:
    """The blank import template: one row per indicator, score and note left empty to fill in."""
    header = [_("Cluster"), _("No."), _("Indicator"), _("Maximum"), _("Self-assessment"), _("Evidence note")]
    rows = [
        [row.indicator.cluster.code, row.indicator.number, row.indicator.name, row.max_points, None, ""]
        for row in SelfAssessment.objects.filter(evaluation=evaluation).select_related("indicator__cluster")
        .order_by("indicator__cluster__order", "indicator__number")
    ]
    return header, rows
