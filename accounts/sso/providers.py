"""The identity providers a district may choose, and what their OpenID Connect discovery says.

A preset only names the provider and fills in its issuer (Microsoft Entra ID's holds the
district's tenant, so the administrator completes it); "Other" is any OpenID Connect issuer.
The endpoints and signing keys always come from the issuer's own discovery document, whose
``issuer`` must be the configured one (OpenID Connect Discovery 1.0, section 4.3).
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from django.core.cache import cache
from django.db import models

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_CACHE_SECONDS = 300
DISCOVERY_TIMEOUT_SECONDS = 10


class Provider(models.TextChoices):
    GOOGLE = "google", "Google Workspace"
    MICROSOFT = "microsoft", "Microsoft Entra ID"
    CLEVER = "clever", "Clever"
    CLASSLINK = "classlink", "ClassLink"
    OTHER = "other", "Other OpenID Connect provider"


# The issuer each preset uses; "{tenant}" is the district's Microsoft tenant ID.
PRESET_ISSUERS = {
    Provider.GOOGLE: "https://accounts.google.com",
    Provider.MICROSOFT: "https://login.microsoftonline.com/{tenant}/v2.0",
    Provider.CLEVER: "https://clever.com",
    Provider.CLASSLINK: "https://launchpad.classlink.com",
}


class DiscoveryError(Exception):
    """The issuer's discovery document could not be read or does not describe it."""


@dataclass(frozen=True)
class Endpoints:
    issuer: str
    authorization: str
    token: str
    userinfo: str
    jwks: str


def same_issuer(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def discover(issuer: str) -> Endpoints:
    """The provider's endpoints, from its discovery document (cached for a few minutes)."""
    key = "sso-discovery:" + issuer
    document = cache.get(key)
    if document is None:
        url = issuer.rstrip("/") + DISCOVERY_PATH
        try:
            response = requests.get(url, timeout=DISCOVERY_TIMEOUT_SECONDS)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise DiscoveryError(f"{url} could not be read ({exc.__class__.__name__}).") from exc
        if not isinstance(document, dict):
            raise DiscoveryError(f"{url} is not an OpenID Connect discovery document.")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    if not same_issuer(str(document.get("issuer", "")), issuer):
        raise DiscoveryError(
            f"The provider calls itself {document.get('issuer')!r}, not {issuer!r}."
        )
    try:
        return Endpoints(
            issuer=document["issuer"],
            authorization=document["authorization_endpoint"],
            token=document["token_endpoint"],
            userinfo=document["userinfo_endpoint"],
            jwks=document["jwks_uri"],
        )
    except KeyError as exc:
        raise DiscoveryError(f"The discovery document has no {exc.args[0]}.") from exc
