"""The dashboard's body is cached per data version: every kind of write shows at once, never stale; the whole
page is kept per user and address, with each request's own CSRF tokens and its waiting messages."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import reverse

from clusters.models import Cluster, Evaluation, FieldDeduction, Indicator, Predicate, SelfAssessment
from core.data_version import data_version
from kelurahan.models import Kecamatan, Kelurahan, Patbm

pytestmark = pytest.mark.django_db


def _dashboard(client):
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    return response.content.decode()


def _main(html):
    return html[html.index("<main"):html.index("</main>")]


def _headline(html):
    return html[html.index('id="headline-result"'):html.index('id="block-standing"')]


def _lower_2018_score():
    row = SelfAssessment.objects.with_deductions().get(evaluation__year=2018, indicator__number=24)
    SelfAssessment.objects.filter(pk=row.pk).update(score=row.score - Decimal("1.00"))


def _delete_2018_deduction():
    deduction = FieldDeduction.objects.filter(self_assessment__evaluation__year=2018).order_by("points").first()
    FieldDeduction.objects.filter(pk=deduction.pk).delete()
    return deduction.points


# (write done with a bulk QuerySet call, as the admin's actions or a script would, bypassing
#  model signals; what the dashboard shows before; what it shows after)
WRITES = {
    "score": (_lower_2018_score, "683,20", "682,20"),
    "evaluation": (
        lambda: Evaluation.objects.filter(year=2019).update(stage=Evaluation.Stage.FINAL),
        "Penilaian mandiri 2019, sedang berjalan",
        "Nilai akhir 2019",
    ),
    "predicate": (lambda: Predicate.objects.filter(name="Madya").update(name="Madya (baru)"), "Madya<", "Madya (baru)"),
    "cluster": (
        lambda: Cluster.objects.filter(name="Klaster V: Perlindungan Khusus").update(
            name="Klaster V: Perlindungan Khusus Anak"
        ),
        "Klaster V: Perlindungan Khusus<",
        "Klaster V: Perlindungan Khusus Anak",
    ),
    "indicator": (
        lambda: Indicator.objects.filter(name__startswith="Anak korban kekerasan").update(name="Korban kekerasan"),
        "Anak korban kekerasan",
        "Korban kekerasan",
    ),
    "kelurahan": (
        lambda: Kelurahan.objects.filter(pk=Kelurahan.objects.filter(patbm__isnull=True).first().pk).update(
            is_active=False
        ),
        "2 / 68",
        "2 / 67",
    ),
    "patbm": (
        lambda: Patbm.objects.create(
            kelurahan=Kelurahan.objects.filter(patbm__isnull=True).first(), step=Patbm.Step.AKTIF,
            step_date="2020-01-01", sk_number="1/SK/2020", sk_date="2020-01-01",
        ),
        "2 / 68",
        "3 / 68",
    ),
}


@pytest.mark.parametrize("kind", list(WRITES))
def test_each_kind_of_write_shows_on_the_cached_dashboard_at_once(client, demo, task_force_user, kind):
    write, before, after = WRITES[kind]
    client.force_login(task_force_user)
    html = _dashboard(client)
    assert before in html and after not in html
    assert _main(_dashboard(client)) == _main(html)  # served from the cache now

    write()

    assert after in _dashboard(client)


def test_a_deleted_deduction_shows_on_the_cached_dashboard(client, demo, task_force_user):
    client.force_login(task_force_user)
    before = _headline(_dashboard(client))
    assert "683,20" in before
    points = _delete_2018_deduction()
    after = _headline(_dashboard(client))
    assert f"{Decimal('683.20') + points:.2f}".replace(".", ",") in after


def test_a_kecamatan_write_changes_the_data_version(demo):
    before = data_version()
    Kecamatan.objects.filter(code="32.71.01").update(name="Bogor Selatan (baru)")
    assert data_version() != before


def test_a_raw_sql_write_changes_the_data_version(demo):
    before = data_version()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE clusters_selfassessment SET evidence = 'x' WHERE id IN (SELECT MIN(id) FROM "
                       "clusters_selfassessment)")
    assert data_version() != before


def test_a_rolled_back_write_restores_the_version_it_rolled_back(demo):
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Predicate.objects.filter(name="Madya").update(name="x")
        assert data_version() != before
        raise RuntimeError
    assert data_version() == before


def test_a_cached_dashboard_skips_the_figures_queries(client, demo, task_force_user, django_assert_max_num_queries):
    client.force_login(task_force_user)
    _dashboard(client)
    with django_assert_max_num_queries(20) as queries:
        _dashboard(client)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "clusters_selfassessment" not in tables and "kelurahan_kelurahan" not in tables
    assert "core_dataversion" in tables


def test_language_and_role_are_part_of_the_cache_key(client, demo, task_force_user, admin_user_role):
    client.force_login(task_force_user)
    assert "Nilai akhir 2018" in _dashboard(client)
    client.cookies["django_language"] = "en"
    assert "Final score 2018" in _dashboard(client)
    client.cookies["django_language"] = "id"

    FieldDeduction.objects.all().delete()
    Evaluation.objects.update(stage=Evaluation.Stage.SELF_ASSESSMENT)
    # Only those who may record deductions see the link to enter one.
    assert "Enter a field deduction" not in _dashboard(client)
    assert "Masukkan pengurangan nilai lapangan" not in _dashboard(client)
    client.force_login(admin_user_role)
    page = _dashboard(client)
    assert "Masukkan pengurangan nilai lapangan" in page and 'href="/evaluasi/2019/"' in page


# The whole page, base.html included, is kept per user (core.caching.render_page).

def _tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_a_dashboard_read_again_is_served_whole_from_the_cache_with_this_requests_tokens(client, demo, task_force_user):
    client.force_login(task_force_user)
    first = client.get(reverse("dashboard:home"))
    again = client.get(reverse("dashboard:home"))
    assert first.templates and not again.templates  # not rendered the second time
    first_html, again_html = first.content.decode(), again.content.decode()
    assert "csrf-slot" not in again_html and len(_tokens(again_html)) == 2  # logout and language forms
    assert set(_tokens(first_html)).isdisjoint(_tokens(again_html))  # masked per request
    assert re.sub(r'value="[^"]{64}"', "", first_html) == re.sub(r'value="[^"]{64}"', "", again_html)
    assert client.post(reverse("logout")).status_code == 302  # the token served from the cache works


def test_a_message_waiting_is_shown_on_a_cached_dashboard_once(client, demo, task_force_user):
    client.force_login(task_force_user)
    _dashboard(client)
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Penilaian tersimpan.")])
    assert "Penilaian tersimpan." in _dashboard(client)
    assert "Penilaian tersimpan." not in _dashboard(client)


def test_the_whole_page_is_kept_per_user_and_per_address(client, demo, task_force_user, django_user_model):
    # Two members of the same role, both logged in first (a login writes the auth tables), read it in turn.
    colleague = django_user_model.objects.create_user("gugus-kedua", password="test-password-123")
    colleague.groups.set(task_force_user.groups.all())
    other = Client()
    client.force_login(task_force_user)
    other.force_login(colleague)
    assert task_force_user.username in _dashboard(client)
    page = _dashboard(other)
    assert colleague.username in page and task_force_user.username not in page
    # The language menu sends back to the very address: a query string is not served another's page.
    html = client.get(reverse("dashboard:home") + "?dari=menu").content.decode()
    assert 'name="next" type="hidden" value="/?dari=menu"' in html
    assert 'name="next" type="hidden" value="/"' in _dashboard(client)


def test_a_page_holding_its_own_csrf_token_is_never_kept(rf, demo, task_force_user, monkeypatch):
    # A real token would be one session's: only pages whose forms use {% csrf_slot %} are kept.
    from core import caching

    rendered = []

    def render(request, template_name, context):
        rendered.append(template_name)
        return HttpResponse('<form><input type="hidden" name="csrfmiddlewaretoken" value="x"></form>')

    monkeypatch.setattr(caching, "render", render)
    request = rf.get("/")
    request.user = task_force_user
    request._messages = CookieStorage(request)
    cached = caching.page_cache(request, "test-page", domains=("clusters",))
    for _ in range(2):
        caching.render_page(request, "some/page.html", {}, cached)
    assert rendered == ["some/page.html", "some/page.html"]
