"""Sample data replaying Kota Bogor's situation in March 2019.

Per-indicator values are illustrative; only the totals follow the published story:
2017 Pratama (about 560), 2018 self-assessed well above 700 but Madya (680-something) after
field deductions on media partnerships (Kelembagaan #3) and PATBM (Klaster V), 2019 being entered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clusters.models import Evaluation, FieldDeduction, Instrument, SelfAssessment
from clusters.services import evaluation_create
from core import roles
from dekela.models import Criterion, CriterionStatus
from kelurahan.models import Kecamatan, Kelurahan, Patbm
from offices.services import operator_assign_to


class DemoRefused(Exception):
    """The database lacks the reference data the demo builds on."""


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    is_admin: bool = False
    office: str = ""  # an operator's office (Operator OPD)


# Documented demo logins; created only by `load_demo`, which leaves a database with real evaluations alone.
DEMO_USERS = [
    DemoUser("admin", "demo-admin-2019", roles.ADMIN, is_admin=True),
    DemoUser("staf", "demo-staf-2019", roles.STAFF),
    DemoUser("gugus", "demo-gugus-2019", roles.TASK_FORCE),
    # Answers the questions whose data source is Dinkes, once an evaluation on the 2024 instrument exists.
    DemoUser("dinkes", "demo-dinkes-2019", roles.OPERATOR, office="Dinas Kesehatan"),
]

# Self-assessment as a share of each indicator's maximum, per year and cluster.
SELF_SHARE = {
    2017: {"KLB": "0.62", "K1": "0.60", "K2": "0.58", "K3": "0.62", "K4": "0.63", "K5": "0.57"},
    2018: {"KLB": "0.80", "K1": "0.78", "K2": "0.76", "K3": "0.77", "K4": "0.79", "K5": "0.74"},
    # 2019 is being entered: Klaster IV and V are not scored yet.
    2019: {"KLB": "0.85", "K1": "0.82", "K2": "0.80", "K3": "0.81"},
}

# (indicator number, points, juror's reason); 2017 totals 40 points, 2018 totals 86.
DEDUCTIONS = {
    2017: [
        (3, "8", "Keterlibatan dunia usaha dan media belum terdokumentasi."),
        (6, "6", "Forum Anak belum memiliki SK dan program kerja."),
        (11, "6", "Rute aman ke sekolah belum tersedia."),
        (17, "8", "Iklan rokok masih ditemukan di sekitar sekolah."),
        (21, "12", "Layanan bagi anak korban kekerasan belum menjangkau kelurahan."),
    ],
    2018: [
        (3, "14.5", "Kemitraan dengan media massa belum dituangkan dalam perjanjian tertulis (MoU)."),
        (21, "26", "PATBM baru terbentuk di 2 dari 68 kelurahan."),
        (22, "9", "Layanan anak korban NAPZA belum memiliki SOP rujukan."),
        (23, "7", "Data anak penyandang disabilitas belum terpilah."),
        (24, "8", "Pendampingan anak berhadapan dengan hukum belum rutin."),
        (6, "5", "Partisipasi Forum Anak dalam Musrenbang belum terdokumentasi."),
        (13, "6.5", "Data status gizi balita belum mutakhir."),
        (17, "10", "Kawasan tanpa rokok belum ditegakkan di semua sekolah."),
    ],
}

STAGES = {
    2017: Evaluation.Stage.FINAL,
    2018: Evaluation.Stage.FINAL,
    2019: Evaluation.Stage.SELF_ASSESSMENT,
}

SAMPLE_NOTE = "Data contoh (demo): nilai per indikator hanya ilustrasi."

# (kelurahan code, [(step, date)], activists, SK) in March 2019: 2 of 68 formed.
PATBM_STORY = [
    ("32.71.01.1007", [(2, "2018-02-12"), (3, "2018-03-20"), (4, "2018-05-08"), (5, "2018-07-23"), (6, "2018-10-01")],
     12, ("400/Kep.118-DPMPPA/2018", "2018-07-23")),
    ("32.71.05.1005", [(2, "2018-04-02"), (3, "2018-06-11"), (4, "2018-09-17"), (5, "2018-12-10")],
     9, ("400/Kep.231-DPMPPA/2018", "2018-12-10")),
    ("32.71.03.1006", [(2, "2018-08-06"), (3, "2018-10-15"), (4, "2019-01-21")], 8, None),
    ("32.71.04.1002", [(2, "2018-09-03"), (3, "2018-11-26"), (4, "2019-02-18")], 7, None),
    ("32.71.06.1003", [(2, "2018-10-08"), (3, "2019-01-14")], 5, None),
    ("32.71.02.1003", [(2, "2018-11-05"), (3, "2019-02-04")], 4, None),
    ("32.71.01.1003", [(2, "2019-01-07")], 0, None),
    ("32.71.04.1007", [(2, "2019-02-11")], 0, None),
    ("32.71.05.1001", [(2, "2019-02-25")], 0, None),
]


# Kelana-Dekela criteria recorded for 2019 (sample): (criterion code, kelurahan or kecamatan code, status, date).
CRITERIA_STORY = [
    ("KEL-FORUM-ANAK", "32.71.01.1007", "met", "2018-08-14"),
    ("KEL-FORUM-ANAK", "32.71.05.1005", "met", "2018-11-02"),
    ("KEL-FORUM-ANAK", "32.71.03.1006", "not_met", None),
    ("KEL-AKTA", "32.71.01.1007", "met", "2019-01-31"),
    ("KEL-AKTA", "32.71.04.1002", "met", "2019-01-31"),
    ("KEL-AKTA", "32.71.06.1003", "not_met", None),
    ("KEL-BERMAIN", "32.71.05.1005", "met", "2018-10-20"),
    ("KEC-FORUM-ANAK", "32.71.01", "met", "2018-06-05"),
    ("KEC-FORUM-ANAK", "32.71.05", "met", "2018-09-12"),
    ("KEC-AKTA", "32.71.01", "not_met", None),
]
CRITERIA_YEAR = 2019


def _points(value: str | Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _aware(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9)))


def demo_is_loaded() -> bool:
    return Evaluation.objects.filter(is_sample=True).exists()


def demo_users_ensure() -> list[DemoUser]:
    """Creates or resets the demo users to the documented passwords and roles."""
    user_model = get_user_model()
    for demo_user in DEMO_USERS:
        user, _ = user_model.objects.get_or_create(username=demo_user.username)
        user.set_password(demo_user.password)
        user.is_staff = demo_user.is_admin
        user.is_superuser = demo_user.is_admin
        user.save()
        user.groups.set([Group.objects.get(name=demo_user.role)])
        if demo_user.office:
            operator_assign_to(user=user, office_name=demo_user.office)
    return DEMO_USERS


LOADED, ALREADY_LOADED, LEFT_OUT = "loaded", "already loaded", "left out"


@transaction.atomic
def demo_load() -> str:
    """Loads the sample evaluations 2017-2019, PATBM progress and a few 2019 Kelana-Dekela statuses, plus the
    demo users, into an empty database.

    Returns LOADED; ALREADY_LOADED when the demo is there (only the users are reset, whatever was
    added since, such as next year's evaluation); LEFT_OUT, changing nothing, on a database holding
    real evaluations or PATBM records without the demo. Raises DemoRefused without reference data.
    """
    framework = Instrument.objects.filter(code=Instrument.FRAMEWORK_2019).first()
    if framework is None or not Kelurahan.objects.exists() or not Group.objects.exists():
        raise DemoRefused("Reference data is missing: run `python manage.py load_reference_data` first.")
    if demo_is_loaded():
        demo_users_ensure()
        return ALREADY_LOADED
    if Evaluation.objects.exists() or Patbm.objects.exists():
        return LEFT_OUT

    for year, shares in SELF_SHARE.items():
        _evaluation_load(year, shares, framework)
    _patbm_load()
    _criteria_load()
    demo_users_ensure()
    return LOADED


def _evaluation_load(year: int, shares: dict[str, str], framework: Instrument) -> None:
    evaluation = evaluation_create(year=year, instrument=framework, is_sample=True)
    evaluation.stage = STAGES[year]
    evaluation.note = SAMPLE_NOTE
    evaluation.save()
    rows = list(evaluation.self_assessments.select_related("indicator__cluster"))
    by_number = {row.indicator.number: row for row in rows}
    for row in rows:
        share = shares.get(row.indicator.cluster.code)
        if share is not None:
            row.score = _points(row.max_points * Decimal(share))
            row.evidence = f"Contoh bukti dukung indikator {row.indicator.number} ({year})."
    bulk_update_with_history(rows, SelfAssessment, ["score", "evidence"])
    bulk_create_with_history(
        [
            FieldDeduction(self_assessment=by_number[number], points=_points(points), reason=reason)
            for number, points, reason in DEDUCTIONS.get(year, [])
        ],
        FieldDeduction,
    )


def _criteria_load() -> None:
    """A few Kelana-Dekela statuses of 2019, so that the matrix (`/dekela/2019/`) shows recorded cells; criteria
    missing from the reference data are skipped."""
    criteria = Criterion.objects.in_bulk([code for code, *_ in CRITERIA_STORY], field_name="code")
    kelurahan = Kelurahan.objects.in_bulk([place for _, place, *_ in CRITERIA_STORY], field_name="code")
    kecamatan = Kecamatan.objects.in_bulk([place for _, place, *_ in CRITERIA_STORY], field_name="code")
    bulk_create_with_history([
        CriterionStatus(criterion=criteria[code], year=CRITERIA_YEAR, status=status, note=SAMPLE_NOTE,
                        date=dt.date.fromisoformat(day) if day else None,
                        kelurahan=kelurahan.get(place), kecamatan=kecamatan.get(place))
        for code, place, status, day in CRITERIA_STORY if code in criteria
    ], CriterionStatus)


def _patbm_load() -> None:
    kelurahan = Kelurahan.objects.in_bulk([code for code, *_ in PATBM_STORY], field_name="code")
    for code, steps, activists, sk in PATBM_STORY:
        patbm = Patbm(kelurahan=kelurahan[code], note=SAMPLE_NOTE)
        # Save once per step so the history shows the path, dated when each step happened.
        for step, day in steps:
            patbm.step = step
            patbm.step_date = dt.date.fromisoformat(day)
            if step >= Patbm.Step.AKTIVIS_TERIDENTIFIKASI:
                patbm.activist_count = activists
            if step >= Patbm.Step.TERBENTUK and sk:
                patbm.sk_number, patbm.sk_date = sk[0], dt.date.fromisoformat(sk[1])
            patbm._history_date = _aware(day)
            patbm.save()
