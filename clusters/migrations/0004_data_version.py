"""The data version: triggers replace it on every write to the tables the dashboard reads.

A random value rather than a counter: a database restored from a backup, or a test database
rolled back, never comes back to a value whose cached content showed other data.
SQLite has row triggers only; PostgreSQL bumps once per statement (TRUNCATE included).
On PostgreSQL a writing transaction holds the version row's lock until it commits, so writes
to these tables are serialised; they are few (a handful of office staff), reads are many.
"""

from django.db import migrations, models

TABLES = [
    "clusters_cluster",
    "clusters_indicator",
    "clusters_predicate",
    "clusters_evaluation",
    "clusters_selfassessment",
    "clusters_fielddeduction",
    "kelurahan_kecamatan",
    "kelurahan_kelurahan",
    "kelurahan_patbm",
    "kelurahan_historicalpatbm",  # the coverage timeline is built from the PATBM history
]
VERSION_TABLE = "clusters_dataversion"
OPERATIONS = ["insert", "update", "delete"]

SQLITE_BUMP = (
    f"INSERT INTO {VERSION_TABLE} (id, value) VALUES (1, random()) "
    "ON CONFLICT (id) DO UPDATE SET value = excluded.value;"
)
POSTGRESQL_RANDOM = "floor(random() * 9000000000000000000)::bigint"


def _sqlite_forward():
    for table in TABLES:
        for operation in OPERATIONS:
            yield (f"CREATE TRIGGER data_version_{table}_{operation} AFTER {operation.upper()} ON {table} "
                   f"BEGIN {SQLITE_BUMP} END")
    yield f"INSERT INTO {VERSION_TABLE} (id, value) VALUES (1, random())"


def _sqlite_backward():
    for table in TABLES:
        for operation in OPERATIONS:
            yield f"DROP TRIGGER IF EXISTS data_version_{table}_{operation}"


def _postgresql_forward():
    yield f"""
    CREATE OR REPLACE FUNCTION data_version_bump() RETURNS trigger AS $$
    BEGIN
        INSERT INTO {VERSION_TABLE} (id, value) VALUES (1, {POSTGRESQL_RANDOM})
        ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """
    for table in TABLES:
        yield (f"CREATE TRIGGER data_version_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
               "FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump()")
    yield f"INSERT INTO {VERSION_TABLE} (id, value) VALUES (1, {POSTGRESQL_RANDOM})"


def _postgresql_backward():
    for table in TABLES:
        yield f"DROP TRIGGER IF EXISTS data_version_{table} ON {table}"
    yield "DROP FUNCTION IF EXISTS data_version_bump()"


STATEMENTS = {
    "sqlite": (_sqlite_forward, _sqlite_backward),
    "postgresql": (_postgresql_forward, _postgresql_backward),
}


def _run(schema_editor, forward: bool):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(f"No data version triggers for the {vendor} database; use SQLite or PostgreSQL.")
    for statement in STATEMENTS[vendor][0 if forward else 1]():
        schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    _run(schema_editor, forward=True)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0003_row_version"),
        ("kelurahan", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "data version", "default_permissions": ()},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
