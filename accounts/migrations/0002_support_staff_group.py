"""The "Support staff" group: support staff's rights in the admin come from these model
permissions (accounts.services.make_support_staff puts a user in it), not from superuser.

Permissions are normally made after migrations (post_migrate); they are made here for the
models the group needs, so the group is complete on a fresh database.
"""

from django.db import migrations

GROUP = "Support staff"

# A frozen copy of accounts.services.SUPPORT_PERMISSIONS as it was when this migration was
# written (migrations must not change when the code does).
PERMISSIONS = {
    "rostering": {
        "organization": ("view", "add", "change"),
        "student": ("view", "add", "change"),
        "educator": ("view", "add", "change"),
        "classgroup": ("view", "add", "change"),
        "classstudent": ("view", "add", "change", "delete"),
        "classeducator": ("view", "add", "change", "delete"),
        "classproduct": ("view", "add", "change", "delete"),
        "studentproduct": ("view", "add", "change", "delete"),
        "studentproductsetting": ("view", "add", "change", "delete"),
        "product": ("view", "add", "change"),
        "productsetting": ("view", "add", "change"),
        "syncconfiguration": ("view", "change"),
    },
    "imports": {
        "importjob": ("view",),
        "assistedsubmission": ("view", "change"),
        "submissionfile": ("view",),
    },
    "sync": {
        "syncsource": ("view", "change"),
        "syncrun": ("view", "change"),
        "productrule": ("view", "add", "change", "delete"),
        "settingrule": ("view", "add", "change", "delete"),
    },
    "accounts": {"user": ("view",)},
}


def _verbose(apps, app_label, model):
    return apps.get_model(app_label, model)._meta.verbose_name


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=GROUP)
    perms = []
    for app_label, models in PERMISSIONS.items():
        for model, actions in models.items():
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            for action in actions:
                perm, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {_verbose(apps, app_label, model)}"},
                )
                perms.append(perm)
    group.permissions.add(*perms)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("rostering", "0003_student_trigram_search"),
        ("imports", "0002_importjob_district_recent"),
        ("sync", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
