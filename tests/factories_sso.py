"""Factories for single sign-on: a district's provider configuration, and synced educators."""

from __future__ import annotations

import factory

from accounts.sso.models import SignOnConfiguration
from rostering.models import Organization

from .factories import EducatorFactory


class SignOnConfigurationFactory(factory.django.DjangoModelFactory):
    """A district on automated rostering with single sign-on on (pass ``issuer``)."""

    class Meta:
        model = SignOnConfiguration

    provider = "other"
    client_id = "homeroom-portal"
    client_secret = b"local-test-secret"
    match_claim = "email"
    educator_passwords = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        district = kwargs["district"]
        Organization.objects.filter(pk=district.pk).update(
            rostering_method=Organization.RosteringMethod.AUTOMATED, sso_enabled=True
        )
        district.refresh_from_db()
        return super()._create(model_class, *args, **kwargs)


class SyncedEducatorFactory(EducatorFactory):
    origin = "synced"
    sis_sourced_id = factory.Sequence(lambda n: f"sis-teacher-{n}")
