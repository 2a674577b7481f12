import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.versions import EditConflict
from dekela import scoring, selectors, services
from dekela.models import Criterion, CriterionStatus
from dekela.services import StatusChange
from kelurahan.models import Kecamatan, Kelurahan

pytestmark = pytest.mark.django_db
KELURAHAN = Criterion.Scope.KELURAHAN


def _met(criterion, places, year=2025):
    CriterionStatus.objects.bulk_create(
        CriterionStatus(criterion=criterion, kelurahan=place, year=year, status="met") for place in places)


def test_no_kelurahan_meeting_a_criterion_is_zero_of_68(forum_anak):
    share = selectors.criterion_shares(2025, KELURAHAN)[forum_anak.pk]
    assert (share.covered, share.total, share.percent) == (0, 68, 0)


def test_all_68_kelurahan_meeting_a_criterion_is_100_percent(forum_anak, every_kelurahan):
    _met(forum_anak, every_kelurahan)
    share = selectors.criterion_shares(2025, KELURAHAN)[forum_anak.pk]
    assert (share.covered, share.total, share.percent) == (68, 68, 100)
    # Another year's records do not count.
    assert selectors.criterion_shares(2024, KELURAHAN)[forum_anak.pk].covered == 0


def test_a_deactivated_kelurahan_leaves_the_count_and_the_total(forum_anak, every_kelurahan):
    _met(forum_anak, every_kelurahan[:10])
    Kelurahan.objects.filter(pk=every_kelurahan[0].pk).update(is_active=False)
    share = selectors.criterion_shares(2025, KELURAHAN)[forum_anak.pk]
    assert (share.covered, share.total) == (9, 67)


def test_not_met_and_unknown_do_not_count(forum_anak, every_kelurahan):
    CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[0], year=2025, status="not_met")
    CriterionStatus.objects.create(criterion=forum_anak, kelurahan=every_kelurahan[1], year=2025, status="unknown")
    assert selectors.criterion_shares(2025, KELURAHAN)[forum_anak.pk].covered == 0


def test_the_patbm_criterion_comes_from_the_patbm_records(demo, patbm_criterion):
    # The 2019 demo: 2 of 68 kelurahan with a PATBM formed (terbentuk) or active.
    share = selectors.criterion_shares(2025, KELURAHAN)[patbm_criterion.pk]
    assert (share.covered, share.total) == (2, 68)


def test_the_matrix_totals_per_kecamatan_and_city(demo, forum_anak, patbm_criterion, every_kelurahan):
    first_kecamatan = every_kelurahan[0].kecamatan
    in_first = [k for k in every_kelurahan if k.kecamatan_id == first_kecamatan.pk]
    _met(forum_anak, in_first[:3])
    result = selectors.matrix(year=2025, scope=KELURAHAN)
    forum_column = [c.pk for c in result.criteria].index(forum_anak.pk)
    patbm_column = [c.pk for c in result.criteria].index(patbm_criterion.pk)
    assert result.city.shares[forum_column].covered == 3
    assert result.city.shares[forum_column].total == 68
    assert result.city.shares[patbm_column].covered == 2
    group = next(g for g in result.groups if g.pk == first_kecamatan.pk)
    assert (group.shares[forum_column].covered, group.shares[forum_column].total) == (3, len(in_first))
    assert sum(g.shares[forum_column].total for g in result.groups) == 68
    assert len(result.rows) == 68
    row = next(r for r in result.rows if r.pk == in_first[0].pk)
    assert row.cells[forum_column].status == "met"
    assert {r.cells[patbm_column].status for r in result.rows} == {"met", "not_met"}
    assert sum(r.cells[patbm_column].status == "met" for r in result.rows) == 2


def test_the_matrix_filters_by_kecamatan_and_by_a_criterions_status(forum_anak, every_kelurahan):
    _met(forum_anak, every_kelurahan[:2])
    only = selectors.matrix(year=2025, scope=KELURAHAN, criterion_id=forum_anak.pk, status="met")
    assert [r.pk for r in only.rows] == [k.pk for k in every_kelurahan[:2]]
    assert only.city.shares[0].total == 68  # totals stay those of every kelurahan
    kecamatan = every_kelurahan[-1].kecamatan
    one = selectors.matrix(year=2025, scope=KELURAHAN, kecamatan_id=kecamatan.pk)
    assert {r.group for r in one.rows} == {kecamatan.pk}
    unknown = selectors.matrix(year=2025, scope=KELURAHAN, criterion_id=forum_anak.pk, status="unknown")
    assert len(unknown.rows) == 66


