"""A real OpenID Connect provider on localhost for the single sign-on tests: oidc-provider-mock
(authlib underneath), started on a free port and stopped after the tests. Its authorization
page asks for a subject ("sub"); an identity's claims are set with ``set_user`` (a subject
with none set gets {"email": sub})."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

# authlib deprecates modules of its own that the provider imports: not ours to fix. Its
# deprecate module asks for them to be shown "always" as it loads, so it is loaded first.
with warnings.catch_warnings():
    import authlib.deprecate

    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from oidc_provider_mock import run_server_in_thread


@dataclass
class LocalProvider:
    issuer: str

    def set_user(self, sub: str, **claims) -> None:
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()

    def authorize(self, authorization_url: str, sub: str) -> str:
        """What a person does at the provider: sign in as ``sub``. Returns the callback URL
        the provider sends the browser back to (path and query, for the test client)."""
        response = requests.post(
            authorization_url, data={"sub": sub}, allow_redirects=False, timeout=10
        )
        assert response.status_code == 302, response.text
        back = urlsplit(response.headers["Location"])
        return f"{back.path}?{back.query}"

    def id_token(self, *, client_id: str, sub: str, nonce: str = "n-0S6_WzA2Mj") -> str:
        """An ID token the provider issues to ``client_id`` for ``sub`` (the whole code flow,
        done here rather than by the portal)."""
        redirect_uri = "http://localhost/callback"
        query = urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "scope": "openid email",
                "state": "s",
                "nonce": nonce,
            }
        )
        back = self.authorize(f"{self.issuer}/oauth2/authorize?{query}", sub)
        code = parse_qs(urlsplit(back).query)["code"][0]
        response = requests.post(
            f"{self.issuer}/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": client_id,
                "client_secret": "any",
            },
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["id_token"]


def _run(**options):
    with run_server_in_thread(port=0, **options) as server:
        yield LocalProvider(issuer=f"http://localhost:{server.server_port}")


@pytest.fixture(scope="session")
def oidc_provider():
    yield from _run()


@pytest.fixture(scope="session")
def expiring_oidc_provider():
    """A provider whose ID tokens have already expired when they arrive."""
    yield from _run(access_token_max_age=timedelta(seconds=-120))
