"""Property-based checks of the entry forms: whatever is typed, a form either rejects it with an error
on a field or accepts a value that obeys the domain's rules, and what a form accepts the database
stores (form and constraints agree)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusters.forms import DeductionForm, SelfAssessmentForm, StageForm
from clusters.models import Evaluation, SelfAssessment
from kelurahan.forms import KelurahanForm, PatbmForm
from kelurahan.models import KELURAHAN_CODE_REGEX, Kecamatan, Kelurahan, Patbm

pytestmark = pytest.mark.django_db

# The database is set up once per test by a fixture; the forms under test never write outside a
# rolled-back savepoint, so sharing it across examples is safe.
form_settings = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# What people and scripts type into a number field: plain decimals, floats, exponents, signs,
# special values and arbitrary text.
typed_numbers = st.one_of(
    st.decimals(min_value=-50, max_value=150, places=2).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["", " ", "1e309", "-1e309", "NaN", "nan", "-0", "-0.00", "Infinity", "5,5", "0x10", "1_0"]),
    st.text(max_size=20),
)
typed_text = st.text(max_size=300) | st.sampled_from(["<script>alert(1)</script>", "'; DROP TABLE x; --", "\x00"])


typed_dates = st.one_of(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["", "2019-02-30", "30/01/2019", "kemarin"]),
    st.text(max_size=12),
)


def mostly(valid, junk):
    """Valid input three times in four, so the rules that apply to complete forms get exercised."""
    return st.one_of(valid, valid, valid, junk)


def _errors_are_on_fields(form) -> bool:
    return all(name in form.fields or name == "__all__" for name in form.errors)


@pytest.fixture
def scored_row(demo):
    """Kelembagaan #3 in 2018: scored, with field deductions (so both bounds of a score apply)."""
    return SelfAssessment.objects.with_deductions().get(evaluation__year=2018, indicator__number=3)


@pytest.fixture(params=[(2018, 3), (2019, 24)], ids=["with-deductions", "without-deductions"])
def entry_row(demo, request):
    year, number = request.param
    return SelfAssessment.objects.with_deductions().get(evaluation__year=year, indicator__number=number)


def _score_form(row, score, evidence=""):
    return SelfAssessmentForm(
        {"score": score, "evidence": evidence, "version": row.version, "seen_score": "", "seen_evidence": ""},
        instance=row,
    )


@form_settings
@given(score=typed_numbers, evidence=typed_text)
def test_a_self_assessment_score_is_accepted_only_within_its_bounds(entry_row, score, evidence):
    form = _score_form(entry_row, score, evidence)
    if not form.is_valid():
        assert form.errors and _errors_are_on_fields(form)
        return
    accepted = form.cleaned_data["score"]
    if accepted is None:  # left empty: allowed only while nothing was deducted
        assert entry_row.deduction_total == 0
    else:
        assert accepted.is_finite() and not accepted.is_signed()
        assert entry_row.deduction_total <= accepted <= entry_row.max_points
    assert "\x00" not in form.cleaned_data["evidence"]


@form_settings
@given(score=st.decimals(min_value=0, max_value=100, places=2))
def test_every_score_within_the_bounds_is_accepted(entry_row, score):
    within = entry_row.deduction_total <= score <= entry_row.max_points
    assert _score_form(entry_row, str(score)).is_valid() is within


@form_settings
@given(
    points=mostly(st.decimals(min_value=0, max_value=20, places=2).map(str), typed_numbers),
    reason=mostly(st.just("Belum ada MoU."), typed_text),
)
def test_a_deduction_is_accepted_only_when_the_score_can_carry_it(scored_row, points, reason):
    deduction = scored_row.deductions.first()
    form = DeductionForm(
        {"points": points, "reason": reason, "version": deduction.version},
        instance=deduction,
        self_assessment=scored_row,
    )
    if not form.is_valid():
        assert form.errors and _errors_are_on_fields(form)
        return
    accepted = form.cleaned_data["points"]
    others = sum((d.points for d in scored_row.deductions.all() if d.pk != deduction.pk), Decimal("0"))
    assert accepted.is_finite() and accepted > 0
    assert others + accepted <= scored_row.score
    assert form.cleaned_data["reason"] and form.cleaned_data["reason"] == form.cleaned_data["reason"].strip()
    with transaction.atomic():  # what the form accepts, the database (and its trigger) stores
        form.save()
        transaction.set_rollback(True)


