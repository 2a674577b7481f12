"""Checks on a posted formset's structure, before Django builds forms from it.

A formset a page rendered lists its own rows, each once, and no extra forms; its hidden counters,
ids and versions are whole numbers. Anything else was changed outside the page (or by a tool) and is
answered with 400 and nothing written, rather than half-built forms or a 500.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext_lazy as _

# What a page says when it refuses a formset that is not the one it rendered (answered with 400).
FORM_NOT_THE_PAGES = _(
    "Nothing was saved: the form sent is not the one this page shows (rows of another page, "
    "an extra row or a damaged hidden field). Reload the page and enter your changes again."
)
# ASCII digits only: "²".isdigit() is True in Python, and int("²") fails.
_WHOLE = re.compile(r"^[0-9]{1,9}$")


def whole_number_or_none(value) -> int | None:
    """`value` as a non-negative whole number written in ASCII digits, else None."""
    return int(value) if isinstance(value, str) and _WHOLE.match(value) else None


def formset_is_the_pages(data: Mapping, *, pks: Iterable[int], prefix: str = "form",
                         whole_fields: Iterable[str] = ("version",)) -> bool:
    """Whether the posted formset edits only rows of `pks`, each at most once, with no extra form,
    and every field of `whole_fields` a positive whole number."""
    total = whole_number_or_none(data.get(f"{prefix}-TOTAL_FORMS"))
    initial = whole_number_or_none(data.get(f"{prefix}-INITIAL_FORMS"))
    if total is None or total != initial:
        return False
    allowed, seen = set(pks), set()
    for index in range(total):
        pk = whole_number_or_none(data.get(f"{prefix}-{index}-id"))
        if pk is None or pk not in allowed or pk in seen:
            return False
        seen.add(pk)
        if any(not whole_number_or_none(data.get(f"{prefix}-{index}-{name}")) for name in whole_fields):
            return False
    return True


def formset_refused(formset):
    """`formset`, built from the stored rows, carrying FORM_NOT_THE_PAGES above its forms."""
    formset._non_form_errors = formset.error_class([FORM_NOT_THE_PAGES])
    return formset
