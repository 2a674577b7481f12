"""The activation rules of kecamatan and kelurahan, through their services."""

import pytest
from django.urls import reverse

from kelurahan import services
from kelurahan.models import Kecamatan, Kelurahan


@pytest.fixture
def empty_kecamatan(db):
    return Kecamatan.objects.create(code="32.71.07", name="Bogor Baru")


def test_a_kecamatan_with_active_kelurahan_stays_active(empty_kecamatan):
    Kelurahan.objects.create(code="32.71.07.1001", name="Baru Satu", kecamatan=empty_kecamatan)
    with pytest.raises(services.ActivationRefused) as refused:
        services.kecamatan_active_set(kecamatan=empty_kecamatan, active=False)
    assert refused.value.reason == (
        "Kecamatan Bogor Baru masih memiliki kelurahan aktif: nonaktifkan atau pindahkan terlebih dahulu."
    )
    empty_kecamatan.refresh_from_db()
    assert empty_kecamatan.is_active is True


def test_a_kecamatan_whose_kelurahan_are_all_inactive_can_be_deactivated_and_reactivated(empty_kecamatan):
    Kelurahan.objects.create(code="32.71.07.1001", name="Baru Satu", kecamatan=empty_kecamatan, is_active=False)
    assert services.kecamatan_active_set(kecamatan=empty_kecamatan, active=False).is_active is False
    assert Kecamatan.objects.get(pk=empty_kecamatan.pk).is_active is False
    assert services.kecamatan_active_refusal(empty_kecamatan, active=True) == ""
    services.kecamatan_active_set(kecamatan=empty_kecamatan, active=True)
    assert Kecamatan.objects.get(pk=empty_kecamatan.pk).is_active is True


def test_a_kelurahan_of_an_inactive_kecamatan_is_not_reactivated_before_its_kecamatan(empty_kecamatan):
    kelurahan = Kelurahan.objects.create(code="32.71.07.1001", name="Baru Satu", kecamatan=empty_kecamatan,
                                         is_active=False)
    Kecamatan.objects.filter(pk=empty_kecamatan.pk).update(is_active=False)
    with pytest.raises(services.ActivationRefused) as refused:
        services.kelurahan_active_set(kelurahan=kelurahan, active=True)
    assert refused.value.reason == "Kecamatan Bogor Baru nonaktif: aktifkan kembali terlebih dahulu."
    assert Kelurahan.objects.get(pk=kelurahan.pk).is_active is False
    # Deactivating it further is no problem.
    assert services.kelurahan_active_refusal(kelurahan, active=False) == ""


def test_the_page_shows_the_refusal_before_asking_and_changes_nothing(client, demo, admin_user_role):
    kecamatan = Kecamatan.objects.get(code="32.71.02")
    client.force_login(admin_user_role)
    response = client.get(reverse("kelurahan:kecamatan-toggle-active", args=[kecamatan.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "masih memiliki kelurahan aktif" in html and "Ya, nonaktifkan" not in html
    assert Kecamatan.objects.get(pk=kecamatan.pk).is_active is True
