"""Optimistic locking, one scheme for every app: a row carries an integer `version`, a form sends back
the version it was loaded with, and a save goes through only if the row is still at that version.

A model opts in with `version = models.PositiveIntegerField(default=1, editable=False)`; its service
calls `claim` before writing and raises `EditConflict` when the claim fails.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, QuerySet


class EditConflict(Exception):
    """Someone else saved these rows after the form was loaded; nothing was saved."""

    def __init__(self, pks: Iterable[int]):
        pks = set(pks)
        super().__init__(f"rows changed meanwhile: {sorted(pks)}")
        self.pks = pks


def claim(queryset: QuerySet, *, pk: int, version: int) -> bool:
    """Compare-and-increment: raises row `pk`'s version by one only if it is still `version`.

    Returns whether it was (the caller may then write the row at `version + 1`). One UPDATE, so two
    saves from the same loaded version cannot both succeed, even where rows cannot be locked.
    """
    return queryset.filter(pk=pk, version=version).update(version=F("version") + 1) == 1
