"""Webhook targets: URL validation, credentials in URLs (seed 003), masking, resolution."""

from __future__ import annotations

import pytest

from ringback.delivery.target import (
    Target,
    basic_authorization,
    offers_basic_auth,
    resolve_url,
)
from ringback.errors import WebhookTargetError
from ringback.masking import mask_url


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("https://user:pass@host.example/path", "https://user:***@host.example/path"),
        (
            "https://username:password@yoursecurehost.com/yoursecureapp",
            "https://username:***@yoursecurehost.com/yoursecureapp",
        ),
        ("http://u:p@127.0.0.1:8080/a?b=c#d", "http://u:***@127.0.0.1:8080/a?b=c#d"),
        ("https://token@host.example/a", "https://***@host.example/a"),
        ("https://u:@host.example/", "https://u:***@host.example/"),
        ("https://u:p@ss@host.example/", "https://u:***@host.example/"),
        ("https://host.example/a@b?c=d@e", "https://host.example/a@b?c=d@e"),
        ("https://host.example/answer", "https://host.example/answer"),
        ("http://u:p@[::1]:9000/x", "http://u:***@[::1]:9000/x"),
        ("not a url", "not a url"),
        ("", ""),
    ],
)
def test_target_mask_url_hides_passwords(url: str, masked: str) -> None:
    """Passwords (and bare tokens) become `***`; everything else is kept."""
    assert mask_url(url) == masked


@pytest.mark.parametrize(
    ("base", "reference", "resolved"),
    [
        ("https://example.com/answer", "/onGatherComplete", "https://example.com/onGatherComplete"),
        ("https://example.com/app/answer", "gather", "https://example.com/app/gather"),
        ("https://example.com/app/answer", "../x?y=1", "https://example.com/x?y=1"),
        ("https://example.com/answer", "https://other.example/g", "https://other.example/g"),
        ("https://example.com/answer", "//cdn.example/a.wav", "https://cdn.example/a.wav"),
        ("https://example.com/answer?x=1", "?y=2", "https://example.com/answer?y=2"),
        ("https://u:p@example.com/answer", "/gather", "https://u:p@example.com/gather"),
        ("https://example.com/answer", "  /padded  ", "https://example.com/padded"),
    ],
)
def test_target_resolve_url_follows_rfc3986(base: str, reference: str, resolved: str) -> None:
    """Relative BXML URLs resolve against the URL that returned the document (§4.2)."""
    assert resolve_url(base, reference) == resolved


@pytest.mark.parametrize(
    ("headers", "offered"),
    [
        (('Basic realm="app"',), True),
        (("basic",), True),
        (('BASIC realm="x", charset="UTF-8"',), True),
        (('Bearer realm="api"', 'Basic realm="app"'), True),
        (
            ('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',),
            True,
        ),
        (('Digest realm="a, Basic b", nonce="n"',), False),
        (('Bearer realm="Basic"',), False),
        (('Digest realm="x"',), False),
        (("",), False),
        ((), False),
    ],
)
def test_target_offers_basic_auth_parses_challenges(
    headers: tuple[str, ...], offered: bool
) -> None:
    """Only a real Basic challenge counts, not the word inside a quoted parameter (RFC 7235)."""
    assert offers_basic_auth(headers) is offered


def test_target_basic_authorization_matches_rfc7617() -> None:
    """RFC 7617 §2: Aladdin / open sesame."""
    assert basic_authorization("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="


def test_target_splits_credentials_out_of_the_url() -> None:
    """`https://user:pass@host/path` (seed 003) becomes a clean wire URL plus credentials."""
    target = Target("https://user:p%40ss%3A1@host.example:8443/app?x=1#frag")
    assert (target.username, target.password) == ("user", "p@ss:1")
    assert target.wire_url == "https://host.example:8443/app?x=1"
    assert target.url == "https://user:p%40ss%3A1@host.example:8443/app?x=1#frag"
    assert target.authorization() == basic_authorization("user", "p@ss:1")


def test_target_explicit_credentials_win_over_the_url() -> None:
    """Explicit username/password replace the URL's, as a pair."""
    target = Target("https://user:pass@host.example/a", "POST", "other", None)
    assert (target.username, target.password) == ("other", None)
    assert target.authorization() == basic_authorization("other", "")


def test_target_without_credentials_has_no_authorization() -> None:
    """No userinfo and no explicit credentials: nothing to send."""
    target = Target("http://127.0.0.1:5000/answer", "GET")
    assert not target.has_credentials
    assert target.authorization() is None
    assert target.wire_url == "http://127.0.0.1:5000/answer"


def test_target_empty_path_becomes_slash() -> None:
    """A bare origin is requested as `/`."""
    assert Target("http://127.0.0.1:5000").wire_url == "http://127.0.0.1:5000/"


def test_target_method_is_case_insensitive() -> None:
    """`get` from a BXML attribute is GET."""
    assert Target("https://host.example/a", "get").method == "GET"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "method", "message"),
    [
        ("ftp://host.example/a", "POST", "must be an absolute http:// or https:// URL"),
        ("/relative/answer", "POST", "must be an absolute http:// or https:// URL"),
        ("https://", "POST", "must be an absolute http:// or https:// URL"),
        ("http://[::1/a", "POST", "cannot be parsed"),
        ("https://host.example/a", "PUT", "must be POST or GET, got 'PUT'"),
    ],
)
def test_target_rejects_malformed_targets(url: str, method: str, message: str) -> None:
    """Bad URLs and methods are refused with the offending value."""
    with pytest.raises(WebhookTargetError, match=message):
        Target(url, method)  # type: ignore[arg-type]


def test_target_rejection_masks_the_password() -> None:
    """Even the error for a bad URL never prints its password."""
    with pytest.raises(WebhookTargetError) as caught:
        Target("ftp://user:hunter2@host.example/a")
    assert "hunter2" not in str(caught.value)
    assert "user:***@" in str(caught.value)


def test_target_username_with_colon_is_rejected() -> None:
    """RFC 7617 forbids ':' in a Basic user-id."""
    with pytest.raises(WebhookTargetError, match="must not contain ':'"):
        Target("https://host.example/a", "POST", "a:b", "c")


def test_target_checks_repeat_for_the_same_bad_url() -> None:
    """A rejected target is rejected every time (checks are remembered, failures are not)."""
    for _ in range(2):
        with pytest.raises(WebhookTargetError, match="absolute"):
            Target("/relative/answer")


def test_target_same_url_gives_equal_targets() -> None:
    """Two targets built from the same arguments are equal, credentials split out alike."""
    first = Target("https://user:pass@app.example/answer", "post")
    second = Target("https://user:pass@app.example/answer", "post")
    assert first == second
    assert (second.method, second.username, second.password) == ("POST", "user", "pass")
    assert second.wire_url == "https://app.example/answer"
