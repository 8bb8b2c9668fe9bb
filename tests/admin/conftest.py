"""The support admin on the demo district, signed in as demo-support (in the Support staff
group, never superuser)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from rostering.models import Organization

# The assisted queue and sync tests reuse the import views' stand-in engine and the sync
# engine tests' small SIS.
from tests.imports.views.conftest import fake_engine  # noqa: F401
from tests.sync.engine.conftest import district, school, sis  # noqa: F401


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return Organization.objects.get(slug="demo")


@pytest.fixture
def demo_support(demo):
    return get_user_model().objects.get(username="demo-support")


@pytest.fixture
def support_client(client, support):
    client.force_login(support)
    return client


def admin_url(obj_or_model, view: str = "change") -> str:
    from django.urls import reverse

    opts = obj_or_model._meta
    args = [obj_or_model.pk] if view in ("change", "history") else []
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _field_values(form) -> dict:
    data = {}
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = str(value)
    return data


def change_form_data(response) -> dict:
    """The POST a browser would send from an admin change page left as it is."""
    data = _field_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_field_values(formset.management_form))
        for form in formset.forms:
            data.update(_field_values(form))
    return data
