"""Writing a district's single sign-on configuration, and finding a district by email domain.

District administrators (the portal's Management > Organization > Single sign-on) and
support staff (the admin) call ``sign_on_update``; it decides.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import permissions
from accounts.permissions import Feature
from rostering import services as roster_services
from rostering.history import Channel
from rostering.models import Organization

from .models import SignOnConfiguration
from .providers import PRESET_ISSUERS, DiscoveryError, Provider, discover

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
NEEDS_AUTOMATED = (
    "Single sign-on comes with automated rostering only: choose Automated on the "
    "Rostering method page first."
)


def configuration_of(district: Organization) -> SignOnConfiguration:
    """The district's configuration (a blank one, unsaved, when it has none yet)."""
    try:
        return district.sign_on
    except SignOnConfiguration.DoesNotExist:
        return SignOnConfiguration(district=district)


def active_configuration(district: Organization) -> SignOnConfiguration | None:
    """The configuration sign-ins use: only while single sign-on is on and the district is
    on automated rostering."""
    if not (
        district.is_district
        and district.sso_enabled
        and district.rostering_method == Organization.RosteringMethod.AUTOMATED
    ):
        return None
    configuration = configuration_of(district)
    return configuration if configuration.pk and configuration.is_complete else None


def district_for_email(email: str) -> Organization | None:
    """The district whose single sign-on accepts this email's domain, if one does."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    for configuration in SignOnConfiguration.objects.select_related("district").filter(
        district__sso_enabled=True, allowed_domains__icontains=domain
    ):
        if domain in configuration.domains and active_configuration(configuration.district):
            return configuration.district
    return None


def _clean_domains(raw: str, district: Organization) -> str:
    domains = SignOnConfiguration(allowed_domains=raw).domains
    bad = [d for d in domains if not _DOMAIN.match(d)]
    if bad:
        raise ValidationError(
            {"allowed_domains": f"{bad[0]} is not a domain: write it like district.org."}
        )
    others = SignOnConfiguration.objects.exclude(district=district)
    for domain in domains:
        for other in others.filter(allowed_domains__icontains=domain):
            if domain in other.domains:
                raise ValidationError(
                    {"allowed_domains": f"{domain} already signs in to another district."}
                )
    return "\n".join(domains)


@transaction.atomic
def sign_on_update(
    *,
    actor,
    district: Organization,
    enabled: bool,
    provider: str,
    issuer: str = "",
    client_id: str = "",
    client_secret: str | None = None,
    allowed_domains: str = "",
    match_claim: str = "email",
    educator_passwords: bool = True,
    channel: str = Channel.FORM,
) -> SignOnConfiguration:
    """Save the district's provider and turn single sign-on on or off, or refuse with nothing
    changed. ``client_secret`` None (or blank) keeps the stored one.

    Refused: an actor who is not an administrator of the whole district or support staff
    (PermissionDenied); turning it on without automated rostering, without an issuer, client
    ID and secret, or with an issuer whose discovery document cannot be read; a domain
    another district already uses (ValidationError).
    """
    if not district.is_district:
        raise ValidationError("Single sign-on is set for a whole district.")
    permissions.require_feature(actor, Feature.MANAGE_SINGLE_SIGN_ON)
    if not permissions.can_change(actor, district):
        raise PermissionDenied("You cannot change this district's sign-in.")
    # From the database, not from objects a rolled-back dry run (the admin's) changed.
    district.refresh_from_db()
    configuration = SignOnConfiguration.objects.filter(
        district=district
    ).first() or SignOnConfiguration(district=district)
    provider = Provider(provider)
    issuer = (issuer or "").strip() or PRESET_ISSUERS.get(provider, "")
    if "{tenant}" in issuer:
        raise ValidationError(
            {"issuer": "Put your Microsoft tenant ID in place of {tenant} in the issuer URL."}
        )
    configuration.provider = provider
    configuration.issuer = issuer
    configuration.client_id = (client_id or "").strip()
    if client_secret:
        configuration.client_secret = client_secret.strip().encode()
    configuration.allowed_domains = _clean_domains(allowed_domains, district)
    configuration.match_claim = match_claim
    configuration.educator_passwords = educator_passwords
    configuration.full_clean(exclude=["district"])
    if enabled:
        if district.rostering_method != Organization.RosteringMethod.AUTOMATED:
            raise ValidationError({"enabled": NEEDS_AUTOMATED})
        missing = [
            label
            for label, value in (
                ("the issuer URL", configuration.issuer),
                ("the client ID", configuration.client_id),
                ("the client secret", configuration.client_secret),
            )
            if not value
        ]
        if missing:
            raise ValidationError(
                {"enabled": f"To turn single sign-on on, fill in {', '.join(missing)}."}
            )
        try:
            discover(configuration.issuer)
        except DiscoveryError as exc:
            raise ValidationError(
                {"issuer": f"This issuer's OpenID Connect configuration: {exc}"}
            ) from exc
    configuration.save()
    if district.sso_enabled != enabled:
        roster_services.organization_update(
            actor=actor, organization=district, sso_enabled=enabled, channel=channel
        )
    return configuration
