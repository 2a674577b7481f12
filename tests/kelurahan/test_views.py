import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.urls import reverse

from kelurahan.models import Kecamatan, Kelurahan, Patbm
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db

MULYAHARJA = "32.71.01.1007"  # aktif in the demo
BATU_TULIS = "32.71.01.1001"  # no PATBM in the demo


def _kelurahan(code):
    return Kelurahan.objects.get(code=code)


def _read_urls():
    batu_tulis = _kelurahan(BATU_TULIS)
    return [
        reverse("kelurahan:kelurahan-list"),
        reverse("kelurahan:kelurahan-detail", args=[batu_tulis.pk]),
        reverse("kelurahan:kecamatan-list"),
        reverse("kelurahan:coverage"),
    ]


def _html(response):
    return response.content.decode()


# --- reading -------------------------------------------------------------------------------------------


def test_every_page_sends_anonymous_visitors_to_login(client, demo):
    for url in _read_urls() + [reverse("kelurahan:patbm-update", args=[_kelurahan(BATU_TULIS).pk])]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))


def test_reading_pages_refuse_a_user_without_a_role(client, demo):
    client.force_login(get_user_model().objects.create_user("no-role", password="x"))
    for url in _read_urls():
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("user_fixture", ["staff_user", "task_force_user", "admin_user_role"])
def test_every_role_reads_every_page(client, demo, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    for url in _read_urls():
        assert client.get(url).status_code == 200, url


def test_coverage_page_shows_the_demo_2_of_68_in_indonesian_format(client, demo, task_force_user):
    client.force_login(task_force_user)
    response = client.get(reverse("kelurahan:coverage"))
    assert response.status_code == 200
    html = _html(response)
    assert "2 dari 68" in html
    assert "2,9%" in html
    assert 'data-testid="coverage-remaining">66<' in html
    report = response.context["report"]
    assert sum(report.pipeline.values()) == 68
    assert [(p.date, p.covered) for p in report.timeline] == [(dt.date(2018, 7, 23), 1), (dt.date(2018, 12, 10), 2)]
    # The still-without list holds the 66 others, grouped by kecamatan.
    assert sum(len(rows) for rows in report.uncovered_by_kecamatan.values()) == 66
    assert "Mulyaharja" not in "".join(row.name for rows in report.uncovered_by_kecamatan.values() for row in rows)


def test_only_the_coverage_page_loads_the_full_plotly_bundle(client, demo, task_force_user):
    client.force_login(task_force_user)
    coverage = _html(client.get(reverse("kelurahan:coverage")))
    assert "vendor/plotly-full/plotly.min.js" in coverage and "plotly-basic.min.js" not in coverage
    assert "<script>" not in coverage  # figures travel as json_script (type="application/json"), no inline code
    for url in [reverse("dashboard:home"), reverse("kelurahan:kelurahan-list")]:
        assert "plotly-full" not in _html(client.get(url))


def test_full_plotly_bundle_is_exposed_as_a_static_file_and_has_the_treemap():
    path = finders.find("vendor/plotly-full/plotly.min.js")
    assert path, "npm ci installs plotly.js-dist-min; settings expose it as vendor/plotly-full"
    assert "treemap" in Path(path).read_text(encoding="utf-8")


def test_list_finds_a_kelurahan_by_either_spelling_and_by_code(client, demo, task_force_user):
    client.force_login(task_force_user)
    url = reverse("kelurahan:kelurahan-list")
    for query in ["Ranggamekar", "rangga mekar", "32.71.01.1006"]:
        found = list(client.get(url, {"q": query}).context["object_list"])
        assert [k.code for k in found] == ["32.71.01.1006"], query


def test_list_filters_by_kecamatan_and_step(client, demo, task_force_user):
    client.force_login(task_force_user)
    url = reverse("kelurahan:kelurahan-list")
    timur = Kecamatan.objects.get(name="Bogor Timur")
    response = client.get(url, {"kecamatan": timur.pk})
    assert response.context["paginator"].count == 6
    assert {k.kecamatan_id for k in response.context["object_list"]} == {timur.pk}
    assert [k.code for k in client.get(url, {"step": Patbm.Step.AKTIF}).context["object_list"]] == [MULYAHARJA]
    # Kelurahan without a PATBM record count as step 1 (belum ada).
    assert client.get(url, {"step": Patbm.Step.BELUM_ADA}).context["paginator"].count == 59


def test_list_is_paginated_grouped_by_kecamatan_and_keeps_the_filters(client, demo, task_force_user):
    client.force_login(task_force_user)
    url = reverse("kelurahan:kelurahan-list")
    first = client.get(url)
    assert first.context["paginator"].num_pages == 3
    assert len(first.context["object_list"]) == 25
    assert "Kecamatan Bogor Selatan" in _html(first)
    filtered = _html(client.get(url, {"step": 1}))
    assert "?step=1&amp;page=2" in filtered


def test_list_without_a_match_says_what_to_do(client, demo, task_force_user):
    client.force_login(task_force_user)
    html = _html(client.get(reverse("kelurahan:kelurahan-list"), {"q": "tidak-ada-xyz"}))
    assert "Tidak ada kelurahan yang cocok" in html and "Hapus pencarian dan filter" in html


def test_detail_shows_the_patbm_history_with_who_and_when(client, demo, task_force_user):
    client.force_login(task_force_user)
    response = client.get(reverse("kelurahan:kelurahan-detail", args=[_kelurahan(MULYAHARJA).pk]))
    history = list(response.context["patbm_history"])
    assert [entry.step for entry in history] == [6, 5, 4, 3, 2]
    html = _html(response)
    assert "400/Kep.118-DPMPPA/2018" in html and "Riwayat PATBM" in html


def test_task_force_sees_no_write_buttons(client, demo, task_force_user):
    client.force_login(task_force_user)
    html = _html(client.get(reverse("kelurahan:kelurahan-detail", args=[_kelurahan(BATU_TULIS).pk])))
    assert "Catat kemajuan PATBM" not in html and "Nonaktifkan" not in html


@pytest.mark.parametrize("page", ["list", "coverage"])
def test_query_count_does_not_grow_with_ten_times_the_kelurahan(
    client, request, task_force_user, django_assert_max_num_queries, page
):
    url = {"list": reverse("kelurahan:kelurahan-list"), "coverage": reverse("kelurahan:coverage")}[page]
    request.getfixturevalue("demo")
    client.force_login(task_force_user)
    with django_assert_max_num_queries(15) as small:
        assert client.get(url).status_code == 200
    request.getfixturevalue("ten_times_the_kelurahan")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    if page == "coverage":
        assert response.context["report"].headline.total == 680


# --- writing -------------------------------------------------------------------------------------------


def _write_requests():
    """(url, data) of every write, with data that would be valid for an admin."""
    batu_tulis = _kelurahan(BATU_TULIS)
    kecamatan = batu_tulis.kecamatan
    return [
        (
            reverse("kelurahan:kelurahan-create"),
            {"code": "32.71.01.1099", "name": "Baru", "alternative_name": "", "kecamatan": kecamatan.pk},
        ),
        (
            reverse("kelurahan:kelurahan-update", args=[batu_tulis.pk]),
            {"code": batu_tulis.code, "name": "Batu Tulis Baru", "alternative_name": "", "kecamatan": kecamatan.pk},
        ),
        (reverse("kelurahan:kelurahan-toggle-active", args=[batu_tulis.pk]), {}),
        (reverse("kelurahan:kecamatan-create"), {"code": "32.71.07", "name": "Baru"}),
        (reverse("kelurahan:kecamatan-update", args=[kecamatan.pk]), {"code": kecamatan.code, "name": "Ganti"}),
        (reverse("kelurahan:kecamatan-toggle-active", args=[kecamatan.pk]), {}),
        (
            reverse("kelurahan:patbm-update", args=[batu_tulis.pk]),
            {"step": 2, "step_date": "2019-03-01", "sk_number": "", "sk_date": "", "activist_count": 0, "note": ""},
        ),
    ]


def _snapshot():
    return (
        list(Kelurahan.objects.values_list("code", "name", "is_active", "kecamatan_id")),
        list(Kecamatan.objects.values_list("code", "name", "is_active")),
        list(Patbm.objects.values_list("kelurahan_id", "step", "step_date")),
        Patbm.history.count(),
    )


def test_task_force_gets_403_on_every_write_and_nothing_changes(client, demo, task_force_user):
    client.force_login(task_force_user)
    before = _snapshot()
    for url, data in _write_requests():
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert _snapshot() == before


def test_staff_get_403_on_kecamatan_and_kelurahan_writes_and_nothing_changes(client, demo, staff_user):
    client.force_login(staff_user)
    before = _snapshot()
    for url, data in _write_requests()[:-1]:
        assert client.post(url, data).status_code == 403, url
    assert _snapshot() == before


def test_admin_adds_a_kelurahan_and_deactivates_another_and_the_coverage_follows(client, demo, admin_user_role):
    client.force_login(admin_user_role)
    kecamatan = Kecamatan.objects.get(code="32.71.01")
    response = client.post(
        reverse("kelurahan:kelurahan-create"),
        {"code": "32.71.01.1099", "name": "Kelurahan Baru", "alternative_name": "", "kecamatan": kecamatan.pk},
    )
    new = Kelurahan.objects.get(code="32.71.01.1099")
    assert response.status_code == 302 and response.url == reverse("kelurahan:kelurahan-detail", args=[new.pk])
    report = client.get(reverse("kelurahan:coverage")).context["report"]
    assert (report.headline.covered, report.headline.total) == (2, 69)

    covered = _kelurahan("32.71.05.1005")  # terbentuk in the demo
    toggle = reverse("kelurahan:kelurahan-toggle-active", args=[covered.pk])
    assert "Tidak ada yang dihapus" in _html(client.get(toggle))  # asks first
    client.post(toggle)
    covered.refresh_from_db()
    assert covered.is_active is False and Patbm.history.filter(kelurahan_id=covered.pk).count() == 4
    html = _html(client.get(reverse("kelurahan:coverage")))
    assert "1 dari 68" in html and "1,5%" in html
    # Gone from the default list, found with the status filter.
    list_url = reverse("kelurahan:kelurahan-list")
    assert client.get(list_url, {"q": covered.code}).context["paginator"].count == 0
    assert client.get(list_url, {"q": covered.code, "status": "inactive"}).context["paginator"].count == 1


def test_admin_reactivates_a_kelurahan_and_it_counts_again(client, demo, admin_user_role):
    client.force_login(admin_user_role)
    covered = _kelurahan(MULYAHARJA)
    toggle = reverse("kelurahan:kelurahan-toggle-active", args=[covered.pk])
    client.post(toggle)
    client.post(toggle)
    assert client.get(reverse("kelurahan:coverage")).context["report"].headline.covered == 2


@pytest.mark.parametrize(
    ("code", "error_code"),
    [("32.71.02.1099", "kecamatan_prefix"), ("32.71.01.1001", "unique"), ("32.71.1.1", "invalid")],
)
def test_admin_kelurahan_form_refuses_bad_codes_beside_the_field(client, demo, admin_user_role, code, error_code):
    client.force_login(admin_user_role)
    kecamatan = Kecamatan.objects.get(code="32.71.01")
    response = client.post(
        reverse("kelurahan:kelurahan-create"),
        {"code": code, "name": "Baru", "alternative_name": "", "kecamatan": kecamatan.pk},
    )
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["code"]] == [error_code]
    assert Kelurahan.objects.count() == 68


