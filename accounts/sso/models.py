"""A district's single sign-on: one OpenID Connect provider and how identities are matched.

Whether it is on is the district's ``Organization.sso_enabled`` (allowed with automated
rostering only, rostering.services.orgs); this record holds the provider it uses.
"""

from __future__ import annotations

from django.db import models

from rostering.fields import EncryptedBinaryField

from .providers import Provider


class MatchClaim(models.TextChoices):
    EMAIL = "email", "Email"
    USERNAME = "username", "Username"
    SIS_ID = "sis_id", "SIS ID"


# The identity's claim each match reads, and the educator field it must equal.
CLAIM_NAMES = {
    MatchClaim.EMAIL: "email",
    MatchClaim.USERNAME: "preferred_username",
    MatchClaim.SIS_ID: "sis_id",
}
EDUCATOR_FIELDS = {
    MatchClaim.EMAIL: "email",
    MatchClaim.USERNAME: "username",
    MatchClaim.SIS_ID: "sis_sourced_id",
}


class SignOnConfiguration(models.Model):
    district = models.OneToOneField(
        "rostering.Organization",
        on_delete=models.CASCADE,
        related_name="sign_on",
        limit_choices_to={"org_type": "district"},
    )
    provider = models.CharField(max_length=20, choices=Provider.choices, default=Provider.OTHER)
    issuer = models.URLField(
        "issuer URL",
        max_length=300,
        blank=True,
        help_text="The provider's OpenID Connect issuer, e.g. https://accounts.google.com.",
    )
    client_id = models.CharField("client ID", max_length=300, blank=True)
    client_secret = EncryptedBinaryField(
        blank=True, default=b"", help_text="Encrypted with STUDENT_PASSWORD_KEY."
    )
    allowed_domains = models.TextField(
        "allowed email domains",
        blank=True,
        default="",
        help_text="One per line or separated by commas; blank accepts any.",
    )
    match_claim = models.CharField(
        "match educators by", max_length=20, choices=MatchClaim.choices, default=MatchClaim.EMAIL
    )
    educator_passwords = models.BooleanField(
        "educators may also sign in with a password",
        default=True,
        help_text="Support staff always keep their password.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "single sign-on configuration"

    def __str__(self) -> str:
        return f"{self.district}: {self.provider_label}"

    @property
    def provider_label(self) -> str:
        return Provider(self.provider).label if self.provider != Provider.OTHER else "your district"

    @property
    def button_label(self) -> str:
        return (
            f"Sign in with {Provider(self.provider).label}"
            if self.provider != Provider.OTHER
            else "Sign in with your district account"
        )

    @property
    def domains(self) -> list[str]:
        raw = self.allowed_domains.replace(",", "\n").split()
        return sorted({d.strip().lstrip("@").lower() for d in raw if d.strip()})

    @property
    def is_complete(self) -> bool:
        return bool(self.issuer and self.client_id and self.client_secret)


def secret_of(configuration: SignOnConfiguration) -> str:
    return bytes(configuration.client_secret or b"").decode()
