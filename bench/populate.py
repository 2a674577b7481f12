"""Fills a benchmark database with a large, realistic data set.

30 yearly evaluations with every indicator scored and deducted, each score with a few edits in its
history; 60 users in the three roles; 40 planner scenarios (half of them action plans); and the
national count of kelurahan (83,000) in about 7,000 kecamatan, each with a PATBM and its history of
steps. Deterministic (fixed seed), so runs compare.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from clusters.models import Evaluation, FieldDeduction, Instrument, Predicate, SelfAssessment
from clusters.services import evaluation_create
from core.roles import ADMIN, STAFF, TASK_FORCE
from kelurahan.models import Kecamatan, Kelurahan, Patbm
from planner.models import Scenario, ScenarioItem

YEARS = range(2006, 2036)  # 30 evaluations (the model accepts 2006-2100)
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
    # The indicator-level framework for now; question-level years come with the instrument's bench pages.
    framework = Instrument.objects.get(code=Instrument.FRAMEWORK_2019)
    for year in YEARS:
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


def populate(seed: int = 2019) -> None:
    rng = random.Random(seed)
    evaluations_populate(rng)
    users_populate()
    scenarios_populate(rng)
    wilayah_populate(rng)
