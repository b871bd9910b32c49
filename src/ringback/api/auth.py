"""REST authentication (spec §5.1): HTTP Basic, or an OAuth2 Bearer token, for the one account.

How this works. Every `/api/v2` request must carry `Authorization: Basic base64(user:pass)` with
the configured credentials, or `Authorization: Bearer <token>` with a token this server issued
at `POST /api/v1/oauth2/token` (client credentials grant, the same username and password as
Basic client id and secret; the SDK's `client_id`/`client_secret`/`access_token_url`). Wrong or
missing credentials are 401 with `WWW-Authenticate: Basic`; good credentials on an account id
that is not the configured one are 403, as on Bandwidth. Tokens live in memory and expire in
real time (the SDK measures `expires_in` on the wall clock, whatever the platform's clock); at
most `MAX_TOKENS` are valid at once (a new one beyond revokes the oldest).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ringback.api.errors import response_for
from ringback.errors import AuthenticationError, AuthorizationError, RequestValidationError

DEFAULT_TOKEN_TTL_S = 3600
MAX_TOKENS = 10_000  # unexpired tokens kept; asking for more revokes the oldest
TOKEN_PATH = "/api/v1/oauth2/token"
CLIENT_CREDENTIALS = "client_credentials"
CONTROL_PREFIX = "/_ringback"


@dataclass(slots=True)
class Authenticator:
    """Checks REST credentials against the one configured account, and issues OAuth2 tokens."""

    account_id: str
    username: str
    password: str
    token_ttl_s: float = DEFAULT_TOKEN_TTL_S
    clock: Callable[[], float] = time.monotonic
    _tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry on `clock`

    def check(self, authorization: str | None, account_id: str | None) -> None:
        """Authenticate the `Authorization` header (401), then the path's account id (403)."""
        self.authenticate(authorization)
        if account_id is not None and account_id != self.account_id:
            raise AuthorizationError(
                f"Access is denied: account [{account_id}] is not this platform's account; "
                "use the configured account id"
            )

    def authenticate(self, authorization: str | None) -> None:
        """Raise AuthenticationError unless the header holds our credentials or a live token."""
        if not authorization:
            raise AuthenticationError(
                "Unauthorized: send an Authorization header (Basic with the API username and "
                "password, or Bearer with a token from POST /api/v1/oauth2/token)"
            )
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() == "basic":
            self._check_basic(value.strip())
        elif scheme.lower() == "bearer":
            self._check_token(value.strip())
        else:
            raise AuthenticationError(
                f"Unauthorized: unsupported authorization scheme {scheme!r}; use Basic or Bearer"
            )

    def issue_token(self, authorization: str | None, grant_type: str | None) -> dict[str, Any]:
        """The client credentials grant: a Bearer token for the Basic credentials given."""
        if not authorization or authorization.strip().partition(" ")[0].lower() != "basic":
            raise AuthenticationError(
                "Unauthorized: the token endpoint takes the client id and secret as HTTP Basic"
            )
        self.authenticate(authorization)
        if grant_type != CLIENT_CREDENTIALS:
            raise RequestValidationError(
                f"Invalid grant_type: only {CLIENT_CREDENTIALS} is supported, but was "
                f"{grant_type!r}",
                field="grant_type",
            )
        now = self.clock()
        # Issued in order, so they expire in order: the expired ones are at the front.
        while self._tokens and next(iter(self._tokens.values())) <= now:
            del self._tokens[next(iter(self._tokens))]
        token = secrets.token_urlsafe(32)
        self._tokens[token] = now + self.token_ttl_s
        while len(self._tokens) > MAX_TOKENS:  # a bound however fast tokens are asked for
            del self._tokens[next(iter(self._tokens))]
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(self.token_ttl_s),
        }

    def _check_basic(self, value: str) -> None:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthenticationError("Failed to decode basic authentication token") from None
        username, colon, password = decoded.partition(":")
        if not colon:
            raise AuthenticationError(
                "Invalid basic authentication token: expected base64 of username:password"
            )
        if not (_same(username, self.username) & _same(password, self.password)):
            raise AuthenticationError("The credentials provided were invalid")

    def _check_token(self, token: str) -> None:
        expiry = self._tokens.get(token)
        if expiry is None:
            raise AuthenticationError("The credentials provided were invalid: unknown bearer token")
        if expiry <= self.clock():
            del self._tokens[token]
            raise AuthenticationError(
                "The credentials provided were invalid: the bearer token has expired"
            )


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def token_endpoint(authenticator: Authenticator) -> Callable[[Request], Any]:
    """`POST /api/v1/oauth2/token` (form `grant_type=client_credentials`, Basic credentials)."""

    async def issue(request: Request) -> Response:
        form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
        grant_type = form.get("grant_type", [None])[0]
        body = authenticator.issue_token(request.headers.get("authorization"), grant_type)
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    return issue


def listens_beyond_loopback(host: str) -> bool:
    """Whether a server bound to `host` can be reached from other machines.

    The pages and endpoints that have no credentials of their own on Bandwidth (the console)
    are open on loopback, as a developer's tool, and ask for the REST credentials otherwise.
    """
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve anywhere
        return True


class ControlApiAuth:
    """ASGI middleware: the control API (`/_ringback`) asks for the REST API's credentials.

    On by default when `ringback serve` listens beyond loopback (`--host 0.0.0.0`): the control
    API resets the store, scripts phones and moves the clock, and must not be open to anyone
    who can reach the port. Basic with the REST username and password, or a Bearer token.
    """

    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app = app
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith(CONTROL_PREFIX):
            try:
                self.authenticator.authenticate(Headers(scope=scope).get("authorization"))
            except AuthenticationError as refused:
                await response_for(refused)(scope, receive, send)
                return
        await self.app(scope, receive, send)
