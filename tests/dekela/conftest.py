import pytest

from clusters.services import evaluation_create
from dekela.models import Criterion
from kelurahan.models import Kelurahan


@pytest.fixture
def kelurahan_criteria(reference_data):
    return list(Criterion.objects.for_scope(Criterion.Scope.KELURAHAN))


@pytest.fixture
def forum_anak(reference_data):
    return Criterion.objects.get(code="KEL-FORUM-ANAK")


@pytest.fixture
def patbm_criterion(reference_data):
    return Criterion.objects.get(code="KEL-PATBM")


@pytest.fixture
def evaluation_2025(demo, instrument_2024):
    """The demo (2 of 68 kelurahan with a PATBM formed) and a 2025 evaluation on the 2024 instrument."""
    return evaluation_create(year=2025, instrument=instrument_2024)


@pytest.fixture
def every_kelurahan(reference_data):
    return list(Kelurahan.objects.active().order_by("code"))
