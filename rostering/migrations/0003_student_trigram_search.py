"""PostgreSQL only: trigram indexes so "contains" searches on 100,000 students use an index.

Django's icontains on PostgreSQL is ``UPPER(col::text) LIKE UPPER(%s)``; the indexes are on
that same expression. SQLite has no pg_trgm and relies on student_search_idx instead.
"""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "username", "external_id", "alt_external_id")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS student_{column}_trgm ON rostering_student "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS student_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("rostering", "0002_student_search_index")]

    operations = [migrations.RunPython(create, drop)]
