import datetime as dt

import pytest
from django.utils import timezone, translation

from kelurahan.forms import KecamatanForm, KelurahanForm, PatbmForm
from kelurahan.models import Kecamatan, Kelurahan, Patbm

pytestmark = pytest.mark.django_db


def _patbm_form(**data):
    values = {"step": 2, "step_date": "2019-03-01", "sk_number": "", "sk_date": "", "activist_count": 0, "note": ""}
    values.update(data)
    return PatbmForm(values, instance=Patbm(kelurahan=Kelurahan.objects.get(code="32.71.01.1001")))


def _codes(form, field):
    return [error.code for error in form.errors.as_data().get(field, [])]


@pytest.mark.parametrize("step", [Patbm.Step.TERBENTUK, Patbm.Step.AKTIF])
def test_from_terbentuk_on_the_sk_number_and_date_are_required(reference_data, step):
    form = _patbm_form(step=step)
    assert (_codes(form, "sk_number"), _codes(form, "sk_date")) == (["sk_number_required"], ["sk_date_required"])
    form = _patbm_form(step=step, sk_number="  ", sk_date="2019-03-01")
    assert _codes(form, "sk_number") == ["sk_number_required"]


def test_before_terbentuk_no_sk_is_needed(reference_data):
    assert _patbm_form(step=Patbm.Step.TERLATIH).is_valid()


def test_sk_errors_speak_indonesian(reference_data):
    with translation.override("id"):
        form = _patbm_form(step=Patbm.Step.TERBENTUK)
        assert form.errors["sk_number"] == ["PATBM yang terbentuk memerlukan nomor SK-nya."]
        assert form.errors["sk_date"] == ["PATBM yang terbentuk memerlukan tanggal SK-nya."]


def test_a_formed_patbm_with_its_sk_is_saved(reference_data):
    form = _patbm_form(step=Patbm.Step.TERBENTUK, sk_number="400/Kep.1/2019", sk_date="2019-03-01")
    assert form.is_valid(), form.errors
    assert form.save().sk_date == dt.date(2019, 3, 1)


def test_the_step_date_is_required_and_not_in_the_future(reference_data):
    assert _codes(_patbm_form(step_date=""), "step_date") == ["required"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert _codes(_patbm_form(step_date=tomorrow.isoformat()), "step_date") == ["future_date"]


def test_a_kelurahan_code_must_start_with_its_kecamatan_code(reference_data):
    kecamatan = Kecamatan.objects.get(code="32.71.01")
    form = KelurahanForm({"code": "32.71.02.1099", "name": "Baru", "kecamatan": kecamatan.pk})
    assert _codes(form, "code") == ["kecamatan_prefix"]
    with translation.override("id"):
        assert "diawali kode kecamatannya (32.71.01.NNNN)" in form.errors["code"][0]
    assert KelurahanForm({"code": " 32.71.01.1099 ", "name": "Baru", "kecamatan": kecamatan.pk}).is_valid()


def test_new_kelurahan_go_only_into_active_kecamatan(reference_data):
    empty = Kecamatan.objects.create(code="32.71.07", name="Lama", is_active=False)
    form = KelurahanForm({"code": "32.71.07.1001", "name": "Baru", "kecamatan": empty.pk})
    assert _codes(form, "kecamatan") == ["invalid_choice"]


def test_a_kecamatan_code_is_unique_and_in_kemendagri_format(reference_data):
    assert _codes(KecamatanForm({"code": "32.71.01", "name": "Dobel"}), "code") == ["unique"]
    assert _codes(KecamatanForm({"code": "32.71.1", "name": "Salah"}), "code") == ["invalid"]


def test_a_kecamatan_with_kelurahan_keeps_its_code(reference_data):
    kecamatan = Kecamatan.objects.get(code="32.71.01")
    form = KecamatanForm({"code": "32.71.09", "name": kecamatan.name}, instance=kecamatan)
    assert _codes(form, "code") == ["code_in_use"]
    assert KecamatanForm({"code": "32.71.01", "name": "Bogor Selatan Baru"}, instance=kecamatan).is_valid()
