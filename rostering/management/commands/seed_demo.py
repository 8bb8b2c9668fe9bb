"""Demo district for newcomers: `python manage.py seed_demo` (idempotent)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from rostering.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = "Create the demo district (slug 'demo') with schools, people, classes and products."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only seed when the database has no district yet (used by `make run`).",
        )

    def handle(self, *args, if_empty: bool = False, verbosity: int = 1, **options):
        from accounts.sso.demo import configure_demo_sign_on
        from rostering.models import Organization

        if if_empty and Organization.objects.districts().exists():
            if verbosity:
                self.stdout.write("Database already has districts; demo seed skipped.")
            demo = Organization.objects.filter(slug="demo").first()
            if demo is not None and configure_demo_sign_on(demo) and verbosity:
                self.stdout.write(f"Single sign-on of the demo: {settings.DEMO_OIDC_ISSUER}")
            return
        with transaction.atomic():
            created = seed_demo()
            sign_on = configure_demo_sign_on(Organization.objects.get(slug="demo"))
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    "Demo district created." if created else "Demo district already there."
                )
            )
            self.stdout.write(f"Demo sign-ins (password {DEMO_PASSWORD}):")
            for username, description in DEMO_USERS.items():
                self.stdout.write(f"  {username:<22} {description}")
            if sign_on is not None:
                self.stdout.write(
                    f"Single sign-on: {sign_on.issuer} (client {sign_on.client_id}); sign in at "
                    "/accounts/login/demo/ as mbrooks.lin@demo-usd.example.org (a synced teacher)."
                )
