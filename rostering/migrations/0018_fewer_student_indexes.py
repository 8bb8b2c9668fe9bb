"""Fewer indexes to keep up on every student written: an import or a sync writes 10,000 rows
and each index costs its own upkeep (the trigram ones most of all).

- PostgreSQL only: the five per-column trigram indexes of 0003. The combined one of 0004
  (SEARCH_TEXT) answers every search: the Students list's, and the members picker's and the
  admin's through rostering.filters.students.narrowed_by_search_index.
- The link tables' single-column indexes on the leading column of their unique pair (a class
  and its students, a student and its products or settings): the pair's index serves every
  lookup by that column.
- Students: the (district, last_name, first_name) index, the start of student_search_idx; and
  the case-sensitive "starts with" index PostgreSQL gets for a db_index username (the plain
  one stays, as student_username). The history table loses its two username indexes too:
  nothing looks history up by username.
"""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

# 0003's own steps, the other way round: dropping its indexes, and making them again on reverse.
column_trigrams = import_module("rostering.migrations.0003_student_trigram_search")


class Migration(migrations.Migration):

    dependencies = [
        ('rostering', '0017_link_change_fewer_indexes'),
    ]

    operations = [
        migrations.RunPython(column_trigrams.drop, column_trigrams.create),
        migrations.AlterField(
            model_name='classeducator',
            name='class_group',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, to='rostering.classgroup'),
        ),
        migrations.AlterField(
            model_name='classproduct',
            name='class_group',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='product_links', to='rostering.classgroup'),
        ),
        migrations.AlterField(
            model_name='classstudent',
            name='class_group',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, to='rostering.classgroup'),
        ),
        migrations.AlterField(
            model_name='studentproduct',
            name='student',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='product_links', to='rostering.student'),
        ),
        migrations.AlterField(
            model_name='studentproductsetting',
            name='student',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='product_settings', to='rostering.student'),
        ),
        migrations.RemoveIndex(
            model_name='student',
            name='rostering_s_distric_8768b1_idx',
        ),
        migrations.AlterField(
            model_name='historicalstudent',
            name='username',
            field=models.CharField(help_text='Signs in to products, so unique across the whole platform, ignoring case.', max_length=150),
        ),
        migrations.AlterField(
            model_name='student',
            name='username',
            field=models.CharField(help_text='Signs in to products, so unique across the whole platform, ignoring case.', max_length=150),
        ),
        migrations.AddIndex(
            model_name='student',
            index=models.Index(fields=['username'], name='student_username'),
        ),
    ]
