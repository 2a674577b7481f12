"""Turns stored snapshots of rows (django-simple-history records) into a list of changes.

Plain functions over plain values: the selectors read the records, this decides what changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

CREATED, CHANGED, DELETED = "+", "~", "-"


@dataclass(frozen=True)
class Snapshot:
    """A row as it was after one save. `action` is "+" (created), "~" (changed) or "-" (deleted)."""

    kind: str
    object_id: int
    date: dt.datetime
    user: str
    action: str
    values: dict[str, Any]
    reason: str = ""


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    kind: str
    object_id: int
    date: dt.datetime
    user: str
    action: str
    reason: str
    fields: list[FieldChange] = field(default_factory=list)


def changes(snapshots: Iterable[Snapshot]) -> list[Change]:
    """Each save that changed something, newest first.

    A snapshot is compared with the previous one of the same row (same `kind` and `object_id`, in
    date order): a creation lists its non-empty values as new, a deletion its last values as old,
    a change only the fields that differ. A save that changed no listed field is left out.
    """
    ordered = sorted(snapshots, key=lambda s: s.date)
    previous: dict[tuple[str, int], Snapshot] = {}
    result = []
    for snapshot in ordered:
        key = (snapshot.kind, snapshot.object_id)
        before = previous.get(key)
        previous[key] = snapshot
        if snapshot.action == DELETED:
            fields = [FieldChange(name, value, None) for name, value in snapshot.values.items()]
        elif before is None or snapshot.action == CREATED:
            fields = [
                FieldChange(name, None, value) for name, value in snapshot.values.items() if value not in (None, "")
            ]
        else:
            fields = [
                FieldChange(name, before.values.get(name), value)
                for name, value in snapshot.values.items()
                if before.values.get(name) != value
            ]
        if fields or snapshot.reason:
            result.append(
                Change(
                    snapshot.kind, snapshot.object_id, snapshot.date, snapshot.user, snapshot.action,
                    snapshot.reason, fields,
                )
            )
    result.reverse()
    return result
