"""The district's single sign-on settings form (the portal's page and the admin share it)."""

from __future__ import annotations

from django import forms

from .models import MatchClaim, SignOnConfiguration
from .providers import PRESET_ISSUERS, Provider


class SignOnSettingsForm(forms.Form):
    enabled = forms.BooleanField(
        label="Educators may sign in through our identity provider", required=False
    )
    provider = forms.ChoiceField(label="Identity provider", choices=Provider.choices)
    issuer = forms.URLField(
        label="Issuer URL",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="Blank for Google Workspace, Clever and ClassLink. Microsoft Entra ID: "
        "https://login.microsoftonline.com/YOUR-TENANT-ID/v2.0. Other: your provider's "
        "issuer.",
    )
    client_id = forms.CharField(label="Client ID", required=False, max_length=300)
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted. Leave blank to keep the current one.",
    )
    allowed_domains = forms.CharField(
        label="Allowed email domains",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. district.org, one per line or separated by commas. People typing "
        "such an email on the sign-in page are sent to your provider; blank accepts any.",
    )
    match_claim = forms.ChoiceField(
        label="Match educators by",
        choices=MatchClaim.choices,
        help_text="The identity's email, username (preferred_username) or SIS ID (sis_id) "
        "must equal a synced educator's in your district.",
    )
    educator_passwords = forms.BooleanField(
        label="Educators may also sign in with their username and password",
        required=False,
        help_text="Support staff always keep their password.",
    )

    @staticmethod
    def initial_for(configuration: SignOnConfiguration) -> dict:
        return {
            "enabled": configuration.district.sso_enabled,
            "provider": configuration.provider,
            "issuer": ""
            if configuration.issuer == PRESET_ISSUERS.get(configuration.provider)
            else configuration.issuer,
            "client_id": configuration.client_id,
            "allowed_domains": ", ".join(configuration.domains),
            "match_claim": configuration.match_claim,
            "educator_passwords": configuration.educator_passwords,
        }
