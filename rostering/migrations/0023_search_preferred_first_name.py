"""PostgreSQL only: the students' trigram search index also holds the name a student goes by
(a preferred first name), so that "MJ" finds Mary Jones. Its expression is
rostering.filters.students.SEARCH_TEXT, character for character as it was when this was
written (the registry's searched fields, in order), so that the planner can use the index."""

from django.db import migrations

NAME = "student_search_text_trgm"
BEFORE = (
    "UPPER(COALESCE(first_name, '') || ' ' || COALESCE(last_name, '') || ' ' || "
    "COALESCE(username, '') || ' ' || COALESCE(external_id, '') || ' ' || "
    "COALESCE(alt_external_id, ''))"
)
AFTER = (
    "UPPER(COALESCE(first_name, '') || ' ' || COALESCE(last_name, '') || ' ' || "
    "COALESCE(username, '') || ' ' || COALESCE(external_id, '') || ' ' || "
    "COALESCE(preferred_first_name, '') || ' ' || COALESCE(alt_external_id, ''))"
)


def _index(expression: str):
    def build(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")
        schema_editor.execute(
            f"CREATE INDEX {NAME} ON rostering_student USING gin (({expression}) gin_trgm_ops)"
        )

    return build


class Migration(migrations.Migration):
    dependencies = [("rostering", "0022_preferred_first_name")]

    operations = [migrations.RunPython(_index(AFTER), _index(BEFORE))]