def test_the_matrix_leaves_out_a_deactivated_kelurahan(forum_anak, every_kelurahan):
    Kelurahan.objects.filter(pk=every_kelurahan[0].pk).update(is_active=False)
    result = selectors.matrix(year=2025, scope=KELURAHAN)
    assert every_kelurahan[0].pk not in {r.pk for r in result.rows}
    assert result.city.shares[0].total == 67


def test_the_matrix_costs_the_same_queries_for_more_records(forum_anak, every_kelurahan):
    with CaptureQueriesContext(connection) as empty:
        selectors.matrix(year=2025, scope=KELURAHAN)
    for criterion in Criterion.objects.for_scope(KELURAHAN).filter(source="recorded")[:5]:
        _met(criterion, every_kelurahan[:20], year=2025)
    with CaptureQueriesContext(connection) as full:
        selectors.matrix(year=2025, scope=KELURAHAN)
    assert len(full.captured_queries) == len(empty.captured_queries) <= 7


def _change(criterion, status="met", version=None, date=None, note=""):
    return StatusChange(criterion_id=criterion.pk, version=version, status=status, date=date, note=note)


def test_a_row_save_records_new_statuses_and_skips_unchanged_ones(forum_anak, every_kelurahan):
    kelurahan = every_kelurahan[0]
    anggaran = Criterion.objects.get(code="KEL-ANGGARAN")
    count = services.criterion_statuses_save(year=2025, kelurahan=kelurahan, changes=[
        _change(forum_anak, date=dt.date(2025, 3, 1), note="SK Forum Anak"), _change(anggaran, status="unknown")])
    assert count == 1
    stored = CriterionStatus.objects.get()
    assert (stored.criterion, stored.kelurahan, stored.status, stored.date, stored.note, stored.version) == (
        forum_anak, kelurahan, "met", dt.date(2025, 3, 1), "SK Forum Anak", 1)
    assert stored.history.count() == 1


def test_a_row_save_from_the_loaded_version_updates_and_raises_it(forum_anak, every_kelurahan):
    kelurahan = every_kelurahan[0]
    services.criterion_statuses_save(year=2025, kelurahan=kelurahan, changes=[_change(forum_anak)])
    services.criterion_statuses_save(year=2025, kelurahan=kelurahan, changes=[
        _change(forum_anak, status="not_met", version=1)])
    stored = CriterionStatus.objects.get()
    assert (stored.status, stored.version, stored.history.count()) == ("not_met", 2, 2)


def test_a_row_save_from_an_older_version_is_a_conflict_and_saves_nothing(forum_anak, every_kelurahan):
    kelurahan = every_kelurahan[0]
    anggaran = Criterion.objects.get(code="KEL-ANGGARAN")
    services.criterion_statuses_save(year=2025, kelurahan=kelurahan, changes=[_change(forum_anak)])
    services.criterion_statuses_save(year=2025, kelurahan=kelurahan, changes=[
        _change(forum_anak, status="not_met", version=1)])
    with pytest.raises(EditConflict) as conflict:
        services.criterion_statuses_save(year=2025, kelurahan=kelurahan, changes=[
            _change(anggaran), _change(forum_anak, status="unknown", version=1)])
    assert conflict.value.pks == {forum_anak.pk}
    assert list(CriterionStatus.objects.values_list("criterion__code", "status", "version")) == [
        ("KEL-FORUM-ANAK", "not_met", 2)]


def test_a_status_recorded_meanwhile_for_the_first_time_is_a_conflict(forum_anak, every_kelurahan):
    kelurahan = every_kelurahan[0]
    services.criterion_statuses_save(year=2025, kelurahan=kelurahan, changes=[_change(forum_anak)])
    with pytest.raises(EditConflict):
        services.criterion_statuses_save(year=2025, kelurahan=kelurahan, changes=[
            _change(forum_anak, status="not_met", version=None)])


