"""Product settings remember what the SIS last sent, so a changed one can say it differs.

Settings already from the SIS take their current value as the SIS value (the next sync
corrects any that were changed by hand since)."""

from django.db import migrations, models
from django.db.models import F


def synced_values_are_the_sis_values(apps, schema_editor):
    Setting = apps.get_model("rostering", "StudentProductSetting")
    Setting.objects.filter(origin="synced").update(sis_value=F("value"))


class Migration(migrations.Migration):
    dependencies = [
        ("rostering", "0009_link_change_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="studentproductsetting",
            name="sis_value",
            field=models.CharField(blank=True, max_length=200, null=True),
        ),
        migrations.RunPython(synced_values_are_the_sis_values, migrations.RunPython.noop),
    ]
