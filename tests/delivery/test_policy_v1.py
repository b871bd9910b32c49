"""v1's delivery rules (v1 spec §4) as data for the same policy: one try a URL, Basic first."""

from __future__ import annotations

import pytest

from ringback.delivery.policy import (
    V1_RULES,
    Delivery,
    RequestFailed,
    ResponseReceived,
    Target,
    WebhookRequest,
)
from ringback.errors import WebhookTargetError

REFUSED = RequestFailed("connect-error", "connection refused")


def v1_request(**fields: object) -> WebhookRequest:
    """A v1 webhook to a primary with credentials in its URL and a fallback."""
    options: dict[str, object] = {
        "event_type": "answer",
        "body": b"{}",
        "query": [],
        "primary": Target("http://user:p%40ss@app.test/events", "POST"),
        "fallback": Target("http://app.test/fallback", "POST"),
        "timeout_s": 10.0,
        "rules": V1_RULES,
    }
    options.update(fields)
    return WebhookRequest(**options)  # type: ignore[arg-type]


def test_policy_v1_refused_goes_to_the_fallback_without_a_retry() -> None:
    """A refused connection is not retried under v1: the fallback is next, then the end."""
    delivery = Delivery(v1_request())
    first = delivery.next_attempt()
    assert first is not None
    assert first.role == "primary"
    delivery.record(REFUSED)
    second = delivery.next_attempt()
    assert second is not None
    assert second.role == "fallback"
    delivery.record(REFUSED)
    assert delivery.next_attempt() is None
    assert not delivery.result().ok
    assert len(delivery.result().attempts) == 2


def test_policy_v1_sends_credentials_first_and_its_own_headers() -> None:
    """Basic from the URL on the first request (decoded), v1's User-Agent and Content-Type."""
    attempt = Delivery(v1_request()).next_attempt()
    assert attempt is not None
    assert attempt.authorization == "Basic dXNlcjpwQHNz"  # user:p@ss
    assert attempt.url == "http://app.test/events"
    assert attempt.user_agent == "BandwidthAPI/v1"
    assert attempt.content_type == "application/json; charset=utf-8"


def test_policy_v1_non_2xx_is_a_failure() -> None:
    """A 500 from the primary moves to the fallback."""
    delivery = Delivery(v1_request())
    delivery.record(ResponseReceived(500))
    attempt = delivery.next_attempt()
    assert attempt is not None
    assert attempt.role == "fallback"


@pytest.mark.parametrize("timeout_s", [0.5, 10.0])
def test_policy_v1_timeouts_up_to_ten_seconds(timeout_s: float) -> None:
    """callbackTimeout is in milliseconds, at most 10000: 0.5 s and 10 s are fine."""
    assert v1_request(timeout_s=timeout_s).timeout_s == timeout_s


def test_policy_v1_timeout_over_ten_seconds_is_refused() -> None:
    """11 s is beyond v1's bound (the request names the bound)."""
    with pytest.raises(WebhookTargetError, match=r"0\.001 to 10 seconds"):
        v1_request(timeout_s=11.0)
