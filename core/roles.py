"""The four roles, as Django groups with model permissions.

Views check these permissions on the server; the groups are created by `load_reference_data`. Each app
of the project says in its AppConfig which of its models staff write (`staff_writes`); the task force
reads every model of those apps, and admins may do everything with them and with the user accounts. An
office's operator (Operator OPD) gets only what apps declare in `operator_permissions` (codenames of their
own), so every page that asks for another permission refuses it.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

STAFF = "Staf DPMPPA"
TASK_FORCE = "Gugus Tugas"
ADMIN = "Admin"
OPERATOR = "Operator OPD"



def staff_writes() -> dict[str, tuple[str, ...]]:
    """{app label: the models (lower-case names) staff may add, change and delete} for every app that
    declares `staff_writes` in its AppConfig (an empty tuple: staff read it only)."""
    return {config.label: tuple(config.staff_writes) for config in apps.get_app_configs()
            if hasattr(config, "staff_writes")}


def _view_permissions():
    return Permission.objects.filter(content_type__app_label__in=list(staff_writes()), codename__startswith="view_")


def _staff_write_permissions():
    query = Q(pk__in=[])
    for app_label, models in staff_writes().items():
        for model in models:
            query |= Q(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in ("add", "change", "delete")],
            )
    return Permission.objects.filter(query)


def _operator_permissions():
    query = Q(pk__in=[])
    for config in apps.get_app_configs():
        codenames = getattr(config, "operator_permissions", ())
        if codenames:
            query |= Q(content_type__app_label=config.label, codename__in=list(codenames))
    return Permission.objects.filter(query)


def _admin_permissions():
    return Permission.objects.filter(
        Q(content_type__app_label__in=list(staff_writes())) | Q(content_type__app_label="auth")
    )


@transaction.atomic
def roles_ensure() -> dict[str, bool]:
    """Creates the role groups if missing and gives each exactly its permissions.

    Returns {group name: created}. Permissions are reset on every call, so a role cannot
    drift from what the code says it may do.
    """
    wanted = {
        TASK_FORCE: _view_permissions(),
        STAFF: _view_permissions() | _staff_write_permissions(),
        ADMIN: _admin_permissions(),
        OPERATOR: _operator_permissions(),
    }
    created_flags = {}
    for name, permissions in wanted.items():
        group, created = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions.distinct())
        created_flags[name] = created
    return created_flags
