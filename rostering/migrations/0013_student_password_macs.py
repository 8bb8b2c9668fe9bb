"""Student passwords stored before the keyed mac (rostering.passwords) are stored again with
it, so that an import or sync of unchanged students compares them without decrypting. A token
the current key cannot read is left as it is."""

from django.db import migrations

CHUNK = 2000


def add_macs(apps, schema_editor):
    from rostering.passwords import decrypt_password, encrypt_password

    Student = apps.get_model("rostering", "Student")
    # Tokens with a mac start "h1$" (this migration's) or "h2$" (rostering.passwords' now).
    old = (
        Student.objects.exclude(password_encrypted="")
        .exclude(password_encrypted__startswith="h1$")
        .exclude(password_encrypted__startswith="h2$")
    )
    pending = []
    for pk, token in list(old.values_list("pk", "password_encrypted")):
        raw = decrypt_password(token)
        if raw:
            pending.append(Student(pk=pk, password_encrypted=encrypt_password(raw)))
        if len(pending) >= CHUNK:
            Student.objects.bulk_update(pending, ["password_encrypted"])
            pending = []
    if pending:
        Student.objects.bulk_update(pending, ["password_encrypted"])


class Migration(migrations.Migration):
    dependencies = [("rostering", "0012_organization_is_active")]

    operations = [migrations.RunPython(add_macs, migrations.RunPython.noop, elidable=True)]
