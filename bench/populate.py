"""Fills a benchmark database with a large, realistic data set.

Evaluations on the 2019-era framework for 2006-2023 (every indicator scored and deducted) and 30
years on the 2024 instrument, 2024-2053 (every question scored, some lowered in each verification
stage with a reason, the indicators' losses per stage as their deductions; the latest year still in
the self-assessment), each score with a few edits in its history; 60 users in the three roles; 40
planner scenarios (half of them action plans); and the national count of kelurahan (83,000) in about
7,000 kecamatan, each with a PATBM and its history of steps. Deterministic (fixed seed), so runs compare.

The small set (the demo and its 2025 cycle) gets one question-level evaluation being filled, 2026
(`small_populate`), so that both sets have the question pages `question_page_years` names.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from clusters import scoring, verifications
from clusters.models import (
    Evaluation,
    FieldDeduction,
    Instrument,
    Predicate,
    QuestionScore,
    SelfAssessment,
    VerifiedScore,
)
from clusters.services import evaluation_create
from core.roles import ADMIN, STAFF, TASK_FORCE
from kelurahan.models import Kecamatan, Kelurahan, Patbm
from planner.models import Scenario, ScenarioItem

FRAMEWORK_YEARS = range(2006, 2024)  # the 2019-era framework (the demo's 2017-2019 among them)
QUESTION_YEARS = range(2024, 2054)  # 30 years on the 2024 instrument (the demo's 2025 among them)
SMALL_OPEN_YEAR = 2026  # the small set's question-level evaluation being filled
CENT = Decimal("0.01")
KELURAHAN = 83_000
PER_KECAMATAN = 12
BATCH = 2_000
USERS = {STAFF: 40, TASK_FORCE: 15, ADMIN: 5}
SCENARIOS = 40
EDITS_PER_SCORE = 3  # history rows per score beyond its creation


def _codes(count: int):
    """Kemendagri-shaped kecamatan codes NN.NN.NN, distinct, in order."""
    made = 0
    for province in range(11, 100):
        for city in range(1, 100):
            for kecamatan in range(1, 100):
                if made == count:
                    return
                yield f"{province:02d}.{city:02d}.{kecamatan:02d}"
                made += 1


@transaction.atomic
def evaluations_populate(rng: random.Random) -> None:
    existing = set(Evaluation.objects.values_list("year", flat=True))
    framework = Instrument.objects.get(code=Instrument.FRAMEWORK_2019)
    for year in FRAMEWORK_YEARS:
        if year in existing:
            continue
        evaluation = evaluation_create(year=year, instrument=framework)
        evaluation.stage = Evaluation.Stage.FINAL
        evaluation.save(update_fields=["stage"])
        rows = list(evaluation.self_assessments.all())
        deductions = []
        for row in rows:
            row.score = (row.max_points * Decimal(rng.uniform(0.55, 0.95))).quantize(Decimal("0.01"))
            for _ in range(rng.randint(1, 2)):
                deductions.append(
                    FieldDeduction(
                        self_assessment=row,
                        points=(row.score * Decimal(rng.uniform(0.01, 0.2))).quantize(Decimal("0.01"))
                        or Decimal("0.01"),
                        reason="Catatan juri (data benchmark).",
                    )
                )
        SelfAssessment.objects.bulk_update(rows, ["score"])
        FieldDeduction.objects.bulk_create(deductions)
        _score_history_populate(rows)


@transaction.atomic
def question_evaluations_populate(rng: random.Random, years: range | list[int]) -> None:
    """Evaluations of `years` on the 2024 instrument, every question scored (a fifth left empty in the
    year still being filled): the last year stays in the self-assessment, every other is final, with
    some questions lowered in each verification stage. Written in bulk; the totals follow the same
    rules as the services' (an indicator's score is its questions' sum, at most its maximum, and its
    loss in a stage is its `from_questions` deduction)."""
    existing = set(Evaluation.objects.values_list("year", flat=True))
    instrument = Instrument.objects.get(code=Instrument.INSTRUMENT_2024)
    utama = Predicate.objects.filter(code="utama").first()
    years = list(years)
    for year in years:
        if year in existing:
            continue
        is_open = year == years[-1]
        evaluation = evaluation_create(year=year, instrument=instrument, target=utama if is_open else None)
        rows = {row.pk: row for row in evaluation.self_assessments.all()}
        questions = list(QuestionScore.objects.filter(self_assessment__evaluation=evaluation)
                         .order_by("self_assessment_id", "question__order"))
        for question in questions:
            if is_open and rng.random() < 0.2:
                continue
            question.score = (question.max_points * Decimal(rng.uniform(0.6, 1.0))).quantize(CENT, ROUND_DOWN)
            question.evidence = "Bukti dukung (data benchmark)."
        QuestionScore.objects.bulk_update(questions, ["score", "evidence"], batch_size=BATCH)
        by_row: dict[int, list[QuestionScore]] = {}
        for question in questions:
            by_row.setdefault(question.self_assessment_id, []).append(question)
        for pk, items in by_row.items():
            rows[pk].score = min(sum((item.score or scoring.ZERO for item in items), scoring.ZERO), rows[pk].max_points)
        SelfAssessment.objects.bulk_update(list(rows.values()), ["score"])
        _score_history_populate(list(rows.values()))
        _question_history_populate(questions)
        if not is_open:
            _verifications_populate(rng, rows, by_row)
            Evaluation.objects.filter(pk=evaluation.pk).update(stage=Evaluation.Stage.FINAL)


def _verifications_populate(rng: random.Random, rows: dict[int, SelfAssessment],
                            by_row: dict[int, list[QuestionScore]]) -> None:
    """Each verification stage lowers about one question in ten by a share of its score then, with a
    reason; each indicator's loss per stage becomes its `from_questions` deduction."""
    verified, deductions = [], []
    for pk, items in by_row.items():
        stages = {item.pk: {} for item in items}
        for stage in verifications.STAGES:
            for item in items:
                before = scoring.QuestionStages(item.score, stages[item.pk]).values(verifications.STAGES)[-1]
                if before > 0 and rng.random() < 0.1:
                    score = (before * Decimal(rng.uniform(0.5, 0.9))).quantize(CENT, ROUND_DOWN)
                    stages[item.pk][stage] = score
                    verified.append(VerifiedScore(question_score=item, stage=stage, score=score,
                                                  reason="Bukti dukung belum lengkap (data benchmark)."))
        losses = scoring.stage_losses([scoring.QuestionStages(item.score, stages[item.pk]) for item in items],
                                      rows[pk].max_points, verifications.STAGES)
        deductions += [FieldDeduction(self_assessment=rows[pk], stage=stage, points=loss, from_questions=True,
                                      reason="Bukti dukung belum lengkap (data benchmark).")
                       for stage, loss in losses.items() if loss > 0]
    VerifiedScore.objects.bulk_create(verified, batch_size=BATCH)
    FieldDeduction.objects.bulk_create(deductions, batch_size=BATCH)


