from __future__ import annotations

import pytest

from tests.factories_sso import SignOnConfigurationFactory, SyncedEducatorFactory
from tests.oidc_provider import expiring_oidc_provider, oidc_provider  # noqa: F401


@pytest.fixture
def maple_sso(world, oidc_provider):  # noqa: F811
    """Maple District signs in through the local provider, matching by email."""
    return SignOnConfigurationFactory(
        district=world.district, issuer=oidc_provider.issuer, allowed_domains="maple.org"
    )


@pytest.fixture
def synced_teacher(world):
    """Tia, a teacher of North Elementary whom the SIS sends (tia@maple.org)."""
    return SyncedEducatorFactory(
        organization=world.school,
        username="tia",
        first_name="Tia",
        last_name="Synced",
        email="tia@maple.org",
    )
