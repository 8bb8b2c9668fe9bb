"""PostgreSQL only: one trigram index over every column the Students list searches.

Five "contains" tests OR-ed together make the planner read the whole district when a common
name matches a few percent of it (174 ms for "nguyen" among 100,000 students); one test on
this expression is answered from the index. rostering.filters.students.SEARCH_TEXT is the same
expression, character for character, so that the planner can use the index.
"""

from django.db import migrations

SEARCH_TEXT = (
    "UPPER(COALESCE(first_name, '') || ' ' || COALESCE(last_name, '') || ' ' || "
    "COALESCE(username, '') || ' ' || COALESCE(external_id, '') || ' ' || "
    "COALESCE(alt_external_id, ''))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS student_search_text_trgm ON rostering_student "
        f"USING gin (({SEARCH_TEXT}) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS student_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("rostering", "0003_student_trigram_search")]

    operations = [migrations.RunPython(create, drop)]
