import pytest

from clusters.services import evaluation_create
from tests.evidence import files


@pytest.fixture
def evaluation_2026(instrument_2024):
    return evaluation_create(year=2026, instrument=instrument_2024)


@pytest.fixture
def pdf():
    return files.pdf()
