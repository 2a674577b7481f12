"""Writes that touch several rows of the evaluation framework."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from clusters.models import Cluster, Evaluation, FieldDeduction, Indicator, Predicate, SelfAssessment
from core.conflicts import WriteRefused
from core.loading import LoadReport
from core.versions import EditConflict, claim

DATA_DIR = Path(__file__).resolve().parent / "data"
INDICATORS_CSV = DATA_DIR / "kla_indicators.csv"

# Names as the domain README gives them; loaded once, then editable by admins.
CLUSTERS = [
    ("KLB", "Penguatan Kelembagaan", "Institutional strengthening"),
    ("K1", "Klaster I: Hak Sipil dan Kebebasan", "Cluster I: Civil rights and freedoms"),
    (
        "K2",
        "Klaster II: Lingkungan Keluarga dan Pengasuhan Alternatif",
        "Cluster II: Family environment and alternative care",
    ),
    ("K3", "Klaster III: Kesehatan Dasar dan Kesejahteraan", "Cluster III: Basic health and welfare"),
    (
        "K4",
        "Klaster IV: Pendidikan, Pemanfaatan Waktu Luang dan Kegiatan Budaya",
        "Cluster IV: Education, leisure and culture",
    ),
    ("K5", "Klaster V: Perlindungan Khusus", "Cluster V: Special protection"),
]

# (code, name, lower bound, inclusive): Pratama from 500 inclusive, the others strictly above.
PREDICATES = [
    ("pratama", "Pratama", Decimal("500"), True),
    ("madya", "Madya", Decimal("600"), False),
    (Predicate.NINDYA, "Nindya", Decimal("700"), False),
    ("utama", "Utama", Decimal("800"), False),
    ("kla", "KLA", Decimal("900"), False),
]


@transaction.atomic
def framework_load(*, report: LoadReport, indicators_csv: Path = INDICATORS_CSV) -> None:
    """Creates the clusters, indicators and predicates that do not exist yet.

    Existing rows are left as they are, so a second run changes nothing and admins' edits
    (a corrected maximum, a renamed indicator) survive.
    """
    clusters = {}
    for order, (code, name, name_en) in enumerate(CLUSTERS):
        cluster, created = Cluster.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
        clusters[code] = cluster
        report.count("clusters", created)

    with open(indicators_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            _, created = Indicator.objects.get_or_create(
                number=int(row["number"]),
                is_active=True,
                defaults={
                    "cluster": clusters[row["cluster_code"]],
                    "name": row["indicator"],
                    "max_points": Decimal(row["provisional_max_points"]),
                    "placement": row["placement"],
                },
            )
            report.count("indicators", created)

    for code, name, lower, inclusive in PREDICATES:
        _, created = Predicate.objects.get_or_create(
            code=code, defaults={"name": name, "lower_bound": lower, "lower_inclusive": inclusive}
        )
        report.count("predicates", created)


@transaction.atomic
def evaluation_create(*, year: int, is_sample: bool = False) -> Evaluation:
    """Creates the evaluation of `year` with the current indicator framework copied into it."""
    evaluation = Evaluation.objects.create(year=year, is_sample=is_sample)
    evaluation_framework_copy(evaluation=evaluation)
    return evaluation


def evaluation_framework_copy(*, evaluation: Evaluation) -> None:
    """Gives `evaluation` one empty self-assessment per active indicator it lacks, each keeping
    the indicator's current maximum, so later framework edits never change this year's results."""
    present = set(evaluation.self_assessments.values_list("indicator_id", flat=True))
    bulk_create_with_history(
        [
            SelfAssessment(evaluation=evaluation, indicator=indicator, max_points=indicator.max_points)
            for indicator in Indicator.objects.active().exclude(pk__in=present)
        ],
        SelfAssessment,
    )


def evaluation_next_year(*, first_year: int) -> int:
    """The year after the latest evaluation (or `first_year` when there is none)."""
    latest = Evaluation.objects.aggregate(latest=Max("year"))["latest"]
    return latest + 1 if latest else first_year


def evaluation_create_next(*, first_year: int) -> Evaluation:
    """Creates the evaluation of the year after the latest one (or of `first_year` when there is none)."""
    return evaluation_create(year=evaluation_next_year(first_year=first_year))


class StageClosed(WriteRefused):
    """The evaluation's stage does not allow this edit; nothing was saved."""

    def __init__(self, evaluation: Evaluation):
        super().__init__(f"{evaluation} is in the {evaluation.stage} stage")
        self.evaluation = evaluation


SCORE_FIELDS = frozenset({"score", "evidence"})
UNSEEN = object()  # a ScoreChange made without the values its form showed: only the version can tell


