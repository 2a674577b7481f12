import datetime as dt

import pytest
from simple_history.utils import bulk_create_with_history

from kelurahan.models import Kecamatan, Kelurahan, Patbm


@pytest.fixture
def ten_times_the_kelurahan(demo):
    """Nine more (made-up) kecamatan of 68 kelurahan each, a third of them with a PATBM and its history."""
    for number in range(1, 10):
        kecamatan = Kecamatan.objects.create(code=f"32.79.{number:02d}", name=f"Uji {number}")
        kelurahan = Kelurahan.objects.bulk_create(
            Kelurahan(code=f"32.79.{number:02d}.{1000 + i}", name=f"Uji {number}-{i}", kecamatan=kecamatan)
            for i in range(1, 69)
        )
        bulk_create_with_history(
            [
                Patbm(
                    kelurahan=row,
                    step=step,
                    step_date=dt.date(2018, 1 + i % 12, 1),
                    sk_number="400/uji" if step >= 5 else "",
                    sk_date=dt.date(2018, 1, 1) if step >= 5 else None,
                )
                for i, row in enumerate(kelurahan[::3])
                for step in [1 + i % 6]
            ],
            Patbm,
        )
    assert Kelurahan.objects.count() == 680