def _question_history_populate(questions: list[QuestionScore]) -> None:
    """Earlier edits of each scored question, as the pages' history reads them."""
    history_model = QuestionScore.history.model
    now = timezone.now()
    history_model.objects.bulk_create(
        [
            history_model(
                id=question.pk, self_assessment_id=question.self_assessment_id, question_id=question.question_id,
                max_points=question.max_points, score=question.score, evidence=f"Bukti dukung, versi {edit}",
                version=edit + 1, updated_at=now, history_date=now, history_type="~",
            )
            for question in questions if question.score is not None
            for edit in range(1, EDITS_PER_SCORE + 1)
        ],
        batch_size=BATCH,
    )


def _score_history_populate(rows) -> None:
    """Earlier edits of each score, as the pages' history reads them."""
    history_model = SelfAssessment.history.model
    now = timezone.now()
    entries = [
        history_model(
            id=row.pk, evaluation_id=row.evaluation_id, indicator_id=row.indicator_id, max_points=row.max_points,
            score=row.score, evidence=f"Bukti dukung, versi {edit}", version=edit + 1, updated_at=now,
            history_date=now, history_type="~",
        )
        for row in rows
        for edit in range(1, EDITS_PER_SCORE + 1)
    ]
    history_model.objects.bulk_create(entries, batch_size=BATCH)


@transaction.atomic
def users_populate() -> None:
    for group_name, count in USERS.items():
        group = Group.objects.get(name=group_name)
        prefix = group_name.split()[0].lower()
        for number in range(1, count + 1):
            user, created = User.objects.get_or_create(username=f"bench-{prefix}-{number:02d}")
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(group)


