"""One cache-key builder: the key holds the domains' data versions, the language, the permissions the
page declares and what else it varies on; a cached page shows each role its own buttons whoever loaded
it first (the kelurahan list once showed staff's PATBM import button by whoever came first)."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from clusters.models import Indicator, SelfAssessment
from core.caching import page_cache
from kelurahan.models import Kecamatan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _request(user):
    request = RequestFactory().get("/")
    # A request loads its user anew, without the permissions and versions read by an earlier one.
    request.user = User.objects.get(pk=user.pk) if user.is_authenticated else user
    return request


def test_the_key_changes_with_each_part_it_names(reference_data, staff_user, task_force_user):
    def key(user=staff_user, domains=("clusters",), permissions=("kelurahan.change_patbm",), vary=(1,)):
        return page_cache(_request(user), "page", domains=domains, permissions=permissions, vary=vary).key

    first = key()
    assert key() == first
    assert key(user=task_force_user) != first  # staff may change PATBM, the task force may not
    assert key(vary=(2,)) != first
    assert key(domains=("clusters", "kelurahan")) != first
    with translation.override("en"):
        assert key() != first
    Indicator.objects.filter(number=1).update(name="Perda KLA (diubah)")
    assert key() != first


def test_a_write_to_one_domain_leaves_the_others_key_alone(demo, staff_user):
    def key(domain):
        return page_cache(_request(staff_user), "page", domains=(domain,)).key

    clusters, kelurahan = key("clusters"), key("kelurahan")
    SelfAssessment.objects.filter(evaluation__year=2019, indicator__number=1).update(evidence="baru")
    assert key("clusters") != clusters and key("kelurahan") == kelurahan
    Kecamatan.objects.filter(pk=Kecamatan.objects.values("pk")[:1]).update(name="Bogor Tengah (diubah)")
    assert key("kelurahan") != kelurahan


def test_can_holds_exactly_the_declared_permissions(reference_data, staff_user):
    cached = page_cache(_request(staff_user), "page", domains=(), permissions=("kelurahan.change_patbm",
                                                                               "kelurahan.add_kelurahan"))
    assert cached.can == {"add_kelurahan": False, "change_patbm": True}
    assert page_cache(_request(AnonymousUser()), "page", domains=(), permissions=("kelurahan.change_patbm",)).can == {
        "change_patbm": False}


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("first", ["staff", "task_force"])
def test_the_kelurahan_list_shows_each_role_its_buttons_whoever_came_first(
    client, reference_data, staff_user, task_force_user, admin_user_role, first
):
    url = reverse("kelurahan:kelurahan-list")
    import_url, add_url = reverse("kelurahan:patbm-import"), reverse("kelurahan:kelurahan-create")
    users = {"staff": staff_user, "task_force": task_force_user}
    for name in (first, *({"staff", "task_force"} - {first})):
        page = _page(client, users[name], url)
        assert (import_url in page) is (name == "staff")
        assert add_url not in page
    admin_page = _page(client, admin_user_role, url)
    assert add_url in admin_page and import_url in admin_page


@pytest.mark.parametrize("first", ["staff", "task_force"])
def test_the_evaluation_page_shows_each_role_its_links_whoever_came_first(
    client, demo, staff_user, task_force_user, admin_user_role, first
):
    url = reverse("clusters:evaluation-detail", kwargs={"year": 2019})
    entry_url = reverse("clusters:self-assessment-edit", kwargs={"year": 2019, "cluster": "K1"})
    stage_url = reverse("clusters:evaluation-stage", kwargs={"year": 2019})
    users = {"staff": staff_user, "task_force": task_force_user}
    for name in (first, *({"staff", "task_force"} - {first})):
        page = _page(client, users[name], url)
        assert (entry_url in page) is (name == "staff")
        assert stage_url not in page
    assert stage_url in _page(client, admin_user_role, url)


@pytest.mark.parametrize("first", ["staff", "task_force"])
def test_the_dashboard_shows_each_role_its_links_whoever_came_first(
    client, reference_data, staff_user, task_force_user, first
):
    # No evaluation yet: only those who may create one get the link to.
    url, create_url = reverse("dashboard:home"), reverse("clusters:evaluation-create")
    users = {"staff": staff_user, "task_force": task_force_user}
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.add(Permission.objects.get(codename="add_evaluation"))
    for name in (first, *({"staff", "task_force"} - {first})):
        client.logout()
        page = _page(client, users[name], url)
        assert (create_url in page) is (name == "staff")


def test_the_coverage_page_shows_each_role_its_links(client, db, staff_user, admin_user_role):
    # Without kelurahan the page says who can add one: the admin gets the link, staff the advice.
    from kelurahan.models import Kelurahan, Patbm

    Patbm.history.all().delete()
    Kelurahan.objects.update(is_active=False)
    url, add_url = reverse("kelurahan:coverage"), reverse("kelurahan:kelurahan-create")
    assert add_url not in _page(client, staff_user, url)
    assert add_url in _page(client, admin_user_role, url)
