"""Support staff set districts' single sign-on in the admin: the Support staff group gets the
view, add and change permissions of SignOnConfiguration."""

from django.db import migrations

GROUP = "Support staff"
# A frozen copy of the "sso" entry of accounts.services.SUPPORT_PERMISSIONS.
MODEL, ACTIONS = "signonconfiguration", ("view", "add", "change")


def add_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=GROUP)
    content_type, _ = ContentType.objects.get_or_create(app_label="sso", model=MODEL)
    for action in ACTIONS:
        perm, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_{MODEL}",
            defaults={"name": f"Can {action} single sign-on configuration"},
        )
        group.permissions.add(perm)


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*group.permissions.filter(content_type__app_label="sso"))


class Migration(migrations.Migration):
    dependencies = [
        ("sso", "0001_district_single_sign_on"),
        ("accounts", "0003_support_staff_unlock_sign_ins"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
