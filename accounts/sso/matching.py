"""Who an identity from a district's provider signs in as: a synced, active educator of that
district whose email, username or SIS ID (the district's choice) is the identity's. No
account is ever created here: the SIS is the source of truth.

Every sign-in and every refusal is logged (logger ``homeroom.sso``) with the district and the
claim used.
"""

from __future__ import annotations

import logging

from rostering.models import Educator, Organization
from rostering.models.base import Origin

from .models import CLAIM_NAMES, EDUCATOR_FIELDS, MatchClaim, SignOnConfiguration

log = logging.getLogger("homeroom.sso")


class SignOnRefused(Exception):
    """A sign-in that is refused; ``message`` is what the refusal page tells the person."""

    def __init__(self, reason: str, message: str, *, status: int = 403):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.status = status


def refuse(
    district: Organization | None,
    reason: str,
    message: str,
    *,
    claim: str = "",
    value: str = "",
    status: int = 403,
) -> SignOnRefused:
    """Log a refusal and return it (for the caller to raise)."""
    log.warning(
        "SSO refused: district=%s reason=%s claim=%s value=%r",
        district.slug if district else "-",
        reason,
        claim or "-",
        value,
    )
    return SignOnRefused(reason, message, status=status)


def match_educator(
    district: Organization, configuration: SignOnConfiguration, claims: dict
) -> Educator:
    """The educator ``claims`` sign in as, or SignOnRefused with the reason."""
    kind = MatchClaim(configuration.match_claim)
    claim = CLAIM_NAMES[kind]
    value = str(claims.get(claim) or "").strip()
    email = str(claims.get("email") or "").strip()
    if not value:
        raise refuse(
            district,
            "claim_missing",
            f"{configuration.provider_label} did not send your {kind.label.lower()}, which "
            f"{district} uses to find you. Ask your district administrator.",
            claim=claim,
        )
    domains = configuration.domains
    if domains:
        domain = email.rpartition("@")[2].lower()
        if domain not in domains:
            raise refuse(
                district,
                "domain_not_allowed",
                f"{district} accepts sign-ins from {', '.join('@' + d for d in domains)} "
                f"only, not {email or 'an account without an email address'}.",
                claim=claim,
                value=value,
            )
    field = EDUCATOR_FIELDS[kind]
    lookup = {f"{field}__iexact": value}
    synced = Educator.objects.filter(origin=Origin.SYNCED, **lookup).select_related("user")
    here = [educator for educator in synced if educator.district_id == district.pk]
    if not here:
        if synced.exclude(district=district).exists():
            raise refuse(
                district,
                "other_district",
                f"{value} is not an educator of {district}. Use your own district's sign-in page.",
                claim=claim,
                value=value,
            )
        raise refuse(
            district,
            "no_match",
            f"No educator of {district} has the {kind.label.lower()} {value}. Homeroom does "
            "not create accounts at sign-in: your district's SIS must send you first. Ask "
            "your district administrator.",
            claim=claim,
            value=value,
        )
    if len(here) > 1:
        raise refuse(
            district,
            "several_matches",
            f"More than one educator of {district} has the {kind.label.lower()} {value}. "
            "Ask your district administrator to correct it in the SIS.",
            claim=claim,
            value=value,
        )
    educator = here[0]
    if not educator.is_active or educator.user is None or not educator.user.is_active:
        raise refuse(
            district,
            "inactive",
            f"Your educator account in {district} is inactive. Ask your district administrator.",
            claim=claim,
            value=value,
        )
    log.info(
        "SSO sign-in: district=%s claim=%s value=%r educator=%s",
        district.slug,
        claim,
        value,
        educator.pk,
    )
    return educator
