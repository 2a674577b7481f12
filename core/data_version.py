"""The data version of each domain: what cached pages are keyed by (see `models.DataVersion`).

A random value rather than a counter: a database restored from a backup, or a test database rolled
back, never comes back to a value whose cached content showed other data. SQLite has row triggers
only; PostgreSQL bumps once per statement (TRUNCATE included). On PostgreSQL a writing transaction
holds its domain's row lock until it commits, so writes to one domain are serialised; they are few (a
handful of office staff), reads are many.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, migrations

TABLE = "core_dataversion"
FUNCTION = "core_data_version_bump"
_OPERATIONS = ("insert", "update", "delete")
_POSTGRESQL_RANDOM = "floor(random() * 9000000000000000000)::bigint"


def data_versions() -> dict[str, int]:
    """Every domain's version, in one query.

    Read it *before* the data it keys: content computed from newer data and stored under an older
    version is never served once the newer version is read, whereas the reverse would be stale.
    """
    # Plain SQL: read on every cached page, it skips the ORM's query building.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT domain, value FROM {TABLE}")
        return dict(cursor.fetchall())


def data_version(*domains: str, versions: dict[str, int] | None = None) -> str:
    """The version of `domains` (every domain when none is named) as one text, for a cache key; from
    `versions` when the caller has read them already, else read now."""
    versions = data_versions() if versions is None else versions
    names = domains or sorted(versions)
    return ".".join(f"{name}{versions.get(name, 0)}" for name in names)


# Migrations: the version function (core) and each app's triggers on its own tables.

def _bump_function_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
        BEGIN
            INSERT INTO {TABLE} (domain, value) VALUES (TG_ARGV[0], {_POSTGRESQL_RANDOM})
            ON CONFLICT (domain) DO UPDATE SET value = EXCLUDED.value;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """)


def _bump_function_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def bump_function() -> migrations.RunPython:
    """The operation of core's migration that PostgreSQL's triggers call."""
    return migrations.RunPython(_bump_function_create, _bump_function_drop)


def _check_vendor(vendor: str) -> None:
    if vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"No data version triggers for the {vendor} database; use SQLite or PostgreSQL.")


def _triggers_create(domain: str, tables: Iterable[str], schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    _check_vendor(vendor)
    if vendor == "sqlite":
        bump = (f"INSERT INTO {TABLE} (domain, value) VALUES ('{domain}', random()) "
                "ON CONFLICT (domain) DO UPDATE SET value = excluded.value;")
        for table in tables:
            for operation in _OPERATIONS:
                schema_editor.execute(f"CREATE TRIGGER core_data_version_{table}_{operation} AFTER "
                                      f"{operation.upper()} ON {table} BEGIN {bump} END")
        schema_editor.execute(f"INSERT INTO {TABLE} (domain, value) VALUES ('{domain}', random()) "
                              "ON CONFLICT (domain) DO NOTHING")
    else:
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER core_data_version_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}('{domain}')")
        schema_editor.execute(f"INSERT INTO {TABLE} (domain, value) VALUES ('{domain}', {_POSTGRESQL_RANDOM}) "
                              "ON CONFLICT (domain) DO NOTHING")


def _triggers_drop(domain: str, tables: Iterable[str], schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    _check_vendor(vendor)
    for table in tables:
        if vendor == "sqlite":
            for operation in _OPERATIONS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS core_data_version_{table}_{operation}")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS core_data_version_{table} ON {table}")
    schema_editor.execute(f"DELETE FROM {TABLE} WHERE domain = '{domain}'")


def data_version_triggers(domain: str, tables: list[str]) -> migrations.RunPython:
    """The migration operation that makes every write to `tables` change `domain`'s version.

    An app puts it in its own migration (depending on core's first) for the tables its cached pages
    show; a later migration can drop and re-create it with another list.
    """
    if not domain.isidentifier() or not all(table.isidentifier() for table in tables):
        raise ValueError("A domain and its tables are plain identifiers.")
    return migrations.RunPython(
        lambda apps, schema_editor: _triggers_create(domain, tables, schema_editor),
        lambda apps, schema_editor: _triggers_drop(domain, tables, schema_editor),
    )