@form_settings
@given(stage=st.sampled_from([*Evaluation.Stage.values, "", "final ", "9"]), reason=typed_text)
def test_reopening_a_final_evaluation_always_needs_a_reason(demo, stage, reason):
    form = StageForm({"stage": stage, "reason": reason}, evaluation=Evaluation.objects.get(year=2018))
    if form.is_valid():
        chosen = form.cleaned_data["stage"]
        assert chosen in Evaluation.Stage.values
        if chosen != Evaluation.Stage.FINAL:
            assert form.cleaned_data["reason"].strip()
    else:
        assert _errors_are_on_fields(form)


@form_settings
@given(
    step=mostly(st.sampled_from(Patbm.Step.values).map(str), st.integers(-2, 9).map(str) | st.text(max_size=4)),
    step_date=mostly(st.just("2019-03-01"), typed_dates),
    sk_number=st.sampled_from(["", " ", "400/Kep.1/2019"]) | typed_text,
    sk_date=st.sampled_from(["", "2019-03-01"]) | typed_dates,
    activists=mostly(st.integers(0, 99).map(str), typed_numbers),
    note=typed_text,
)
def test_a_patbm_step_is_accepted_only_when_complete(
    reference_data, step, step_date, sk_number, sk_date, activists, note
):
    kelurahan = Kelurahan.objects.get(code="32.71.01.1001")
    form = PatbmForm(
        {
            "step": step,
            "step_date": step_date,
            "sk_number": sk_number,
            "sk_date": sk_date,
            "activist_count": activists,
            "note": note,
        },
        instance=Patbm(kelurahan=kelurahan),
    )
    if not form.is_valid():
        assert form.errors and _errors_are_on_fields(form)
        return
    data = form.cleaned_data
    today = timezone.localdate()
    assert data["step"] in Patbm.Step.values
    assert data["step_date"] <= today and (data["sk_date"] is None or data["sk_date"] <= today)
    assert data["activist_count"] >= 0
    if data["step"] >= Patbm.Step.TERBENTUK:
        assert data["sk_number"].strip() and data["sk_date"]
    with transaction.atomic():
        form.save()
        transaction.set_rollback(True)


kelurahan_codes = st.one_of(
    st.from_regex(r"32\.71\.0[1-7]\.[0-9]{4}", fullmatch=True),
    st.from_regex(r"[0-9. ]{1,16}", fullmatch=True),
    st.text(max_size=16),
)


@form_settings
@given(code=kelurahan_codes, name=typed_text, kecamatan_code=st.sampled_from(["32.71.01", "32.71.06"]))
def test_a_kelurahan_code_is_accepted_only_in_format_under_its_kecamatan(reference_data, code, name, kecamatan_code):
    kecamatan = Kecamatan.objects.get(code=kecamatan_code)
    form = KelurahanForm({"code": code, "name": name, "alternative_name": "", "kecamatan": kecamatan.pk})
    if not form.is_valid():
        assert form.errors and _errors_are_on_fields(form)
        return
    accepted = form.cleaned_data["code"]
    assert re.fullmatch(KELURAHAN_CODE_REGEX.strip("^$"), accepted)
    assert accepted.startswith(f"{kecamatan_code}.")
    assert not Kelurahan.objects.exclude(pk=form.instance.pk).filter(code=accepted).exists()
    with transaction.atomic():
        form.save()
        transaction.set_rollback(True)