def test_kecamatan_with_active_kelurahan_cannot_be_deactivated(client, demo, admin_user_role):
    client.force_login(admin_user_role)
    kecamatan = Kecamatan.objects.get(code="32.71.02")
    response = client.post(reverse("kelurahan:kecamatan-toggle-active", args=[kecamatan.pk]), follow=True)
    kecamatan.refresh_from_db()
    assert kecamatan.is_active is True
    assert "masih memiliki kelurahan aktif" in _html(response)


def test_admin_adds_and_deactivates_an_empty_kecamatan(client, demo, admin_user_role):
    client.force_login(admin_user_role)
    client.post(reverse("kelurahan:kecamatan-create"), {"code": "32.71.07", "name": "Bogor Baru"})
    kecamatan = Kecamatan.objects.get(code="32.71.07")
    client.post(reverse("kelurahan:kecamatan-toggle-active", args=[kecamatan.pk]))
    kecamatan.refresh_from_db()
    assert kecamatan.is_active is False and kecamatan.history.count() == 2


def _loaded_version(client, url):
    """The record version the PATBM form carries, as a browser would send it back."""
    return form_data(client.get(url), "novalidate")["version"]


def test_staff_take_a_kelurahan_from_belum_ada_to_aktif_and_the_history_keeps_who(client, demo, staff_user):
    client.force_login(staff_user)
    kelurahan = _kelurahan(BATU_TULIS)
    url = reverse("kelurahan:patbm-update", args=[kelurahan.pk])
    steps = [(2, "2019-03-04"), (3, "2019-04-01"), (4, "2019-05-06"), (5, "2019-06-03"), (6, "2019-07-01")]
    for step, day in steps:
        sk = ("400/Kep.5-DPMPPA/2019", "2019-06-03") if step >= 5 else ("", "")
        response = client.post(
            url,
            {"step": step, "step_date": day, "sk_number": sk[0], "sk_date": sk[1], "activist_count": 10, "note": "",
             "version": _loaded_version(client, url)},
        )
        assert response.status_code == 302, response.context["form"].errors if response.context else ""
    patbm = Patbm.objects.get(kelurahan=kelurahan)
    assert (patbm.step, patbm.step_date) == (6, dt.date(2019, 7, 1))
    history = list(Patbm.history.filter(kelurahan_id=kelurahan.pk).order_by("history_id"))
    assert [(h.step, h.step_date.isoformat()) for h in history] == [(s, d) for s, d in steps]
    assert {h.history_user_id for h in history} == {staff_user.pk}
    report = client.get(reverse("kelurahan:coverage")).context["report"]
    assert report.headline.covered == 3
    assert report.timeline[-1].date == dt.date(2019, 6, 3) and report.timeline[-1].covered == 3


