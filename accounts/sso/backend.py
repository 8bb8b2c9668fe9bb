"""The OpenID Connect sign-in of educators (mozilla-django-oidc), configured per district.

mozilla-django-oidc does the protocol: state, nonce and PKCE in the session, the code
exchange, the signature against the provider's published keys. This backend gives it the
district's provider (from the callback view), checks what the library leaves to its users
(issuer, audience, expiry and the subject of the user info, as OpenID Connect Core 3.1.3.7
and 5.3.2 require), and, instead of creating users, finds the district's educator
(matching.py). Tokens are never stored: they live only while the callback runs.
"""

from __future__ import annotations

import jwt
import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .matching import SignOnRefused, match_educator, refuse
from .models import secret_of
from .providers import DiscoveryError, discover

SIGN_ALGORITHM = "RS256"
NOT_VERIFIED = (
    "The sign-in from {provider} could not be verified ({why}). Start again from your "
    "district's sign-in page."
)


class DistrictOIDCBackend(OIDCAuthenticationBackend):
    """Authenticates only the callback of a district's sign-in (``request.sso_district`` set
    by the callback view); every other ``authenticate`` call (passwords) passes it by."""

    def __init__(self, *args, **kwargs):
        # The library reads one provider from settings here; ours come per district, in
        # authenticate().
        self.UserModel = get_user_model()
        self.OIDC_RP_SIGN_ALGO = SIGN_ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, nonce=None, code_verifier=None, **credentials):
        district = getattr(request, "sso_district", None)
        if request is None or credentials or district is None:
            return None
        configuration = request.sso_configuration
        self.district, self.configuration = district, configuration
        try:
            endpoints = discover(configuration.issuer)
            self.issuer = endpoints.issuer
            self.OIDC_OP_TOKEN_ENDPOINT = endpoints.token
            self.OIDC_OP_USER_ENDPOINT = endpoints.userinfo
            self.OIDC_OP_JWKS_ENDPOINT = endpoints.jwks
            self.OIDC_RP_CLIENT_ID = configuration.client_id
            self.OIDC_RP_CLIENT_SECRET = secret_of(configuration)
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except SignOnRefused as refusal:
            request.sso_refusal = refusal
        except DiscoveryError as exc:
            request.sso_refusal = self._not_verified("provider_unreachable", str(exc), 502)
        except SuspiciousOperation as exc:
            request.sso_refusal = self._not_verified("not_verified", str(exc))
        except requests.RequestException as exc:
            request.sso_refusal = self._not_verified(
                "provider_error", f"the provider answered {exc.__class__.__name__}", 502
            )
        return None

    def _not_verified(self, reason: str, why: str, status: int = 403) -> SignOnRefused:
        message = NOT_VERIFIED.format(provider=self.configuration.provider_label, why=why)
        return refuse(self.district, reason, message, status=status)

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise self._not_verified("not_verified", "the token is not signed with RS256")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise self._not_verified("token_expired", "the token has expired") from None
        except jwt.InvalidAudienceError:
            raise self._not_verified("wrong_audience", "the token is for another app") from None
        except jwt.InvalidIssuerError:
            raise self._not_verified(
                "wrong_issuer", "the token comes from another provider"
            ) from None
        except jwt.InvalidTokenError as exc:
            raise self._not_verified("not_verified", f"the token is invalid: {exc}") from None

    def retrieve_matching_jwk(self, token):
        """The key named by the token's ``kid``; a token that names none (allowed by RFC 7515)
        is checked against the provider's one signing key, never against any of several."""
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT, timeout=self.get_settings("OIDC_TIMEOUT")
        )
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig" and key.get("alg", SIGN_ALGORITHM) == SIGN_ALGORITHM
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("the token names no signing key and the provider has several")
        return jwt.PyJWK(keys[0])

    def store_tokens(self, access_token, id_token):
        """Never: the tokens are used once, to find the educator."""

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        if user_info.get("sub") != payload.get("sub"):
            raise self._not_verified("not_verified", "the user info is for someone else")
        educator = match_educator(self.district, self.configuration, {**payload, **user_info})
        return educator.user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
