"""Webhook targets: a URL, its method and Basic-auth credentials, and the URL rules (spec §3.4).

Credentials written into a URL (`https://user:pass@host/path`, as Bandwidth's docs suggest) are
split out of it and sent only in the Authorization header; `mask_url` hides them wherever a URL is
recorded or shown. Pure: no I/O, no clock.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from ringback import masking
from ringback.errors import WebhookTargetError

Method: TypeAlias = Literal["POST", "GET"]

mask_url = masking.mask_url  # masking lives in ringback.masking; this name is kept for importers


def resolve_url(base: str, reference: str) -> str:
    """RFC 3986 resolution of a URL found in BXML against the URL that returned the document."""
    return urljoin(base, reference.strip())


def basic_authorization(username: str, password: str) -> str:
    """The `Authorization` header value for HTTP Basic (RFC 7617), credentials in UTF-8."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def offers_basic_auth(www_authenticate: Sequence[str]) -> bool:
    """Whether any `WWW-Authenticate` header value holds a Basic challenge (RFC 7235 §4.1)."""
    return any(
        scheme.lower() == "basic"
        for header in www_authenticate
        for scheme in _challenge_schemes(header)
    )


def _challenge_schemes(header: str) -> list[str]:
    # A header is a comma-separated list of challenges and their auth-params; a piece whose
    # first token is not followed by "=" starts a new challenge. Quoted strings may hold commas.
    pieces: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in header:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    pieces.append("".join(current))
    schemes = []
    for piece in pieces:
        token = piece.strip().split(None, 1)[0] if piece.strip() else ""
        if token and "=" not in token:
            schemes.append(token)
    return schemes


@dataclass(frozen=True, slots=True)
class Target:
    """One URL a webhook may go to, with its method and Basic-auth credentials.

    Credentials in the URL's userinfo are used when no explicit username/password is given
    (explicit ones win, as a pair). `url` stays as given, so relative BXML URLs resolve against
    it exactly as RFC 3986 says; `wire_url` is what is sent: no userinfo, no fragment.
    """

    url: str
    method: Method = "POST"
    username: str | None = None
    password: str | None = None
    wire_url: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Every webhook builds its targets, nearly always from the same few URLs, so the
        # checks and the parse are kept per (url, method, username, password).
        check = _check_target if isinstance(self.method, str) else _check_target.__wrapped__
        method, username, password, wire = check(
            self.url, self.method, self.username, self.password
        )
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "username", username)
        object.__setattr__(self, "password", password)
        object.__setattr__(self, "wire_url", wire)

    @property
    def has_credentials(self) -> bool:
        """Whether this target has a username to send with HTTP Basic."""
        return self.username is not None

    def authorization(self) -> str | None:
        """The Basic `Authorization` value for this target, or None without credentials."""
        if self.username is None:
            return None
        return basic_authorization(self.username, self.password or "")


@functools.lru_cache(maxsize=1024)
def _check_target(
    url: str, method: object, username: str | None, password: str | None
) -> tuple[Method, str | None, str | None, str]:
    """Check a target; its method upper-cased, its credentials, and the URL to send to."""
    shown = mask_url(url)
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise WebhookTargetError(f"webhook URL {shown!r} cannot be parsed: {exc}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise WebhookTargetError(
            f"webhook URL {shown!r} must be an absolute http:// or https:// URL"
        )
    upper = str(method).upper()
    if upper not in ("POST", "GET"):
        raise WebhookTargetError(
            f"webhook method for {shown!r} must be POST or GET, got {method!r}"
        )
    if username is None and password is None and parts.username is not None:
        username = unquote(parts.username)
        password = unquote(parts.password or "")
    if username is not None and ":" in username:
        raise WebhookTargetError(
            f"webhook username for {shown!r} must not contain ':' (HTTP Basic, RFC 7617)"
        )
    host = parts.netloc.rpartition("@")[2]
    wire = urlunsplit((parts.scheme, host, parts.path or "/", parts.query, ""))
    return ("GET" if upper == "GET" else "POST"), username, password, wire
