"""The sign-in forms: the password form (refusing educators whose district signs them in
through its provider only) and the email field that finds a district's provider."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .services import active_configuration


def passwords_turned_off(user):
    """The district configuration when ``user`` is an educator whose district lets
    educators sign in through its provider only; support staff and superusers never."""
    if user.is_support or user.is_superuser:
        return None
    educator = getattr(user, "educator", None)
    if educator is None:
        return None
    configuration = active_configuration(educator.district)
    if configuration is not None and not configuration.educator_passwords:
        return configuration
    return None


class SignInForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        configuration = passwords_turned_off(user)
        if configuration is not None:
            raise forms.ValidationError(
                f"{configuration.district} signs educators in with "
                f"{configuration.provider_label} only: use \u201c{configuration.button_label}\u201d "
                "on your district's sign-in page.",
                code="sso_only",
            )


class FindDistrictForm(forms.Form):
    email = forms.EmailField(
        label="Your school email",
        help_text="We find your district's sign-in.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