@transaction.atomic
def scenarios_populate(rng: random.Random) -> None:
    if Scenario.objects.filter(name__startswith="Skenario benchmark").exists():
        return
    evaluations = list(Evaluation.objects.order_by("-year")[:5])
    goal = Predicate.objects.order_by("-lower_bound").first()
    for number in range(1, SCENARIOS + 1):
        evaluation = evaluations[number % len(evaluations)]
        scenario = Scenario.objects.create(
            name=f"Skenario benchmark {number:02d}", evaluation=evaluation, predicate=goal,
            extra_kelurahan=rng.randint(0, 20), is_action_plan=number % 2 == 0,
        )
        items = []
        for row in evaluation.self_assessments.all():
            base = row.score or Decimal("0")
            items.append(ScenarioItem(
                scenario=scenario, indicator_id=row.indicator_id, max_points=row.max_points, base=base,
                target=min(row.max_points, base + Decimal(rng.randint(0, 5))), in_plan=rng.random() > 0.5,
            ))
        ScenarioItem.objects.bulk_create(items)


@transaction.atomic
def wilayah_populate(rng: random.Random) -> None:
    missing = KELURAHAN - Kelurahan.objects.count()
    if missing <= 0:
        return
    kecamatan = Kecamatan.objects.bulk_create(
        [Kecamatan(code=f"{code}", name=f"Kecamatan {code}") for code in _codes(-(-missing // PER_KECAMATAN))
         if not code.startswith("32.71")],
        batch_size=BATCH,
    )
    kelurahan = []
    for kec in kecamatan:
        for number in range(PER_KECAMATAN):
            if len(kelurahan) == missing:
                break
            kelurahan.append(
                Kelurahan(
                    code=f"{kec.code}.{1001 + number}",
                    name=f"Kelurahan {kec.code}.{1001 + number}",
                    kecamatan=kec,
                    is_active=rng.random() > 0.01,
                )
            )
    Kelurahan.objects.bulk_create(kelurahan, batch_size=BATCH)
    _patbm_populate(rng, Kelurahan.objects.filter(patbm__isnull=True).values_list("pk", flat=True))


def _patbm_populate(rng: random.Random, kelurahan_ids) -> None:
    history_model = Patbm.history.model
    now = timezone.now()
    patbm_rows, plans, history_rows = [], [], []
    for kelurahan_id in kelurahan_ids:
        last_step = rng.choice([1, 2, 3, 4, 5, 6, 6])
        day = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
        steps = []
        for step in range(2, last_step + 1):
            day += dt.timedelta(days=rng.randint(20, 120))
            steps.append((step, day))
        plans.append(steps)
        sk = ("400/Kep.BENCH/2020", day) if last_step >= 5 else ("", None)
        patbm_rows.append(
            Patbm(
                kelurahan_id=kelurahan_id,
                step=last_step,
                step_date=steps[-1][1] if steps else None,
                sk_number=sk[0],
                sk_date=sk[1],
                activist_count=rng.randint(0, 15) if last_step >= 3 else 0,
            )
        )
    created = Patbm.objects.bulk_create(patbm_rows, batch_size=BATCH)
    for patbm, steps in zip(created, plans, strict=True):
        for step, day in steps:
            history_rows.append(
                history_model(
                    id=patbm.pk,
                    kelurahan_id=patbm.kelurahan_id,
                    step=step,
                    step_date=day,
                    sk_number=patbm.sk_number if step >= 5 else "",
                    sk_date=patbm.sk_date if step >= 5 else None,
                    activist_count=patbm.activist_count,
                    note="",
                    updated_at=now,
                    history_date=now,
                    history_type="+" if step == 2 else "~",
                )
            )
        if len(history_rows) >= BATCH * 5:
            history_model.objects.bulk_create(history_rows, batch_size=BATCH)
            history_rows = []
    history_model.objects.bulk_create(history_rows, batch_size=BATCH)


def question_page_years() -> dict[str, int | None]:
    """The years the bench's question pages are measured on: the latest evaluation on the 2024 instrument
    still in the self-assessment (its entry page) and the latest final one (its evaluation page)."""
    on_instrument = Evaluation.objects.filter(instrument__code=Instrument.INSTRUMENT_2024).order_by("-year")
    return {
        "open": on_instrument.filter(stage=Evaluation.Stage.SELF_ASSESSMENT).values_list("year", flat=True).first(),
        "final": on_instrument.filter(stage=Evaluation.Stage.FINAL).values_list("year", flat=True).first(),
    }


def small_populate(seed: int = 2019) -> None:
    """The small set's question-level evaluation being filled (the demo's 2025 cycle is its final one)."""
    question_evaluations_populate(random.Random(seed), [SMALL_OPEN_YEAR])


def populate(seed: int = 2019) -> None:
    rng = random.Random(seed)
    evaluations_populate(rng)
    question_evaluations_populate(rng, QUESTION_YEARS)
    users_populate()
    scenarios_populate(rng)
    wilayah_populate(rng)
