from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from clusters.models import Evaluation
from clusters.selectors import evaluation_summaries
from clusters.services import evaluation_create
from core import roles
from dashboard.demo import DEMO_USERS
from kelurahan.models import Kelurahan, Patbm

pytestmark = pytest.mark.django_db


def test_demo_tells_the_2017_to_2019_story(demo):
    by_year = {s.evaluation.year: s for s in evaluation_summaries()}
    assert set(by_year) == {2017, 2018, 2019}
    assert all(s.evaluation.is_sample for s in by_year.values())

    y2017 = by_year[2017].summary
    assert y2017.predicate.name == "Pratama"
    assert D("550") <= y2017.final <= D("570")

    y2018 = by_year[2018].summary
    assert y2018.self_assessment > D("700")
    assert D("680") <= y2018.final < D("690")
    assert y2018.predicate.name == "Madya"
    assert y2018.gap_to_goal == D("700.01") - y2018.final

    y2019 = by_year[2019]
    assert y2019.evaluation.stage == Evaluation.Stage.SELF_ASSESSMENT
    assert y2019.summary.deductions == 0
    assert 0 < y2019.summary.scored < y2019.summary.indicators == 24


def test_demo_2018_deductions_concentrate_on_media_partnerships_and_patbm(demo):
    rows = Evaluation.objects.get(year=2018).self_assessments.with_deductions().select_related("indicator")
    lost = sorted(((row.deduction_total, row.indicator.number) for row in rows), reverse=True)
    assert {number for _, number in lost[:2]} == {3, 21}
    assert lost[0][1] == 21  # Klaster V: too few PATBM


def test_demo_patbm_has_2_of_68_formed_and_others_on_the_way(demo):
    assert Patbm.objects.filter(step__gte=Patbm.Step.TERBENTUK).count() == 2
    assert Patbm.objects.filter(step__lt=Patbm.Step.TERBENTUK).count() >= 3
    formed = Patbm.objects.get(kelurahan__code="32.71.01.1007")
    assert formed.history.count() == 5  # one record per step reached


def test_demo_records_a_few_kelana_dekela_statuses_of_2019_shown_by_the_matrix(demo):
    from dekela import selectors as dekela_selectors
    from dekela.models import Criterion, CriterionStatus

    statuses = CriterionStatus.objects.filter(year=2019)
    assert statuses.count() == 10 and not CriterionStatus.objects.exclude(year=2019).exists()
    assert all(status.note.startswith("Data contoh (demo)") for status in statuses)  # labelled as sample data
    assert statuses.filter(kecamatan__isnull=False).count() == 3
    matrix = dekela_selectors.matrix(year=2019, scope=Criterion.Scope.KELURAHAN)
    forum = [c.code for c in matrix.criteria].index("KEL-FORUM-ANAK")
    patbm = [c.code for c in matrix.criteria].index("KEL-PATBM")
    assert (matrix.city.shares[forum].covered, matrix.city.shares[forum].total) == (2, 68)
    assert matrix.city.shares[patbm].covered == 2  # the demo's 2 of 68 PATBM formed
    assert sum(row.cells[forum].status == "not_met" for row in matrix.rows) == 1
    kecamatan = dekela_selectors.criterion_shares(2019, Criterion.Scope.KECAMATAN)
    assert kecamatan[Criterion.objects.get(code="KEC-FORUM-ANAK").pk].covered == 2


def test_demo_users_log_in_with_the_printed_passwords_and_have_their_roles(demo):
    users = get_user_model().objects.in_bulk([u.username for u in DEMO_USERS], field_name="username")
    for demo_user in DEMO_USERS:
        user = users[demo_user.username]
        assert user.check_password(demo_user.password)
        assert list(user.groups.values_list("name", flat=True)) == [demo_user.role]
    admin = users["admin"]
    assert admin.is_staff and admin.is_superuser
    assert {u.role for u in DEMO_USERS} == {roles.ADMIN, roles.STAFF, roles.TASK_FORCE, roles.OPERATOR}
    assert users["dinkes"].operator.office.name == "Dinas Kesehatan"


def test_load_demo_twice_changes_nothing(demo, capsys):
    call_command("load_demo")
    assert Evaluation.objects.count() == 3
    assert "already loaded" in capsys.readouterr().out


def test_load_demo_leaves_a_database_with_real_evaluations_alone_in_one_line(reference_data, capsys):
    evaluation_create(year=2024)
    call_command("load_demo")  # no error: `make run` goes on to serve
    out = capsys.readouterr().out
    assert out.strip().splitlines() == [
        "Demo left out: this database holds real evaluations or PATBM records (nothing changed)."]
    assert Evaluation.objects.count() == 1
    assert not Patbm.objects.exists()
    assert not get_user_model().objects.filter(username__in=[u.username for u in DEMO_USERS]).exists()


def test_load_demo_after_next_years_evaluation_was_created_in_the_demo(demo, capsys):
    """The issue's example: an admin clicks "create next year's evaluation" in the demo; `make run` still works."""
    evaluation_create(year=2020)
    call_command("load_demo")
    assert "already loaded" in capsys.readouterr().out
    assert sorted(Evaluation.objects.values_list("year", flat=True)) == [2017, 2018, 2019, 2020]


def test_make_run_loads_reference_data_planner_defaults_and_demo_on_the_same_database_twice(db, capsys):
    """The commands `make run` runs before serving, twice, with an evaluation created in between."""
    for _ in range(2):
        for command in ("load_reference_data", "load_planner_defaults", "load_demo"):
            call_command(command)
        if not Evaluation.objects.filter(year=2020).exists():
            evaluation_create(year=2020)
    assert Evaluation.objects.count() == 4


def test_load_demo_needs_reference_data_first(db):
    with pytest.raises(CommandError, match="load_reference_data"):
        call_command("load_demo")


def test_load_reference_data_twice_says_nothing_changed(db, capsys):
    call_command("load_reference_data")
    call_command("load_reference_data")
    out = capsys.readouterr().out
    assert "kelurahan: 0 created, 68 already present" in out
    assert "instruments: 2 created, 0 already present" in out  # the first run
    assert "questions: 0 created, 274 already present" in out and "indicators: 0 created, 55 already present" in out
    assert "nothing changed" in out
    assert Kelurahan.objects.count() == 68
