import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from clusters.models import Instrument
from clusters.services import framework_load
from core import roles
from core.loading import LoadReport
from core.roles import roles_ensure
from dashboard.demo import demo_load
from dekela.services import criteria_load
from kelurahan.services import wilayah_load


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Uploaded files (evidence) of every test go to a folder of their own, never into the project's media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture
def reference_data(db):
    """Clusters, 24 indicators, predicates, 6 kecamatan, 68 kelurahan and the role groups."""
    report = LoadReport()
    framework_load(report=report)
    # The tests before the 2024 instrument are written on the 2019-era framework; the instrument's own
    # tests choose theirs (fixture `instrument_2024`).
    Instrument.objects.update(is_default=False)
    Instrument.objects.filter(code=Instrument.FRAMEWORK_2019).update(is_default=True)
    wilayah_load(report=report)
    criteria_load(report=report)
    roles_ensure()
    return report


@pytest.fixture
def demo(reference_data):
    demo_load()


def _user_with_role(username, role, **extra):
    user = get_user_model().objects.create_user(username=username, password="test-password-123", **extra)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def staff_user(reference_data):
    return _user_with_role("staf-test", roles.STAFF)


@pytest.fixture
def task_force_user(reference_data):
    return _user_with_role("gugus-test", roles.TASK_FORCE)


@pytest.fixture
def admin_user_role(reference_data):
    return _user_with_role("admin-test", roles.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def instrument_2024(reference_data):
    return Instrument.objects.get(code=Instrument.INSTRUMENT_2024)


@pytest.fixture
def office_defaults(reference_data):
    """The planner's offices and the data-source mapping of Kota Bogor (Dinkes → Dinas Kesehatan, ...)."""
    from offices.services import data_sources_load
    from planner.services import planner_defaults_load

    planner_defaults_load(report=LoadReport())
    data_sources_load(report=LoadReport())


@pytest.fixture
def operator_user(office_defaults):
    """An operator of Dinas Kesehatan (Operator OPD): answers the questions whose data source is Dinkes."""
    from offices.services import operator_assign
    from planner.models import Office

    user = get_user_model().objects.create_user(username="operator-dinkes", password="test-password-123",
                                                email="dinkes@example.go.id")
    operator_assign(user=user, office=Office.objects.get(name="Dinas Kesehatan"))
    return user
