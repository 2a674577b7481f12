"""Sample data replaying the cycle that ended with the 2025 award, on the 2024 instrument.

Question scores and reductions are illustrative; only the totals follow the published story: the
province's administrative verification left Kota Bogor 850,59 points, and the final result was Nindya.
Everything is written through the same services as the pages (question scores, stage changes,
verified scores), so the history reads like a real cycle's.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.db import transaction

from clusters import services, verifications
from clusters.models import Evaluation, Instrument, Predicate, SelfAssessment
from dashboard.demo import ALREADY_LOADED, LEFT_OUT, LOADED, DemoRefused, demo_users_ensure

YEAR = 2025
AFTER_PROVINCE = Decimal("850.59")  # published: the score after the province's administrative verification
MINISTRY_LOSS = Decimal("6.25")
FINAL = Decimal("781.90")  # illustrative, inside Nindya (above 700, up to 800) as the award was
NOTE = ("Data contoh (demo) siklus 2025 pada instrumen 2024: nilai per pertanyaan hanya ilustrasi; hanya total "
        "850,59 setelah verifikasi administrasi provinsi dan predikat akhir Nindya yang mengikuti berita.")

# Self-assessment as a share of each question's maximum, per group.
SELF_SHARE = {"KLB": "0.97", "K1": "0.95", "K2": "0.93", "K3": "0.92", "K4": "0.94", "K5": "0.90", "KD": "0.85"}
# What each stage lowers (a share of the score it finds) and why.
CUTS = {
    "admin_verification": (Decimal("0.40"), [
        "Dokumen pendukung tidak dilampirkan.",
        "Matriks belum lengkap.",
        "SK sudah kedaluwarsa.",
        "Data belum terpilah menurut umur dan jenis kelamin.",
    ]),
    "ministry_review": (Decimal("0.30"), ["Bukti kegiatan tidak sesuai tahun penilaian."]),
    "field_verification": (Decimal("0.50"), [
        "Di lapangan belum berjalan seperti dilaporkan.",
        "Anak yang ditemui belum mengetahui layanan ini.",
    ]),
}
# The field visit starts where the 2019 story left off: PATBM works in only part of the kelurahan.
FIELD_FIRST = [("26", "15", "PATBM baru berjalan di sebagian kelurahan.")]
CENT = Decimal("0.01")


def cycle_2025_load() -> str:
    """Loads the 2025 sample evaluation (final, Nindya) and the demo users. LEFT_OUT, changing nothing,
    where real evaluations exist; ALREADY_LOADED where the 2025 sample is there."""
    instrument = Instrument.objects.filter(code=Instrument.INSTRUMENT_2024).first()
    nindya = Predicate.objects.filter(code=Predicate.NINDYA).first()
    if instrument is None or nindya is None:
        raise DemoRefused("Reference data is missing: run `python manage.py load_reference_data` first.")
    existing = Evaluation.objects.filter(year=YEAR).first()
    if existing is not None and existing.is_sample:
        demo_users_ensure()
        return ALREADY_LOADED
    if existing is not None or Evaluation.objects.filter(is_sample=False).exists():
        return LEFT_OUT
    with transaction.atomic():
        evaluation = services.evaluation_create(year=YEAR, instrument=instrument, target=nindya, is_sample=True)
        Evaluation.objects.filter(pk=evaluation.pk).update(note=NOTE)
        _self_assessment(evaluation)
        self_total = _total(evaluation)
        losses = {
            "admin_verification": self_total - AFTER_PROVINCE,
            "ministry_review": MINISTRY_LOSS,
            "field_verification": AFTER_PROVINCE - MINISTRY_LOSS - FINAL,
        }
        used: set[int] = set()
        for stage, loss in losses.items():
            evaluation = services.evaluation_stage_change(evaluation=evaluation, stage=stage, reason="")
            _stage(evaluation, stage, loss, used)
        services.evaluation_stage_change(evaluation=evaluation, stage=Evaluation.Stage.FINAL, reason="")
        demo_users_ensure()
    return LOADED


def _rows(evaluation):
    return list(SelfAssessment.objects.filter(evaluation=evaluation).select_related("indicator__cluster", "evaluation")
                .order_by("indicator__number"))


def _total(evaluation) -> Decimal:
    return sum((row.score or Decimal("0") for row in SelfAssessment.objects.filter(evaluation=evaluation)),
               Decimal("0"))


def _self_assessment(evaluation) -> None:
    for row in _rows(evaluation):
        share = Decimal(SELF_SHARE[row.indicator.cluster.code])
        changes = [
            services.ScoreChange(pk=score.pk, version=score.version,
                                 score=(score.max_points * share).quantize(CENT, rounding=ROUND_DOWN),
                                 evidence=f"Contoh bukti dukung {row.indicator.code}.{score.question.code}.",
                                 fields=frozenset({"score", "evidence"}))
            for score in row.question_scores.select_related("question")
        ]
        services.question_scores_update(self_assessment=row, changes=changes, reason="demo")


def _candidates(evaluation):
    """Questions a stage may lower, largest first: never those of an indicator whose questions add up to
    more than its maximum (a cut there may cost nothing), so each cut costs exactly what it takes."""
    items = []
    for row in _rows(evaluation):
        questions = verifications.question_verifications(row)
        if sum(item.question_score.max_points for item in questions) > row.max_points:
            continue
        items += [(row, item) for item in questions]
    return sorted(items, key=lambda pair: (-pair[1].question_score.max_points, pair[0].indicator.number,
                                           pair[1].question_score.question.order))


def _stage(evaluation, stage: str, loss: Decimal, used: set[int]) -> None:
    share, reasons = CUTS[stage]
    remaining = loss
    changes: dict[int, tuple] = {}
    first = FIELD_FIRST if stage == "field_verification" else []
    pairs = _candidates(evaluation)
    ordered = [pair for code, question, _reason in first for pair in pairs
               if (pair[0].indicator.code, pair[1].question_score.question.code) == (code, question)]
    ordered += [pair for pair in pairs if pair not in ordered and pair[1].question_score.pk not in used]
    for index, (row, item) in enumerate(ordered):
        if remaining <= 0:
            break
        before = item.value_before(stage)
        cut = min((before * share).quantize(CENT, rounding=ROUND_DOWN), remaining)
        if cut <= 0:
            continue
        reason = next((r for c, q, r in first if (c, q) == (row.indicator.code, item.question_score.question.code)),
                      reasons[index % len(reasons)])
        changes.setdefault(row.pk, (row, []))[1].append(
            verifications.VerificationChange(item.question_score.pk, before - cut, reason, None))
        used.add(item.question_score.pk)
        remaining -= cut
    if remaining:
        raise DemoRefused(f"The sample cannot lose {loss} points in {stage}.")
    for row, row_changes in changes.values():
        verifications.verified_scores_update(self_assessment=row, changes=row_changes)
