"""The one way a page's cached body is keyed: by the data version of the domains it shows, the language,
the permissions it shows buttons and links for, and what else the view says it depends on.

The template shows a permission-dependent button only through `page_cache.can`, which holds exactly the
permissions in the key: a button shown by a permission the view did not declare cannot be written
(`can` has no such entry, so the button never shows), and whoever loads a page first never decides what
the next role sees.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from core.data_version import data_version, data_versions

TIMEOUT = 24 * 60 * 60  # seconds, for what is keyed by data versions: a new one makes an entry unreachable sooner
# Stands for the CSRF field in a cached page body (`{% csrf_slot %}`); user text is escaped, so it cannot forge it.
CSRF_SLOT = "<!--csrf-slot-->"


@dataclass(frozen=True)
class PageCache:
    key: str
    can: dict[str, bool]  # permission codename (without the app) -> whether this user has it
    versions: str  # the data version of the page's domains, for what else the view caches
    domain_versions: tuple = ()  # (domain, its `data_version`) of each of the page's domains
    auth_version: int = 0  # of the auth tables, read with the others: what base.html shows of the user

    def version_of(self, domain: str) -> str:
        """One of the page's domains' `data_version`, as read with the others (for a `VersionMemo`)."""
        return dict(self.domain_versions)[domain]

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
    read = getattr(user, "_data_versions", None)
    read = data_versions() if read is None else read
    versions = data_version(*sorted(domains), versions=read)
    can = {name.split(".", 1)[1]: user.has_perm(name) for name in sorted(permissions)}
    granted = "".join("1" if allowed else "0" for allowed in can.values())
    varying = hashlib.sha256(repr(tuple(str(value) for value in vary)).encode()).hexdigest()[:32]
    return PageCache(key=f"{page}:{versions}:{get_language()}:{granted}:{varying}", can=can, versions=versions,
                     domain_versions=tuple((domain, data_version(domain, versions=read)) for domain in domains),
                     auth_version=read.get("auth", 0))


def render_page(request, template_name: str, context: dict, cached: PageCache) -> HttpResponse:
    """`render()` for a page read far more often than written (the dashboard): the whole page, base.html's
    navigation included, kept under the page's key, the user, the auth tables' version and the address, so
    that reading it again costs one cache read instead of rendering base.html around the cached body.

    Rendered afresh while messages wait (they show once) and never kept when it holds a CSRF token itself:
    its forms carry `{% csrf_slot %}`, which each response fills with that request's own token."""
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    key = f"page:{cached.key}:{request.user.pk}:{cached.auth_version}:{address}"
    if len(get_messages(request)):  # counts without marking them shown
        return render(request, template_name, context)
    page = cache.get(key)
    if page is None:
        response = render(request, template_name, context)
        if b'name="csrfmiddlewaretoken"' not in response.content:
            cache.set(key, response.content, TIMEOUT)
        return response
    return HttpResponse(page)


class VersionMemo:
    """One value computed from a domain's data, kept in this process's memory until that domain's data version
    changes: for figures read by several pages and read often, where pickling through the cache would cost
    more than counting (83,000 kelurahan). The value is shared between threads: an immutable one only."""

    def __init__(self, domain: str):
        self.domain = domain
        self._lock = threading.Lock()
        self._version: str | None = None
        self._value = None

    def get(self, compute, version: str | None = None):
        """The value at `version` (read now when not given; read it before the data, as every version), from
        `compute(previous value or None)` when this process has none for it yet."""
        version = version or data_version(self.domain)
        with self._lock:
            if self._version != version:
                self._value, self._version = compute(self._value), version
            return self._value

    def forget(self) -> None:
        with self._lock:
            self._version = self._value = None
