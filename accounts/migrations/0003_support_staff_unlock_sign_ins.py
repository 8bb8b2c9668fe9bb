"""Support staff may see sign-in attempts and lift a lock (delete its access attempt) in the
admin: the Support staff group gets django-axes' view and delete permissions."""

from django.db import migrations

GROUP = "Support staff"

# A frozen copy of the "axes" entry of accounts.services.SUPPORT_PERMISSIONS.
PERMISSIONS = {
    "axes": {
        "accessattempt": ("view", "delete"),
        "accesslog": ("view",),
        "accessfailurelog": ("view",),
    }
}


def add_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, models in PERMISSIONS.items():
        for model, actions in models.items():
            verbose = apps.get_model(app_label, model)._meta.verbose_name
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            for action in actions:
                perm, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {verbose}"},
                )
                group.permissions.add(perm)


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*group.permissions.filter(content_type__app_label="axes"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_support_staff_group"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
