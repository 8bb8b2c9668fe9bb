"""Two indexes that every imported or synced student paid for and no query needs:

- the link history's ``actor_id``: nothing reads the history by actor (the history pages read
  it by student, class/group or educator; a sync run's page by its reference). Its upkeep was
  most of the cost of each history row beyond the table itself. The actor is kept as written
  (DO_NOTHING, like the record columns), so deleting a user no longer searches the whole
  history for their rows.
- ``rostering_student_schools.student_id``: the unique (student_id, organization_id) index
  starts with it and answers every lookup by student (a student's schools, the exports'
  pairs, the engine's diffs) as well.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SCHOOLS = "rostering_student_schools"


def _student_index(schema_editor) -> str:
    # The name Django gave the foreign key's own index (the same on every backend).
    return schema_editor._create_index_name(SCHOOLS, ["student_id"], suffix="")


def drop_student_index(apps, schema_editor):
    name = schema_editor.quote_name(_student_index(schema_editor))
    schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_student_index(apps, schema_editor):
    name = schema_editor.quote_name(_student_index(schema_editor))
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON "{SCHOOLS}" ("student_id")')


class Migration(migrations.Migration):

    dependencies = [
        ('rostering', '0020_link_change_ref_only_for_sync'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='linkchange',
            name='actor',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(drop_student_index, create_student_index),
    ]
