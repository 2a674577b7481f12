import pytest
from django.db import IntegrityError, transaction

from core.loading import LoadReport
from dekela.models import Criterion, CriterionStatus
from dekela.services import criteria_load
from kelurahan.models import Kelurahan

pytestmark = pytest.mark.django_db


def test_the_criteria_of_the_2024_instrument_are_loaded_and_linked_to_their_questions(reference_data):
    assert Criterion.objects.filter(scope="kelurahan").count() == 15
    assert Criterion.objects.filter(scope="kecamatan").count() == 11
    assert not Criterion.objects.filter(question__isnull=True).exists()
    patbm = Criterion.objects.get(source="patbm")
    assert (patbm.code, patbm.question.indicator.code, patbm.question.code) == ("KEL-PATBM", "26", "15")
    assert patbm.question.max_points == 10
    assert all(c.question.indicator.code == "25" for c in Criterion.objects.filter(scope="kecamatan"))
    assert {c.question.indicator.instrument.code
            for c in Criterion.objects.select_related("question__indicator__instrument")} == {"kla-2024"}


def test_loading_again_creates_nothing_and_keeps_an_admins_change(reference_data):
    Criterion.objects.filter(code="KEL-ANGGARAN").update(short_name="Dana anak")
    report = LoadReport()
    criteria_load(report=report)
    assert report.created.get("criteria", 0) == 0
    assert report.existing["criteria"] == 26
    assert Criterion.objects.get(code="KEL-ANGGARAN").short_name == "Dana anak"


def test_the_database_refuses_a_status_for_no_place_or_for_two(forum_anak):
    kelurahan = Kelurahan.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionStatus.objects.create(criterion=forum_anak, year=2025, status="met")
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionStatus.objects.create(criterion=forum_anak, year=2025, status="met", kelurahan=kelurahan,
                                       kecamatan=kelurahan.kecamatan)


def test_the_database_refuses_a_second_status_for_one_place_and_year(forum_anak):
    kelurahan = Kelurahan.objects.first()
    CriterionStatus.objects.create(criterion=forum_anak, year=2025, status="met", kelurahan=kelurahan)
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionStatus.objects.create(criterion=forum_anak, year=2025, status="not_met", kelurahan=kelurahan)
    CriterionStatus.objects.create(criterion=forum_anak, year=2026, status="not_met", kelurahan=kelurahan)


def test_the_database_refuses_an_unknown_status_and_a_patbm_criterion_per_kecamatan(forum_anak):
    kelurahan = Kelurahan.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionStatus.objects.create(criterion=forum_anak, year=2025, status="maybe", kelurahan=kelurahan)
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(code="X", scope="kecamatan", short_name="X", name="X", order=99, source="patbm")
