"""Usernames are compared by Unicode's lower-case mapping on both databases
(rostering.usernames.UsernameKey): SQLite's LOWER folded ASCII only, so "Ärzte" and "ärzte"
could both be held there, and PostgreSQL's followed the database's locale.

A database already holding two usernames that only the new key makes one cannot take the
index: the migration stops first and names them, so that one of each pair can be renamed.
"""

from collections import defaultdict

from django.db import migrations

import rostering.usernames


def refuse_new_duplicates(apps, schema_editor):
    problems = []
    for name in ("Student", "Educator"):
        model = apps.get_model("rostering", name)
        held = defaultdict(list)
        for username in model.objects.values_list("username", flat=True).iterator():
            held[username.lower()].append(username)
        clashes = [names for names in held.values() if len(names) > 1]
        problems += [
            f"{name.lower()}s " + ", ".join(f'"{u}"' for u in names) for names in clashes[:20]
        ]
    if problems:
        raise RuntimeError(
            "These usernames differ only in upper and lower case, and usernames are unique "
            "ignoring case: " + "; ".join(problems) + ". Rename one of each (in the admin), "
            "then run migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [("rostering", "0023_search_preferred_first_name")]

    operations = [
        migrations.RunPython(refuse_new_duplicates, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="educator", name="educator_username_ignoring_case"),
        migrations.RemoveConstraint(model_name="student", name="student_username_ignoring_case"),
        migrations.AddConstraint(
            model_name="educator",
            constraint=rostering.usernames.UsernameIgnoringCase(
                rostering.usernames.UsernameKey("username"), name="educator_username_ignoring_case"
            ),
        ),
        migrations.AddConstraint(
            model_name="student",
            constraint=rostering.usernames.UsernameIgnoringCase(
                rostering.usernames.UsernameKey("username"), name="student_username_ignoring_case"
            ),
        ),
    ]
