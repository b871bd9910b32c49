"""The delivery policy (spec §3.3, §3.4, §9): retries, fallbacks, auth, records — no I/O."""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ringback.delivery.policy import (
    DEFAULT_CALLBACK_TIMEOUT_S,
    MAX_CALLBACK_TIMEOUT_S,
    MIN_CALLBACK_TIMEOUT_S,
    RECORDED_BODY_LIMIT_BYTES,
    Attempt,
    AuthMode,
    Delivery,
    DeliveryResult,
    Outcome,
    RequestFailed,
    ResponseReceived,
    Target,
    WebhookRequest,
)
from ringback.errors import DeliveryStateError, WebhookTargetError

PRIMARY_URL = "https://example.com/answer"
FALLBACK_URL = "https://x.example/fb"
BXML = b'<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>'
BODY = b'{"eventType":"answer","callId":"c-1","to":"+15551234567"}'

OK = ResponseReceived(200, BXML, "application/xml; charset=utf-8")
NO_CONTENT = ResponseReceived(204)
SERVER_ERROR = ResponseReceived(500, b"boom", "text/plain")
NOT_FOUND = ResponseReceived(404)
MOVED = ResponseReceived(302)
CHALLENGE = ResponseReceived(401, www_authenticate=('Basic realm="app"',))
BARE_401 = ResponseReceived(401)
REFUSED = RequestFailed("connect-error", "connection refused")
TIMEOUT = RequestFailed("timeout", "no response within 15 s")
TLS_ERROR = RequestFailed("other", "TLS error: certificate verify failed")


def make_request(
    fallback: bool = False,
    credentials: bool = False,
    auth: AuthMode = "challenge",
    sync: bool = True,
    primary_method: str = "POST",
    fallback_method: str = "POST",
    primary_url: str = PRIMARY_URL,
    query: tuple[tuple[str, str], ...] = (),
) -> WebhookRequest:
    user, password = ("app", "secret") if credentials else (None, None)
    return WebhookRequest(
        event_type="answer",
        body=BODY,
        query=query,
        primary=Target(primary_url, primary_method, user, password),  # type: ignore[arg-type]
        fallback=(
            Target(FALLBACK_URL, fallback_method, user and "fb-app", password and "fb-secret")  # type: ignore[arg-type]
            if fallback
            else None
        ),
        sync=sync,
        auth=auth,
    )


def drive(request: WebhookRequest, outcomes: list[Outcome]) -> tuple[list[Attempt], DeliveryResult]:
    """Feed `outcomes` in order; the delivery must end exactly when they run out."""
    delivery = Delivery(request)
    attempts: list[Attempt] = []
    for outcome in outcomes:
        attempt = delivery.next_attempt()
        assert attempt is not None, f"delivery ended after {len(attempts)} attempts"
        attempts.append(attempt)
        delivery.record(outcome)
    assert delivery.next_attempt() is None
    assert delivery.finished
    return attempts, delivery.result()


@dataclass(frozen=True)
class Case:
    outcomes: list[Outcome]
    roles: str  # one letter per attempt: p(rimary) / f(allback)
    auth_sent: str  # one letter per attempt: y / n
    ok: bool
    fallback: bool = False
    credentials: bool = False
    auth: AuthMode = "challenge"


