"""REST authentication: Basic or Bearer for the configured account (spec §5.1)."""

from __future__ import annotations

import base64

import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from ringback.api.auth import MAX_TOKENS, TOKEN_PATH, Authenticator, token_endpoint
from ringback.api.errors import exception_handlers
from ringback.errors import AuthenticationError, AuthorizationError, RequestValidationError

ACCOUNT = "9900000"


def basic(username: str, password: str) -> str:
    """An `Authorization: Basic` header value."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


class FakeClock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    """A fresh clock."""
    return FakeClock()


@pytest.fixture
def auth(clock: FakeClock) -> Authenticator:
    """The authenticator of account 9900000, ringback/ringback."""
    return Authenticator(ACCOUNT, "ringback", "ringback", token_ttl_s=60, clock=clock)


def test_auth_basic_accepted(auth: Authenticator) -> None:
    """The configured credentials on the configured account pass."""
    auth.check(basic("ringback", "ringback"), ACCOUNT)


@pytest.mark.parametrize(
    ("header", "description"),
    [
        (None, "Unauthorized: send an Authorization header"),
        (basic("ringback", "wrong"), "The credentials provided were invalid"),
        (basic("someone", "ringback"), "The credentials provided were invalid"),
        ("Basic !!!", "Failed to decode basic authentication token"),
        ("Basic " + base64.b64encode(b"nocolon").decode(), "Invalid basic authentication token"),
        ("Digest abc", "Unauthorized: unsupported authorization scheme 'Digest'"),
        ("Bearer nope", "The credentials provided were invalid: unknown bearer token"),
    ],
)
def test_auth_refused(auth: Authenticator, header: str | None, description: str) -> None:
    """Missing, malformed or wrong credentials are 401 and say which."""
    with pytest.raises(AuthenticationError) as caught:
        auth.check(header, ACCOUNT)
    assert caught.value.status == 401
    assert caught.value.description.startswith(description)


def test_auth_wrong_account_is_403(auth: Authenticator) -> None:
    """Good credentials on another account id are 403, naming the account."""
    with pytest.raises(AuthorizationError) as caught:
        auth.check(basic("ringback", "ringback"), "not an account id")
    assert caught.value.status == 403
    assert "[not an account id]" in caught.value.description


def test_auth_wrong_password_beats_wrong_account(auth: Authenticator) -> None:
    """Authentication comes first: bad credentials on a bad account are 401."""
    with pytest.raises(AuthenticationError):
        auth.check(basic("ringback", "x"), "123")


def test_auth_token_grant_and_expiry(auth: Authenticator, clock: FakeClock) -> None:
    """A client-credentials token works as Bearer until it expires (on the auth clock)."""
    grant = auth.issue_token(basic("ringback", "ringback"), "client_credentials")
    assert grant["token_type"] == "Bearer"
    assert grant["expires_in"] == 60
    auth.check(f"Bearer {grant['access_token']}", ACCOUNT)
    clock.now += 61
    with pytest.raises(AuthenticationError, match="expired"):
        auth.check(f"Bearer {grant['access_token']}", ACCOUNT)


def test_auth_tokens_kept_are_bounded(auth: Authenticator, clock: FakeClock) -> None:
    """Expired tokens are dropped, and past MAX_TOKENS the oldest valid one is revoked, so
    memory stays bounded however fast tokens are asked for (issue 9)."""
    header = basic("ringback", "ringback")
    tokens = [
        auth.issue_token(header, "client_credentials")["access_token"]
        for _ in range(MAX_TOKENS + 5)
    ]
    assert len(auth._tokens) == MAX_TOKENS
    with pytest.raises(AuthenticationError, match="unknown bearer token"):
        auth.check(f"Bearer {tokens[4]}", ACCOUNT)
    auth.check(f"Bearer {tokens[5]}", ACCOUNT)
    clock.now += 61
    auth.issue_token(header, "client_credentials")
    assert len(auth._tokens) == 1


def test_auth_token_needs_client_credentials(auth: Authenticator) -> None:
    """The token endpoint takes only the client credentials grant with good Basic credentials."""
    with pytest.raises(AuthenticationError):
        auth.issue_token(basic("ringback", "bad"), "client_credentials")
    with pytest.raises(RequestValidationError, match="grant_type"):
        auth.issue_token(basic("ringback", "ringback"), "password")


def test_auth_token_endpoint_over_http(auth: Authenticator) -> None:
    """POST /api/v1/oauth2/token answers the form the SDK sends; bad secrets get 401."""
    app = Starlette(
        routes=[Route(TOKEN_PATH, token_endpoint(auth), methods=["POST"])],
        exception_handlers=exception_handlers(),
    )
    client = TestClient(app)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    ok = client.post(
        TOKEN_PATH,
        content=b"grant_type=client_credentials",
        headers={**form, "Authorization": basic("ringback", "ringback")},
    )
    assert ok.status_code == 200
    assert set(ok.json()) == {"access_token", "token_type", "expires_in"}
    bad = client.post(
        TOKEN_PATH,
        content=b"grant_type=client_credentials",
        headers={**form, "Authorization": basic("ringback", "no")},
    )
    assert bad.status_code == 401
    assert bad.json()["type"] == "authentication-error"
