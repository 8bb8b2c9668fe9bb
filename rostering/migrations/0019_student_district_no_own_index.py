"""Students lose their single-column district index: the (district, sis_sourced_id), the
(district, external_id) and (district, alt_external_id) unique ones and student_search_idx all
start with the district and answer every lookup by it, and each student an import or a sync
writes or changes kept this one up to date as well. The history table keeps its own (the stale
preview checks read it by district)."""


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rostering', '0018_fewer_student_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='student',
            name='district',
            field=models.ForeignKey(db_index=False, limit_choices_to={'org_type': 'district'}, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='rostering.organization'),
        ),
    ]