def test_staff_going_back_a_step_is_recorded_and_leaves_coverage_from_that_date(client, demo, staff_user):
    client.force_login(staff_user)
    kelurahan = _kelurahan(MULYAHARJA)
    response = client.post(
        reverse("kelurahan:patbm-update", args=[kelurahan.pk]),
        {
            "step": 4,
            "step_date": "2019-03-01",
            "sk_number": "",
            "sk_date": "",
            "activist_count": 3,
            "note": "SK dicabut",
            "version": _loaded_version(client, reverse("kelurahan:patbm-update", args=[kelurahan.pk])),
        },
    )
    assert response.status_code == 302
    assert Patbm.history.filter(kelurahan_id=kelurahan.pk).latest().step == 4
    report = client.get(reverse("kelurahan:coverage")).context["report"]
    assert report.headline.covered == 1
    assert [(p.date, p.covered) for p in report.timeline][-1] == (dt.date(2019, 3, 1), 1)


def test_staff_recording_formed_without_sk_sees_indonesian_errors_beside_the_fields(client, demo, staff_user):
    client.force_login(staff_user)
    kelurahan = _kelurahan(BATU_TULIS)
    response = client.post(
        reverse("kelurahan:patbm-update", args=[kelurahan.pk]),
        {"step": 5, "step_date": "2019-03-01", "sk_number": "", "sk_date": "", "activist_count": 3, "note": ""},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [e.code for e in errors["sk_number"]] == ["sk_number_required"]
    assert [e.code for e in errors["sk_date"]] == ["sk_date_required"]
    html = _html(response)
    assert "PATBM yang terbentuk memerlukan nomor SK-nya." in html
    assert "PATBM yang terbentuk memerlukan tanggal SK-nya." in html
    assert not Patbm.objects.filter(kelurahan=kelurahan).exists()


def test_staff_cannot_record_patbm_progress_of_an_inactive_kelurahan(client, demo, staff_user):
    kelurahan = _kelurahan(BATU_TULIS)
    kelurahan.is_active = False
    kelurahan.save()
    client.force_login(staff_user)
    client.post(
        reverse("kelurahan:patbm-update", args=[kelurahan.pk]),
        {"step": 2, "step_date": "2019-03-01", "sk_number": "", "sk_date": "", "activist_count": 0, "note": ""},
    )
    assert not Patbm.objects.filter(kelurahan=kelurahan).exists()


def test_a_patbm_saved_meanwhile_by_someone_else_is_not_overwritten_silently(client, demo, staff_user):
    kelurahan = Kelurahan.objects.get(code="32.71.03.1006")  # demo: terlatih
    url = reverse("kelurahan:patbm-update", args=[kelurahan.pk])
    client.force_login(staff_user)
    mine = form_data(client.get(url), "novalidate")
    other = form_data(client.get(url), "novalidate")

    other.update(step="2", step_date="2019-03-02", note="mundur: aktivis pindah")
    assert client.post(url, other).status_code == 302

    mine.update(activist_count="11", note="tambah aktivis")
    response = client.post(url, mine)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Orang lain menyimpan PATBM ini" in html
    assert "tambah aktivis" in html  # my input is kept
    patbm = Patbm.objects.get(kelurahan=kelurahan)
    assert (patbm.step, patbm.note) == (2, "mundur: aktivis pindah")

    # Saving again, knowingly, replaces their entry.
    again = form_data(response, "novalidate")
    assert client.post(url, again).status_code == 302
    patbm.refresh_from_db()
    assert (patbm.activist_count, patbm.note) == (11, "tambah aktivis")


def _first_patbm_post(client, url):
    data = form_data(client.get(url), "novalidate")
    data.update(step="2", step_date="2019-03-01", note="sosialisasi")
    return data


def test_the_first_patbm_record_saved_by_two_people_at_once_is_refused_for_the_second(demo, monkeypatch):
    """Both forms were loaded, and both saves looked for the record, before either was committed: the
    second insert meets the one-per-kelurahan constraint and is told (the view answers 409), not a 500."""
    from core.versions import EditConflict
    from kelurahan import services

    kelurahan = Kelurahan.objects.get(code="32.71.01.1001")  # no PATBM in the demo
    data = {"kelurahan": kelurahan, "step": 2, "step_date": dt.date(2019, 3, 1), "version": 0}
    theirs = services.patbm_save(**data, note="orang lain lebih dulu")
    monkeypatch.setattr(services, "_locked_patbm", lambda kelurahan: None)  # my lookup ran before their commit
    with pytest.raises(EditConflict) as refused:
        services.patbm_save(**data, note="saya")
    assert refused.value.pks == {theirs.pk}
    assert Patbm.objects.get(kelurahan=kelurahan).note == "orang lain lebih dulu"
    assert Patbm.history.filter(kelurahan_id=kelurahan.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sessions_saving_the_first_patbm_record_at_the_same_moment(demo, staff_user):
    import threading

    from django.db import connection
    from django.test import Client

    kelurahan = Kelurahan.objects.get(code="32.71.01.1001")
    url = reverse("kelurahan:patbm-update", args=[kelurahan.pk])
    clients = [Client(), Client()]
    posts = []
    for client in clients:
        client.force_login(staff_user)
        posts.append(_first_patbm_post(client, url))
    barrier, statuses = threading.Barrier(2), [None, None]

    def run(index):
        try:
            barrier.wait(10)
            statuses[index] = clients[index].post(url, posts[index]).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [302, 409]
    assert Patbm.objects.filter(kelurahan=kelurahan).count() == 1


def test_patbm_save_raises_the_version_and_refuses_a_save_from_an_older_one(demo):
    from core.versions import EditConflict
    from kelurahan import services

    kelurahan = Kelurahan.objects.get(code="32.71.01.1001")  # no PATBM in the demo
    values = {"kelurahan": kelurahan, "step": 2, "step_date": dt.date(2019, 3, 1)}
    first = services.patbm_save(**values, note="pertama", version=0)
    assert first.version == 1
    second = services.patbm_save(**values, note="kedua", version=1, reason="impor patbm.csv")
    assert second.version == 2 and Patbm.history.filter(kelurahan_id=kelurahan.pk).latest().history_change_reason
    with pytest.raises(EditConflict) as refused:
        services.patbm_save(**values, note="dari formulir lama", version=1)
    assert refused.value.pks == {first.pk}
    stored = Patbm.objects.get(kelurahan=kelurahan)
    assert (stored.note, stored.version) == ("kedua", 2)
    assert Patbm.history.filter(kelurahan_id=kelurahan.pk).count() == 2


def test_patbm_save_refuses_an_inactive_kelurahan_and_writes_nothing(demo):
    from kelurahan import services

    kelurahan = _kelurahan(BATU_TULIS)
    Kelurahan.objects.filter(pk=kelurahan.pk).update(is_active=False)  # deactivated after the page loaded
    before = list(Patbm.history.filter(kelurahan_id=kelurahan.pk).values_list("history_id", flat=True))
    with pytest.raises(services.KelurahanInactive) as refused:
        services.patbm_save(kelurahan=kelurahan, step=2, step_date=dt.date(2019, 3, 1), version=0)
    assert str(refused.value) == "Batu Tulis nonaktif; aktifkan kembali sebelum mencatat kemajuan PATBM."
    assert list(Patbm.history.filter(kelurahan_id=kelurahan.pk).values_list("history_id", flat=True)) == before


def test_a_kelurahan_deactivated_while_the_patbm_form_was_open_gets_409_with_the_reason(client, demo, staff_user,
                                                                                        monkeypatch):
    from kelurahan import views

    kelurahan = Kelurahan.objects.get(code="32.71.01.1001")
    url = reverse("kelurahan:patbm-update", args=[kelurahan.pk])
    client.force_login(staff_user)
    data = form_data(client.get(url), "novalidate")
    data.update(step="2", step_date="2019-03-01")
    Kelurahan.objects.filter(pk=kelurahan.pk).update(is_active=False)
    # The page read the kelurahan just before the deactivation; the service reads it again.
    monkeypatch.setattr(views, "get_object_or_404", lambda *args, **kwargs: kelurahan)
    response = client.post(url, data)
    assert response.status_code == 409
    assert "aktifkan kembali" in response.content.decode()
    assert not Patbm.objects.filter(kelurahan=kelurahan).exists()
