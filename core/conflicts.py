"""A write refused after the form was valid answers 409 Conflict with the page and its reason.

Services raise `core.versions.EditConflict` (someone else saved meanwhile) or a `WriteRefused`
(a rule of the domain: a closed stage, an inactive kelurahan); the database may still raise
IntegrityError (a constraint met by a save made meanwhile). A view runs the service call inside
`write_refusals()` and decides from the `Refusal` what its page shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _

from core.versions import EditConflict

OK = 200
# A request that is not the form the page rendered (a damaged hidden field, rows of another page).
BAD_REQUEST = 400
# A valid request refused because of someone else's save, a rule of the domain or the database.
CONFLICT = 409
# The page's message for an IntegrityError when it has nothing more particular to say.
DATABASE_REFUSED = _("Nothing was saved: the database refused a value. Reload the page and try again.")


class WriteRefused(Exception):
    """A rule of the domain refused the write (for example a closed stage); nothing was saved."""


class Refusal:
    """What `write_refusals()` caught: falsy (status 200) when the write went through."""

    def __init__(self):
        self.error: Exception | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def status(self) -> int:
        return CONFLICT if self else OK

    def of(self, kind: type[Exception]) -> Exception | None:
        """The caught error if it is a `kind`, else None."""
        return self.error if isinstance(self.error, kind) else None

    def message(self, messages: Mapping[type[Exception], str | Callable[[Exception], str]]) -> str:
        """The page's message for the caught error: the first entry whose type it is (a callable gets the
        error, e.g. to name the rows of an `EditConflict`); empty when nothing was caught or nothing fits."""
        for kind, text in messages.items():
            if isinstance(self.error, kind):
                return text(self.error) if callable(text) else str(text)
        return ""


@contextmanager
def write_refusals(*also: type[Exception]) -> Iterator[Refusal]:
    """Runs the block (a service call); an `EditConflict`, a `WriteRefused`, an IntegrityError or one of
    `also` (e.g. an expired import token) ends it and is kept in the yielded `Refusal`, whose status is
    then 409. Nothing else is caught. The service's own transaction has rolled back by then."""
    refusal = Refusal()
    try:
        yield refusal
    except (EditConflict, WriteRefused, IntegrityError, *also) as error:
        refusal.error = error
