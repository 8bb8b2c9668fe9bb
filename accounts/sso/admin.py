"""Support staff set any district's single sign-on here; saves go through sign_on_update, and
its refusals show on the form (checked first in a rolled-back dry run, as the roster admin
does)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from rostering.admin.mixins import add_errors, dry_run
from rostering.history import Channel
from rostering.models import Organization

from .models import SignOnConfiguration
from .services import sign_on_update
from .settings_forms import SignOnSettingsForm


class SignOnConfigurationAdminForm(forms.ModelForm):
    enabled = SignOnSettingsForm.base_fields["enabled"]
    issuer = SignOnSettingsForm.base_fields["issuer"]
    # Not "client_secret": the model's (encrypted, non-editable) field has that name.
    new_client_secret = SignOnSettingsForm.base_fields["client_secret"]
    _request = None

    class Meta:
        model = SignOnConfiguration
        fields = (
            "district",
            "enabled",
            "provider",
            "issuer",
            "client_id",
            "new_client_secret",
            "allowed_domains",
            "match_claim",
            "educator_passwords",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Organization.objects.districts()
        if self.instance.pk:
            self.fields["enabled"].initial = self.instance.district.sso_enabled
            self.fields["district"].disabled = True

    def save_through_service(self) -> SignOnConfiguration:
        data = self.cleaned_data
        return sign_on_update(
            actor=self._request.user,
            district=self.instance.district if self.instance.pk else data["district"],
            enabled=data["enabled"],
            provider=data["provider"],
            issuer=data["issuer"],
            client_id=data["client_id"],
            client_secret=data.get("new_client_secret"),
            allowed_domains=data["allowed_domains"],
            match_claim=data["match_claim"],
            educator_passwords=data["educator_passwords"],
            channel=Channel.ADMIN,
        )

    def _post_clean(self):
        if self.errors:
            return
        try:
            dry_run(self.save_through_service)
        except ValidationError as exc:
            add_errors(self, exc)


@admin.register(SignOnConfiguration)
class SignOnConfigurationAdmin(admin.ModelAdmin):
    form = SignOnConfigurationAdminForm
    list_display = ("district", "provider", "issuer", "match_claim", "enabled")
    list_select_related = ("district",)
    search_fields = ("district__name", "=district__slug", "issuer")

    @admin.display(boolean=True, description="on")
    def enabled(self, obj):
        return obj.district.sso_enabled

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"_request": request})

    def save_model(self, request, obj, form, change):
        saved = form.save_through_service()
        # The admin's history entry and message name ``obj``: make it the saved record.
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if k != "_state"})
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """Nothing: the configuration has no related records."""