@dataclass(frozen=True)
class ScoreChange:
    """A self-assessment as the form submits it, with the version the form was loaded from.

    `fields` are the fields the user changed (only those are written); `seen_score` / `seen_evidence`
    are the values the form showed, so a row saved meanwhile by someone else is still saved when that
    person changed only fields this user left alone.
    """

    pk: int
    version: int
    score: Decimal | None
    evidence: str
    fields: frozenset = SCORE_FIELDS
    seen_score: object = UNSEEN
    seen_evidence: object = UNSEEN

    def changed_meanwhile(self, row: SelfAssessment) -> bool:
        """Whether another save touched a field this change writes, since the form was loaded."""
        if row.version == self.version:
            return False
        seen = {"score": self.seen_score, "evidence": self.seen_evidence}
        return any(seen[name] is UNSEEN or getattr(row, name) != seen[name] for name in self.fields)


def _lock_evaluation(evaluation: Evaluation) -> Evaluation:
    # The stage is read under a row lock, so an admin closing the stage cannot interleave with a save.
    return Evaluation.objects.select_for_update().get(pk=evaluation.pk)


@transaction.atomic
def self_assessments_update(*, evaluation: Evaluation, changes: list[ScoreChange], reason: str = "") -> int:
    """Saves the changed fields of one evaluation's scores, all or nothing. Returns how many rows were saved.

    Only the fields each change names are written, so a note saved by someone else meanwhile survives a
    score saved from an older form. A row is refused when its version moved on AND another save changed
    a field this change writes (the value is no longer the one the form showed); `EditConflict` names
    every such row and the whole save is rolled back. Raises `StageClosed` outside the self-assessment
    stage, and lets the database's IntegrityError through (for example a score below deductions recorded
    meanwhile). `reason` is kept in each row's history record (an import names its file there).
    """
    if not _lock_evaluation(evaluation).is_self_assessment_open:
        raise StageClosed(evaluation)
    # Row locks: the comparison with the seen values and the write cannot interleave with another save.
    rows = (SelfAssessment.objects.select_for_update().filter(evaluation=evaluation)
            .in_bulk([change.pk for change in changes]))
    stale = [change.pk for change in changes if change.pk not in rows or change.changed_meanwhile(rows[change.pk])]
    # Compare-and-increment on the version read above as well: safe even where rows cannot be locked.
    stale += [change.pk for change in changes if change.pk not in stale
              and not claim(SelfAssessment.objects, pk=change.pk, version=rows[change.pk].version)]
    if stale:
        raise EditConflict(stale)
    for change in changes:
        row = rows[change.pk]
        fields = sorted(change.fields & SCORE_FIELDS)
        for name in fields:
            setattr(row, name, getattr(change, name))
        row.version += 1
        if reason:
            row._change_reason = reason
        row.save(update_fields=[*fields, "version", "updated_at"])  # records the history
    return len(changes)


@transaction.atomic
def deduction_create(*, self_assessment: SelfAssessment, points: Decimal, reason: str) -> FieldDeduction:
    """Records a field deduction in the evaluation's current verification stage."""
    evaluation = _lock_evaluation(self_assessment.evaluation)
    if not evaluation.is_deduction_open:
        raise StageClosed(evaluation)
    return FieldDeduction.objects.create(
        self_assessment=self_assessment, points=points, reason=reason, stage=evaluation.stage
    )


@transaction.atomic
def deduction_update(*, deduction: FieldDeduction, version: int, points: Decimal, reason: str) -> FieldDeduction:
    """Changes a deduction if it is still at `version` (else `EditConflict`), in a verification stage."""
    if not _lock_evaluation(deduction.self_assessment.evaluation).is_deduction_open:
        raise StageClosed(deduction.self_assessment.evaluation)
    if not claim(FieldDeduction.objects, pk=deduction.pk, version=version):
        raise EditConflict([deduction.pk])
    deduction.points, deduction.reason, deduction.version = points, reason, version + 1
    deduction.save(update_fields=["points", "reason", "version", "updated_at"])
    return deduction


@transaction.atomic
def deduction_delete(*, deduction: FieldDeduction, version: int) -> None:
    """Removes a deduction if it is still at `version` (else `EditConflict`), in a verification stage."""
    if not _lock_evaluation(deduction.self_assessment.evaluation).is_deduction_open:
        raise StageClosed(deduction.self_assessment.evaluation)
    if not claim(FieldDeduction.objects, pk=deduction.pk, version=version):
        raise EditConflict([deduction.pk])
    deduction.delete()


@transaction.atomic
def evaluation_stage_change(*, evaluation: Evaluation, stage: str, reason: str) -> Evaluation:
    """Moves the evaluation to `stage`; the change and its reason are kept in its history.

    Reopening a final evaluation needs a reason (ValueError without one, or with one longer than the
    history column holds).
    """
    reason_limit = Evaluation.history.model._meta.get_field("history_change_reason").max_length
    if len(reason.strip()) > reason_limit:  # SQLite would store it; PostgreSQL and a restore into it refuse it
        raise ValueError(f"A stage-change reason holds at most {reason_limit} characters.")
    evaluation = _lock_evaluation(evaluation)
    if evaluation.stage == Evaluation.Stage.FINAL and stage != Evaluation.Stage.FINAL and not reason.strip():
        raise ValueError("Reopening a final evaluation needs a reason.")
    evaluation.stage = stage
    evaluation._change_reason = reason.strip()
    evaluation.save(update_fields=["stage", "updated_at"])
    return evaluation
