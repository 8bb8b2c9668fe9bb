"""seed_demo's single sign-on: with HOMEROOM_DEMO_OIDC_ISSUER set (e.g. a local
oidc-provider-mock), the demo district signs its educators in through that provider."""

from __future__ import annotations

from django.conf import settings

from rostering import services
from rostering.history import Channel
from rostering.models import Organization

from .models import SignOnConfiguration

DEMO_CLIENT_ID = "homeroom-demo"
DEMO_CLIENT_SECRET = "homeroom-demo-secret"
DEMO_DOMAIN = "demo-usd.example.org"


def configure_demo_sign_on(district: Organization) -> SignOnConfiguration | None:
    """Point the demo district at the provider in settings.DEMO_OIDC_ISSUER (idempotent);
    nothing when it is blank."""
    issuer = settings.DEMO_OIDC_ISSUER.strip()
    if not issuer:
        return None
    configuration, _ = SignOnConfiguration.objects.update_or_create(
        district=district,
        defaults={
            "provider": "other",
            "issuer": issuer,
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET.encode(),
            "allowed_domains": DEMO_DOMAIN,
            "match_claim": "email",
            "educator_passwords": True,
        },
    )
    if not district.sso_enabled:
        services.organization_update(
            actor=None, organization=district, sso_enabled=True, channel=Channel.SYSTEM
        )
    return configuration