def test_a_deactivated_kelurahan_takes_no_new_status(forum_anak, every_kelurahan):
    kelurahan = every_kelurahan[0]
    Kelurahan.objects.filter(pk=kelurahan.pk).update(is_active=False)
    with pytest.raises(services.PlaceInactive):
        services.criterion_statuses_save(year=2025, kelurahan=kelurahan, changes=[_change(forum_anak)])
    assert not CriterionStatus.objects.exists()


def test_the_patbm_criterion_and_the_other_scope_are_not_typed(patbm_criterion, every_kelurahan):
    kelurahan = every_kelurahan[0]
    for criterion in (patbm_criterion, Criterion.objects.get(code="KEC-FORUM-ANAK")):
        with pytest.raises(services.NotRecordedHere):
            services.criterion_statuses_save(year=2025, kelurahan=kelurahan, changes=[_change(criterion)])
    assert not CriterionStatus.objects.exists()


def test_kecamatan_criteria_are_recorded_per_kecamatan(reference_data):
    kecamatan = Kecamatan.objects.order_by("code").first()
    criterion = Criterion.objects.get(code="KEC-FORUM-ANAK")
    services.criterion_statuses_save(year=2025, kecamatan=kecamatan, changes=[_change(criterion)])
    share = selectors.criterion_shares(2025, Criterion.Scope.KECAMATAN)[criterion.pk]
    assert (share.covered, share.total) == (1, Kecamatan.objects.filter(is_active=True).count())
    result = selectors.matrix(year=2025, scope=Criterion.Scope.KECAMATAN)
    assert result.rows[0].cells[0].status == "met"


def test_coverage_over_time_gives_each_year_with_records(forum_anak, every_kelurahan):
    _met(forum_anak, every_kelurahan[:3], year=2023)
    _met(forum_anak, every_kelurahan[:5], year=2024)
    Kelurahan.objects.filter(pk=every_kelurahan[0].pk).update(is_active=False)
    result = selectors.coverage_over_time(KELURAHAN)
    column = [c.pk for c in result.criteria].index(forum_anak.pk)
    assert [(year, shares[column].covered, shares[column].total) for year, shares in result.years] == [
        (2023, 2, 67), (2024, 4, 67)]


def _patbm_steps(kelurahan, *entries):
    """Saves `entries` of (step, step date) for `kelurahan` in this order, each a new PATBM history entry."""
    from kelurahan import services as kelurahan_services
    from kelurahan.models import Patbm

    for step, day in entries:
        current = Patbm.objects.filter(kelurahan=kelurahan).first()
        formed = step >= Patbm.Step.TERBENTUK
        kelurahan_services.patbm_save(kelurahan=kelurahan, step=step, step_date=day,
                                      sk_number="SK 1" if formed else "",
                                      sk_date=dt.date(2019, 1, 1) if formed else None,
                                      version=current.version if current else 0)


def _patbm_column(result, patbm_criterion):
    return [c.pk for c in result.criteria].index(patbm_criterion.pk)


def test_the_patbm_criterion_of_a_year_is_the_step_at_that_years_end(patbm_criterion, every_kelurahan):
    formed, went_back = every_kelurahan[0], every_kelurahan[1]
    _patbm_steps(formed, (2, dt.date(2022, 3, 1)), (5, dt.date(2023, 8, 1)))  # formed in 2023
    _patbm_steps(went_back, (6, dt.date(2021, 1, 1)), (4, dt.date(2024, 5, 1)))  # back a step in 2024
    expected = {2020: set(), 2021: {went_back.pk}, 2022: {went_back.pk}, 2023: {formed.pk, went_back.pk},
                2024: {formed.pk}}
    for year, covered in expected.items():
        assert selectors.criterion_shares(year, KELURAHAN)[patbm_criterion.pk].covered == len(covered), year
        result = selectors.matrix(year=year, scope=KELURAHAN)
        column = _patbm_column(result, patbm_criterion)
        assert {row.pk for row in result.rows if row.cells[column].status == "met"} == covered, year
        assert result.city.shares[column].covered == len(covered)
        for group in result.groups:
            in_group = {k.pk for k in every_kelurahan if k.kecamatan_id == group.pk}
            assert group.shares[column].covered == len(covered & in_group), (year, group.name)
    # Today's year reads today's steps.
    this_year = dt.date.today().year
    assert selectors.criterion_shares(this_year, KELURAHAN)[patbm_criterion.pk].covered == 1


