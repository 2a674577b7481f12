"""The database itself refuses deductions that add up to more than the self-assessment score.

A CheckConstraint cannot compare a row with the sum of other rows, so triggers do it, on both
engines. The error message starts with the rule's name, like a named constraint.
On PostgreSQL the deduction trigger locks the self-assessment row, so two concurrent deductions
cannot both slip under the limit.
"""

from django.db import migrations

RULE = "field_deduction_total_within_self_assessment"

SQLITE_FORWARD = [
    # SQLite stores decimals as floating point: compare at two decimals.
    f"""
    CREATE TRIGGER {RULE}_insert BEFORE INSERT ON clusters_fielddeduction
    WHEN ROUND((SELECT COALESCE(SUM(points), 0) FROM clusters_fielddeduction
                WHERE self_assessment_id = NEW.self_assessment_id) + NEW.points, 2)
         > ROUND((SELECT COALESCE(score, 0) FROM clusters_selfassessment
                  WHERE id = NEW.self_assessment_id), 2)
    BEGIN SELECT RAISE(ABORT, '{RULE}: deductions exceed the self-assessment score'); END
    """,
    f"""
    CREATE TRIGGER {RULE}_update BEFORE UPDATE OF points, self_assessment_id ON clusters_fielddeduction
    WHEN ROUND((SELECT COALESCE(SUM(points), 0) FROM clusters_fielddeduction
                WHERE self_assessment_id = NEW.self_assessment_id AND id <> OLD.id) + NEW.points, 2)
         > ROUND((SELECT COALESCE(score, 0) FROM clusters_selfassessment
                  WHERE id = NEW.self_assessment_id), 2)
    BEGIN SELECT RAISE(ABORT, '{RULE}: deductions exceed the self-assessment score'); END
    """,
    f"""
    CREATE TRIGGER {RULE}_score BEFORE UPDATE OF score ON clusters_selfassessment
    WHEN ROUND((SELECT COALESCE(SUM(points), 0) FROM clusters_fielddeduction
                WHERE self_assessment_id = NEW.id), 2) > ROUND(COALESCE(NEW.score, 0), 2)
    BEGIN SELECT RAISE(ABORT, '{RULE}: score below its deductions'); END
    """,
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {RULE}_insert",
    f"DROP TRIGGER IF EXISTS {RULE}_update",
    f"DROP TRIGGER IF EXISTS {RULE}_score",
]

POSTGRESQL_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION {RULE}_deduction() RETURNS trigger AS $$
    DECLARE
        self_score numeric;
        other_deductions numeric;
    BEGIN
        SELECT COALESCE(score, 0) INTO self_score FROM clusters_selfassessment
            WHERE id = NEW.self_assessment_id FOR UPDATE;
        SELECT COALESCE(SUM(points), 0) INTO other_deductions FROM clusters_fielddeduction
            WHERE self_assessment_id = NEW.self_assessment_id AND id <> NEW.id;
        IF other_deductions + NEW.points > self_score THEN
            RAISE EXCEPTION '{RULE}: deductions exceed the self-assessment score'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER {RULE}_deduction BEFORE INSERT OR UPDATE OF points, self_assessment_id
    ON clusters_fielddeduction FOR EACH ROW EXECUTE FUNCTION {RULE}_deduction()
    """,
    f"""
    CREATE OR REPLACE FUNCTION {RULE}_score() RETURNS trigger AS $$
    BEGIN
        IF (SELECT COALESCE(SUM(points), 0) FROM clusters_fielddeduction
            WHERE self_assessment_id = NEW.id) > COALESCE(NEW.score, 0) THEN
            RAISE EXCEPTION '{RULE}: score below its deductions' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER {RULE}_score BEFORE UPDATE OF score ON clusters_selfassessment
    FOR EACH ROW EXECUTE FUNCTION {RULE}_score()
    """,
]
POSTGRESQL_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {RULE}_deduction ON clusters_fielddeduction",
    f"DROP FUNCTION IF EXISTS {RULE}_deduction()",
    f"DROP TRIGGER IF EXISTS {RULE}_score ON clusters_selfassessment",
    f"DROP FUNCTION IF EXISTS {RULE}_score()",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
}


def _run(schema_editor, forward: bool):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(f"No {RULE} trigger for the {vendor} database; use SQLite or PostgreSQL.")
    for statement in STATEMENTS[vendor][0 if forward else 1]:
        schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    _run(schema_editor, forward=True)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("clusters", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
