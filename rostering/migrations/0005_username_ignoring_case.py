"""Usernames are unique ignoring upper and lower case (rostering.usernames): a unique index on
LOWER(username) for students and for educators, on PostgreSQL and SQLite. The exact unique
index becomes a plain one (exact lookups still use it).

A database already holding two usernames that differ only in case cannot take the index: the
migration stops first and names them, so that one of each pair can be renamed.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower

import rostering.usernames


def refuse_case_duplicates(apps, schema_editor):
    problems = []
    for name in ("Student", "Educator"):
        model = apps.get_model("rostering", name)
        clashes = (
            model.objects.annotate(folded=Lower("username"))
            .values("folded")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values_list("folded", flat=True)
        )
        for folded in clashes[:20]:
            held = model.objects.annotate(folded=Lower("username")).filter(folded=folded)
            names = ", ".join(f'"{u}"' for u in held.values_list("username", flat=True))
            problems.append(f"{name.lower()}s {names}")
    if problems:
        raise RuntimeError(
            "These usernames differ only in upper and lower case, and usernames must now be "
            "unique ignoring case: " + "; ".join(problems) + ". Rename one of each (in the "
            "admin), then run migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [("rostering", "0004_student_search_text_trigram")]

    operations = [
        migrations.RunPython(refuse_case_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="student",
            constraint=rostering.usernames.UsernameIgnoringCase(
                django.db.models.functions.text.Lower("username"),
                name="student_username_ignoring_case",
            ),
        ),
        migrations.AddConstraint(
            model_name="educator",
            constraint=rostering.usernames.UsernameIgnoringCase(
                django.db.models.functions.text.Lower("username"),
                name="educator_username_ignoring_case",
            ),
        ),
        migrations.AlterField(
            model_name="student",
            name="username",
            field=models.CharField(
                db_index=True,
                help_text="Signs in to products, so unique across the whole platform, ignoring case.",
                max_length=150,
            ),
        ),
        migrations.AlterField(
            model_name="historicalstudent",
            name="username",
            field=models.CharField(
                db_index=True,
                help_text="Signs in to products, so unique across the whole platform, ignoring case.",
                max_length=150,
            ),
        ),
        migrations.AlterField(
            model_name="educator",
            name="username",
            field=models.CharField(db_index=True, max_length=150),
        ),
        migrations.AlterField(
            model_name="historicaleducator",
            name="username",
            field=models.CharField(db_index=True, max_length=150),
        ),
    ]
