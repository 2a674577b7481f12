"""Django's model backend with each user's permissions kept in the cache between requests.

Every page checks permissions on the server, and Django reads them with two queries per request (the
user's own, the groups'). Kept per user and per version of the auth tables (users, groups, permissions
and the links between them: core's migration 0002 puts the data-version triggers on them), a role
change, a new group or a deactivated account takes effect on the very next request in every worker.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from core.caching import TIMEOUT
from core.data_version import data_versions


class CachedPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            # Every domain's version in the one query: a page keyed by them reuses it (core.caching),
            # read before the page's data as the cache needs.
            versions = user_obj._data_versions = data_versions()
            key = f"core.permissions:{user_obj.pk}:{versions.get('auth', 0)}"
            permissions = cache.get(key)
            if permissions is None:
                permissions = super().get_all_permissions(user_obj)
                cache.set(key, permissions, TIMEOUT)
            user_obj._perm_cache = permissions
        return user_obj._perm_cache
