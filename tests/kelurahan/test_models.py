import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kelurahan.models import Kecamatan, Kelurahan, Patbm

pytestmark = pytest.mark.django_db

KECAMATAN_COUNTS = {
    "Bogor Selatan": 16, "Bogor Barat": 16, "Bogor Tengah": 11, "Tanah Sareal": 11, "Bogor Utara": 8,
    "Bogor Timur": 6,
}


def test_reference_data_has_the_68_kelurahan_of_the_6_kecamatan(reference_data):
    counts = {k.name: k.kelurahan.count() for k in Kecamatan.objects.all()}
    assert counts == KECAMATAN_COUNTS
    batu_tulis = Kelurahan.objects.get(code="32.71.01.1001")
    assert (batu_tulis.name, batu_tulis.kecamatan.code) == ("Batu Tulis", "32.71.01")
    assert Kelurahan.objects.get(code="32.71.01.1006").alternative_name == "Rangga Mekar"


@pytest.mark.parametrize("code", ["32.71.1.1001", "32-71-01-1001", "32.71.01.100", "abc"])
def test_database_refuses_a_kelurahan_code_not_in_kemendagri_format(reference_data, code):
    kecamatan = Kecamatan.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Kelurahan.objects.create(code=code, name="Baru", kecamatan=kecamatan)
    with pytest.raises(ValidationError) as error:
        Kelurahan(code=code, name="Baru", kecamatan=kecamatan).full_clean()
    assert "code" in error.value.message_dict


def test_database_refuses_a_formed_patbm_without_sk(reference_data):
    kelurahan = Kelurahan.objects.get(code="32.71.01.1001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Patbm.objects.create(kelurahan=kelurahan, step=Patbm.Step.TERBENTUK)
    Patbm.objects.create(
        kelurahan=kelurahan, step=Patbm.Step.TERBENTUK, sk_number="400/1/2019", sk_date=dt.date(2019, 3, 1)
    )


def test_kelurahan_without_patbm_record_is_at_step_belum_ada(reference_data):
    row = Kelurahan.objects.with_patbm_step().get(code="32.71.01.1001")
    assert row.patbm_step == Patbm.Step.BELUM_ADA