CASES = {
    "2xx at once is the answer": Case([OK], "p", "n", ok=True),
    "async 204 is a success": Case([NO_CONTENT], "p", "n", ok=True),
    "connect error is retried once": Case([REFUSED, OK], "pp", "nn", ok=True),
    "second connect error fails": Case([REFUSED, REFUSED], "pp", "nn", ok=False),
    "second connect error goes to fallback": Case(
        [REFUSED, REFUSED, OK], "ppf", "nnn", ok=True, fallback=True
    ),
    "timeout goes to fallback without retry": Case([TIMEOUT, OK], "pf", "nn", True, True),
    "timeout without fallback fails": Case([TIMEOUT], "p", "n", ok=False),
    "500 goes to fallback": Case([SERVER_ERROR, OK], "pf", "nn", ok=True, fallback=True),
    "404 without fallback fails": Case([NOT_FOUND], "p", "n", ok=False),
    "redirect is a failure": Case([MOVED, OK], "pf", "nn", ok=True, fallback=True),
    "other error is not retried": Case([TLS_ERROR, OK], "pf", "nn", ok=True, fallback=True),
    "fallback retries a connect error once": Case(
        [SERVER_ERROR, REFUSED, OK], "pff", "nnn", ok=True, fallback=True
    ),
    "fallback failing too fails": Case(
        [SERVER_ERROR, REFUSED, REFUSED], "pff", "nnn", ok=False, fallback=True
    ),
    "fallback 500 fails": Case([TIMEOUT, SERVER_ERROR], "pf", "nn", ok=False, fallback=True),
    "challenge resends with credentials": Case([CHALLENGE, OK], "pp", "ny", True, credentials=True),
    "credentials rejected after challenge": Case(
        [CHALLENGE, BARE_401], "pp", "ny", ok=False, credentials=True
    ),
    "challenge then connect error retries with credentials": Case(
        [CHALLENGE, REFUSED, OK], "ppp", "nyy", ok=True, credentials=True
    ),
    "connect error then challenge": Case(
        [REFUSED, CHALLENGE, OK], "ppp", "nny", ok=True, credentials=True
    ),
    "retry budget is shared with the challenge": Case(
        [REFUSED, CHALLENGE, REFUSED], "ppp", "nny", ok=False, credentials=True
    ),
    "401 without challenge goes to fallback": Case(
        [BARE_401, OK], "pf", "nn", ok=True, fallback=True, credentials=True
    ),
    "challenge without credentials fails": Case([CHALLENGE], "p", "n", ok=False),
    "challenge on the fallback": Case(
        [SERVER_ERROR, CHALLENGE, OK], "pff", "nny", ok=True, fallback=True, credentials=True
    ),
    "preemptive sends credentials at once": Case(
        [OK], "p", "y", ok=True, credentials=True, auth="preemptive"
    ),
    "preemptive 401 is a rejection": Case(
        [CHALLENGE, OK], "pf", "yy", True, fallback=True, credentials=True, auth="preemptive"
    ),
    "preemptive without credentials sends none": Case([OK], "p", "n", True, auth="preemptive"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_policy_algorithm_table(case: Case) -> None:
    """Each outcome sequence yields the attempts and the verdict of spec §3.3/§3.4."""
    request = make_request(case.fallback, case.credentials, case.auth)
    attempts, result = drive(request, case.outcomes)
    assert "".join(a.role[0] for a in attempts) == case.roles
    assert "".join("y" if a.authorization else "n" for a in attempts) == case.auth_sent
    assert result.ok is case.ok
    assert [a.number for a in attempts] == list(range(1, len(attempts) + 1))
    assert [r.attempt for r in result.attempts] == [a.number for a in attempts]
    if case.ok:
        assert result.answered_url == (
            PRIMARY_URL if attempts[-1].role == "primary" else FALLBACK_URL
        )
        assert result.error_message is None
    else:
        assert result.answered_url is None
        assert result.error_message is not None
        assert result.body == b""


def test_policy_success_result_carries_the_response() -> None:
    """A 2xx result hands the body, status and content type to the engine."""
    _, result = drive(make_request(), [OK])
    assert (result.status, result.body, result.content_type) == (200, BXML, OK.content_type)
    assert not result.empty_body


def test_policy_post_attempt_carries_body_exactly() -> None:
    """POST sends the caller's JSON bytes untouched, and no query."""
    request = make_request(query=(("callId", "c-1"),))
    attempt = Delivery(request).next_attempt()
    assert attempt is not None
    assert (attempt.method, attempt.url, attempt.body) == ("POST", PRIMARY_URL, BODY)
    assert attempt.timeout_s == DEFAULT_CALLBACK_TIMEOUT_S == 15


def test_policy_get_attempt_carries_query_exactly() -> None:
    """GET sends the query pairs (order, repeats, `+`, spaces, unicode kept) and no body."""
    pairs = (("to", "+15551234567"), ("tag", "a b&c=d/é"), ("tag", ""), ("x", "1"))
    request = make_request(primary_method="GET", primary_url=PRIMARY_URL + "?app=7", query=pairs)
    attempt = Delivery(request).next_attempt()
    assert attempt is not None
    assert attempt.body is None
    parts = urlsplit(attempt.url)
    assert parts.path == "/answer"
    assert parse_qsl(parts.query, keep_blank_values=True) == [("app", "7"), *pairs]


def test_policy_fallback_uses_its_own_method() -> None:
    """A GET fallback of a POST primary sends the query, not the body."""
    request = make_request(fallback=True, fallback_method="GET", query=(("callId", "c-1"),))
    attempts, result = drive(request, [SERVER_ERROR, OK])
    assert (attempts[1].method, attempts[1].body) == ("GET", None)
    assert attempts[1].url == FALLBACK_URL + "?callId=c-1"
    assert result.attempts[0].request_body == BODY.decode()
    assert result.attempts[1].request_body == "callId=c-1"


def test_policy_authorization_is_rfc7617_basic() -> None:
    """The header is `Basic base64(user:password)`, as in RFC 7617's example."""
    request = WebhookRequest(
        "answer", BODY, (), Target(PRIMARY_URL, "POST", "Aladdin", "open sesame"), auth="preemptive"
    )
    attempt = Delivery(request).next_attempt()
    assert attempt is not None
    assert attempt.authorization == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="


def test_policy_credentials_from_url_are_sent_but_never_recorded() -> None:
    """`https://user:pass@host` credentials go in the header only; records show them masked."""
    request = make_request(primary_url="https://user:p%40ss@example.com/answer", fallback=True)
    attempts, result = drive(request, [CHALLENGE, BARE_401, REFUSED, REFUSED])
    assert attempts[0].url == PRIMARY_URL
    token = attempts[1].authorization
    assert token is not None
    assert base64.b64decode(token.removeprefix("Basic ")) == b"user:p@ss"
    assert result.attempts[0].url == "https://user:***@example.com/answer"
    recorded = repr(result.attempts) + str(result.error_message)
    assert "p%40ss" not in recorded
    assert "p@ss" not in recorded


def test_policy_records_every_attempt() -> None:
    """Each attempt row has the event, masked URL, target, auth flag, status, timing and bodies."""
    first = ResponseReceived(401, b"who?", "text/plain", ('Basic realm="a"',), duration_ms=3.5)
    second = ResponseReceived(200, BXML, "application/xml", duration_ms=4.25)
    _, result = drive(make_request(credentials=True), [first, second])
    one, two = result.attempts
    assert (one.event_type, one.url, one.method, one.target) == (
        "answer",
        PRIMARY_URL,
        "POST",
        "primary",
    )
    assert (one.status, one.duration_ms, one.authorization_sent) == (401, 3.5, False)
    assert (one.request_body, one.response_body, one.error) == (BODY.decode(), "who?", None)
    assert one.note is not None
    assert "resending with credentials" in one.note
    assert (two.status, two.duration_ms, two.authorization_sent) == (200, 4.25, True)
    assert two.response_body == BXML.decode()


def test_policy_records_transport_errors() -> None:
    """A connect error row has no status, the error class, and a note naming the retry."""
    failed = RequestFailed("connect-error", "connection refused", duration_ms=1.0)
    _, result = drive(make_request(), [failed, TIMEOUT])
    assert [(r.status, r.error) for r in result.attempts] == [
        (None, "connect-error"),
        (None, "timeout"),
    ]
    assert result.attempts[0].note == "connection refused; retrying the same URL once"
    assert result.attempts[1].note == "no response within 15 s"
    assert result.status is None


def test_policy_unchallenged_401_explains_itself() -> None:
    """A 401 without a Basic challenge says why credentials were not sent and what to do."""
    _, result = drive(make_request(credentials=True), [BARE_401])
    note = result.attempts[0].note
    assert note is not None
    assert note.startswith(
        "401 without a WWW-Authenticate: Basic challenge; credentials were not sent."
    )
    assert "pre-emptive" in note
    assert result.status == 401
    assert result.error_message == (
        f"Callback to {PRIMARY_URL} failed: HTTP 401 without a WWW-Authenticate: Basic challenge"
    )


@pytest.mark.parametrize(
    ("outcomes", "message"),
    [
        (
            [SERVER_ERROR, REFUSED, REFUSED],
            f"Callback to {PRIMARY_URL} failed: HTTP 500"
            f" (fallback {FALLBACK_URL}: connection refused, retried once)",
        ),
        (
            [TIMEOUT, NOT_FOUND],
            f"Callback to {PRIMARY_URL} failed: no response within 15 s"
            f" (fallback {FALLBACK_URL}: HTTP 404)",
        ),
        (
            [TLS_ERROR, MOVED],
            f"Callback to {PRIMARY_URL} failed: TLS error: certificate verify"
            f" failed (fallback {FALLBACK_URL}: HTTP 302)",
        ),
    ],
)
def test_policy_error_message_names_urls_and_causes(outcomes: list[Outcome], message: str) -> None:
    """The `disconnect` errorMessage names each URL tried and why it failed."""
    _, result = drive(make_request(fallback=True), outcomes)
    assert result.error_message == message


def test_policy_empty_sync_body_is_reported() -> None:
    """An empty 2xx on a sync webhook is a success flagged as an empty `<Response/>` (§9)."""
    _, result = drive(make_request(sync=True), [ResponseReceived(200, b"  \n")])
    assert result.ok
    assert result.empty_body
    assert result.attempts[0].note == "empty body: runs as an empty <Response/>"
    _, async_result = drive(make_request(sync=False), [NO_CONTENT])
    assert async_result.attempts[0].note is None


def test_policy_truncates_recorded_response_body() -> None:
    """Recorded bodies stop at the documented limit; the result keeps the whole body."""
    big = b"x" * (RECORDED_BODY_LIMIT_BYTES + 10)
    _, result = drive(make_request(), [ResponseReceived(200, big)])
    recorded = result.attempts[0].response_body
    assert recorded.startswith("x" * RECORDED_BODY_LIMIT_BYTES)
    assert f"[truncated: {len(big)} bytes" in recorded
    assert "x" * (RECORDED_BODY_LIMIT_BYTES + 1) not in recorded
    assert result.body == big


def test_policy_record_after_the_end_is_refused() -> None:
    """Feeding an outcome to a finished delivery is a caller bug."""
    delivery = Delivery(make_request())
    delivery.record(OK)
    with pytest.raises(DeliveryStateError, match="no attempt is pending"):
        delivery.record(OK)


def test_policy_result_before_the_end_is_refused() -> None:
    """Asking for the result while an attempt is pending is a caller bug."""
    with pytest.raises(DeliveryStateError, match="attempt 1 is still pending"):
        Delivery(make_request()).result()


@pytest.mark.parametrize("seconds", [MIN_CALLBACK_TIMEOUT_S, 15, 7.5, MAX_CALLBACK_TIMEOUT_S])
def test_policy_timeout_within_bounds_is_accepted(seconds: float) -> None:
    """callbackTimeout from 1 to 25 s (decimals allowed) is accepted (§3.2)."""
    request = WebhookRequest("answer", BODY, (), Target(PRIMARY_URL), timeout_s=seconds)
    attempt = Delivery(request).next_attempt()
    assert attempt is not None
    assert attempt.timeout_s == seconds


@pytest.mark.parametrize("seconds", [0.5, 25.01, 0, -1, math.nan, math.inf])
def test_policy_timeout_out_of_bounds_is_rejected(seconds: float) -> None:
    """A callbackTimeout outside 1-25 s is refused with the URL and value."""
    with pytest.raises(WebhookTargetError, match=r"must be 1 to 25 seconds") as caught:
        WebhookRequest("answer", BODY, (), Target(PRIMARY_URL), timeout_s=seconds)
    assert PRIMARY_URL in str(caught.value)


def test_policy_unknown_auth_mode_is_rejected() -> None:
    """Only `challenge` and `preemptive` are auth modes."""
    with pytest.raises(WebhookTargetError, match="auth mode"):
        WebhookRequest("answer", BODY, (), Target(PRIMARY_URL), auth="digest")  # type: ignore[arg-type]


OUTCOME_CHOICES = [OK, NO_CONTENT, SERVER_ERROR, MOVED, CHALLENGE, BARE_401, REFUSED, TIMEOUT]


@settings(max_examples=150, deadline=None)
@given(
    fallback=st.booleans(),
    credentials=st.booleans(),
    auth=st.sampled_from(["challenge", "preemptive"]),
    outcomes=st.lists(st.sampled_from(OUTCOME_CHOICES), min_size=6, max_size=6),
)
def test_policy_invariants_hold_for_any_outcomes(
    fallback: bool, credentials: bool, auth: AuthMode, outcomes: list[Outcome]
) -> None:
    """Any outcome sequence ends within 3 attempts per target, in order, with honest records."""
    delivery = Delivery(make_request(fallback, credentials, auth))
    fed: list[tuple[Attempt, Outcome]] = []
    for outcome in outcomes:
        attempt = delivery.next_attempt()
        if attempt is None:
            break
        fed.append((attempt, outcome))
        delivery.record(outcome)
    assert delivery.next_attempt() is None
    result = delivery.result()
    roles = [attempt.role for attempt, _ in fed]
    assert roles == sorted(roles, key=["primary", "fallback"].index)
    assert max(roles.count("primary"), roles.count("fallback")) <= 3
    assert len(result.attempts) == len(fed)
    if not credentials:
        assert all(attempt.authorization is None for attempt, _ in fed)
    for role in ("primary", "fallback"):
        sent = [attempt.authorization is not None for attempt, _ in fed if attempt.role == role]
        assert sent == sorted(sent), "credentials, once sent, keep being sent"
        errors = [o for a, o in fed if a.role == role and isinstance(o, RequestFailed)]
        assert len([o for o in errors if o.error == "connect-error"]) <= 2
    last = fed[-1][1]
    succeeded = isinstance(last, ResponseReceived) and 200 <= last.status < 300
    assert result.ok is succeeded
