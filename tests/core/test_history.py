"""Which changes the indicator history lists (plain function, no database)."""

import datetime as dt
from decimal import Decimal as D

from core.history import Snapshot, changes

T0 = dt.datetime(2019, 3, 1, 9, tzinfo=dt.UTC)


def _at(minutes, **kwargs):
    defaults = {"kind": "score", "object_id": 1, "user": "staf", "action": "~", "values": {}}
    return Snapshot(date=T0 + dt.timedelta(minutes=minutes), **(defaults | kwargs))


def test_changes_list_only_the_fields_that_changed_newest_first():
    result = changes([
        _at(0, action="+", values={"score": None, "evidence": ""}),
        _at(5, values={"score": D("20"), "evidence": ""}),
        _at(9, user="staf-2", values={"score": D("25"), "evidence": "SK"}),
    ])
    assert [c.user for c in result] == ["staf-2", "staf"]  # the empty creation lists nothing
    assert [(f.name, f.old, f.new) for f in result[0].fields] == [("score", D("20"), D("25")), ("evidence", "", "SK")]
    assert [(f.name, f.old, f.new) for f in result[1].fields] == [("score", None, D("20"))]


def test_a_save_without_a_change_is_left_out_unless_it_has_a_note():
    result = changes([
        _at(0, action="+", values={"score": D("1")}),
        _at(1, values={"score": D("1")}),
        _at(2, values={"score": D("1")}, reason="dibuka kembali"),
    ])
    assert [c.reason for c in result] == ["dibuka kembali", ""]


def test_deductions_are_followed_per_row_from_recording_to_removal():
    result = changes([
        _at(0, kind="deduction", object_id=7, action="+", values={"points": D("5"), "reason": "Tanpa MoU"}),
        _at(1, kind="deduction", object_id=8, action="+", values={"points": D("2"), "reason": "x"}),
        _at(2, kind="deduction", object_id=7, values={"points": D("6"), "reason": "Tanpa MoU"}),
        _at(3, kind="deduction", object_id=8, action="-", values={"points": D("2"), "reason": "x"}),
    ])
    assert [(c.object_id, c.action) for c in result] == [(8, "-"), (7, "~"), (8, "+"), (7, "+")]
    assert [(f.old, f.new) for f in result[1].fields] == [(D("5"), D("6"))]
    assert [(f.name, f.old, f.new) for f in result[0].fields] == [("points", D("2"), None), ("reason", "x", None)]
