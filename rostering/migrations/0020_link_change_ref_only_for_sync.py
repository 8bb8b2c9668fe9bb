"""The link history's reference index keeps only the sync's rows: a sync run's page is the one
reader (rostering.sync.run_changes.links_of_run, which asks for the sync's channel), and the
tens of thousands of rows an import, an undo or the forms write no longer update it."""


from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rostering', '0019_student_district_no_own_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='linkchange',
            name='link_change_ref',
        ),
        migrations.AddIndex(
            model_name='linkchange',
            index=models.Index(condition=models.Q(('channel', 'sync')), fields=['channel_ref'], name='link_change_sync_ref'),
        ),
    ]