def test_the_suggestion_of_an_evaluation_reads_the_patbm_of_its_year(patbm_criterion, every_kelurahan,
                                                                    instrument_2024):
    from clusters.services import evaluation_create

    _patbm_steps(every_kelurahan[0], (5, dt.date(2023, 8, 1)))
    for year, covered in ((2022, 0), (2024, 1)):
        evaluation = evaluation_create(year=year, instrument=instrument_2024)
        suggestion = next(item for item in selectors.suggestions(evaluation) if item.criterion == patbm_criterion)
        assert (suggestion.share.covered, suggestion.share.total) == (covered, 68), year


def test_the_2019_demo_has_2_of_68_patbm_formed_in_2019_and_none_before_2018(demo, patbm_criterion):
    # The two PATBM of the demo were formed in July and December 2018.
    assert selectors.criterion_shares(2019, KELURAHAN)[patbm_criterion.pk].covered == 2
    assert selectors.criterion_shares(2018, KELURAHAN)[patbm_criterion.pk].covered == 2
    assert selectors.criterion_shares(2017, KELURAHAN)[patbm_criterion.pk].covered == 0


def test_coverage_over_time_gives_the_patbm_share_of_each_year(forum_anak, patbm_criterion, every_kelurahan):
    _met(forum_anak, every_kelurahan[:1], year=2022)
    _met(forum_anak, every_kelurahan[:1], year=2024)
    _patbm_steps(every_kelurahan[0], (5, dt.date(2023, 8, 1)))
    result = selectors.coverage_over_time(KELURAHAN)
    column = _patbm_column(result, patbm_criterion)
    assert [(year, shares[column].covered) for year, shares in result.years] == [(2022, 0), (2024, 1)]


def test_the_export_reads_the_patbm_of_the_year(patbm_criterion, every_kelurahan):
    from dekela.exports import matrix_table

    _patbm_steps(every_kelurahan[0], (5, dt.date(2023, 8, 1)))
    for year, met in ((2022, 0), (2024, 1)):
        header, rows = matrix_table(year=year, scope=KELURAHAN)
        column = next(i for i, name in enumerate(header) if name.startswith(patbm_criterion.short_name))
        assert sum(row[column] == "terpenuhi" for row in rows) == met, year


@pytest.mark.parametrize("rule", scoring.RULES)
def test_the_suggested_points_at_none_all_68_and_after_a_deactivation(evaluation_2025, forum_anak, every_kelurahan,
                                                                      settings, rule):
    settings.KLA_DEKELA_CONVERSION = rule

    def suggestion():
        return next(item for item in selectors.suggestions(evaluation_2025) if item.criterion == forum_anak)

    none = suggestion()
    maximum = none.question_score.max_points
    assert (none.share.covered, none.share.total, none.share.percent, none.points) == (0, 68, 0, D("0.00"))
    assert none.more_for_full == 68

    _met(forum_anak, every_kelurahan[:67])
    one_short = suggestion()
    assert (one_short.share.covered, one_short.share.total, one_short.more_for_full) == (67, 68, 1)
    assert one_short.points < maximum and one_short.points_one_more == maximum

    # The one kelurahan left is deactivated: all 67 active kelurahan meet it, the whole maximum.
    Kelurahan.objects.filter(pk=every_kelurahan[67].pk).update(is_active=False)
    all_active = suggestion()
    assert (all_active.share.covered, all_active.share.total, all_active.share.percent) == (67, 67, 100)
    assert (all_active.points, all_active.more_for_full, all_active.more_for_gain) == (maximum, 0, 0)

    # Back to 68, all meeting it; a deactivated kelurahan that met it leaves the count and the total alike.
    Kelurahan.objects.filter(pk=every_kelurahan[67].pk).update(is_active=True)
    _met(forum_anak, every_kelurahan[67:])
    assert (suggestion().share.covered, suggestion().points) == (68, maximum)
    Kelurahan.objects.filter(pk=every_kelurahan[0].pk).update(is_active=False)
    after = suggestion()
    assert (after.share.covered, after.share.total, after.points) == (67, 67, maximum)
