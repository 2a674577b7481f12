"""The one way a page's cached body is keyed: by the data version of the domains it shows, the language,
the permissions it shows buttons and links for, and what else the view says it depends on.

The template shows a permission-dependent button only through `page_cache.can`, which holds exactly the
permissions in the key: a button shown by a permission the view did not declare cannot be written
(`can` has no such entry, so the button never shows), and whoever loads a page first never decides what
the next role sees.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache
from django.utils.translation import get_language

from core.data_version import data_version

TIMEOUT = 24 * 60 * 60  # seconds, for what is keyed by data versions: a new one makes an entry unreachable sooner
# Stands for the CSRF field in a cached page body (`{% csrf_slot %}`); user text is escaped, so it cannot forge it.
CSRF_SLOT = "<!--csrf-slot-->"


@dataclass(frozen=True)
class PageCache:
    key: str
    can: dict[str, bool]  # permission codename (without the app) -> whether this user has it
    versions: str  # the data version of the page's domains, for what else the view caches

    @cached_property
    def body(self) -> str | None:
        """The body `{% page_body %}` cached under this key, or None. A view may skip reading its data when
        there is one: it was rendered from data of these very versions, so the objects it shows existed."""
        return cache.get(f"page-body:{self.key}")


def page_cache(request, page: str, *, domains: Iterable[str], permissions: Iterable[str] = (),
               vary: Iterable[object] = ()) -> PageCache:
    """The cache key of `page` for this request. Call it *before* reading the data the page shows (see
    `data_versions`). `permissions` are full names ("kelurahan.change_patbm"); `vary` holds anything
    else the body depends on (the page number, the search...)."""
    user = request.user
    # The versions read with the user's permissions (core.backends), earlier still: one query less.
    versions = data_version(*sorted(domains), versions=getattr(user, "_data_versions", None))
    can = {name.split(".", 1)[1]: user.has_perm(name) for name in sorted(permissions)}
    granted = "".join("1" if allowed else "0" for allowed in can.values())
    varying = hashlib.sha256(repr(tuple(str(value) for value in vary)).encode()).hexdigest()[:32]
    return PageCache(key=f"{page}:{versions}:{get_language()}:{granted}:{varying}", can=can, versions=versions)
