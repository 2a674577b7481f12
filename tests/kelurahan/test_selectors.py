import datetime as dt

import pytest

from kelurahan.models import Kelurahan, Patbm
from kelurahan.selectors import patbm_coverage

pytestmark = pytest.mark.django_db


def _patbm(code, step):
    sk = {"sk_number": "400/SK/1", "sk_date": dt.date(2019, 1, 1)} if step >= Patbm.Step.TERBENTUK else {}
    return Patbm.objects.create(kelurahan=Kelurahan.objects.get(code=code), step=step, **sk)


def test_patbm_coverage_counts_formed_and_active_patbm_of_active_kelurahan(reference_data):
    _patbm("32.71.01.1001", Patbm.Step.TERBENTUK)
    _patbm("32.71.01.1002", Patbm.Step.AKTIF)
    _patbm("32.71.01.1003", Patbm.Step.TERLATIH)  # trained, not formed yet
    _patbm("32.71.01.1004", Patbm.Step.AKTIF)
    Kelurahan.objects.filter(code="32.71.01.1004").update(is_active=False)  # leaves the count
    coverage = patbm_coverage()
    assert (coverage.covered, coverage.total, coverage.remaining) == (2, 67, 65)


def test_patbm_coverage_is_one_query(reference_data, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert patbm_coverage().total == 68
