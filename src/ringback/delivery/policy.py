"""Webhook delivery policy: which request to send next, and what each answer means (spec §3).

How this works. A `Delivery` is a small state machine in the manner of h11: it performs no I/O
and reads no clock. The sender asks `next_attempt()` for the request to make, performs it, and
feeds back what happened with `record(outcome)`; when `next_attempt()` returns None the delivery
is over and `result()` says how it went. The whole algorithm is this table, applied to the
primary target and then, if the primary failed, to the fallback:

    outcome of an attempt                          verdict
    ---------------------------------------------  ----------------------------------------
    2xx                                            SUCCESS: this response is the answer
    401 + `WWW-Authenticate: Basic`, credentials   RESEND the same request with credentials
        configured and not yet sent                (its own attempt, not a failure)
    connect-error (refused, DNS, reset before any  RETRY the same target, once per target
        response), retry not yet used
    anything else (timeout, other error, 3xx,      FAILED: move to the fallback if there is
        4xx, 5xx, or connect-error already retried)  one, else the delivery fails

What differs between the platform's generations is data, the `DeliveryRules` of the
`WebhookRequest` (`ringback.delivery.request`); the table above is the same for both.

Credentials written into a URL (`https://user:pass@host/path`) are split out of it: they are sent
only in the Authorization header, and every URL this module records goes through `mask_url`.
Durations are measured by the sender and arrive inside the outcomes. Attempts, outcomes and
records are frozen msgspec Structs: five of them per webhook, each built a fifth as slowly as a
frozen dataclass.
"""

from __future__ import annotations

import enum
from typing import Literal, TypeAlias
from urllib.parse import urlencode

import msgspec

from ringback.delivery.faults import DROPPED_RESPONSE
from ringback.delivery.request import (
    CONNECT_ERROR_RETRIES,
    DEFAULT_CALLBACK_TIMEOUT_S,
    JSON_CONTENT_TYPE,
    MAX_CALLBACK_TIMEOUT_S,
    MIN_CALLBACK_TIMEOUT_S,
    V1_RULES,
    V2_RULES,
    AuthMode,
    DeliveryRules,
    WebhookRequest,
)
from ringback.delivery.target import (
    Method,
    Target,
    basic_authorization,
    offers_basic_auth,
    resolve_url,
)
from ringback.errors import DeliveryStateError
from ringback.masking import mask_text, mask_url

__all__ = [
    "CONNECT_ERROR_RETRIES",
    "DEFAULT_CALLBACK_TIMEOUT_S",
    "MAX_CALLBACK_TIMEOUT_S",
    "MIN_CALLBACK_TIMEOUT_S",
    "RECORDED_BODY_LIMIT_BYTES",
    "V1_RULES",
    "V2_RULES",
    "Attempt",
    "AttemptRecord",
    "AuthMode",
    "Delivery",
    "DeliveryResult",
    "DeliveryRules",
    "ErrorClass",
    "Method",
    "Outcome",
    "RequestFailed",
    "ResponseReceived",
    "Target",
    "TargetRole",
    "WebhookRequest",
    "basic_authorization",
    "mask_url",
    "offers_basic_auth",
    "resolve_url",
]

TargetRole: TypeAlias = Literal["primary", "fallback"]
ErrorClass: TypeAlias = Literal["connect-error", "timeout", "other"]

# Response bodies are kept whole in the result (the BXML parser enforces its own 64 KB limit)
# but recorded on the timeline only up to this size, so one runaway page cannot bloat the store.
RECORDED_BODY_LIMIT_BYTES = 64 * 1024

UNCHALLENGED_401_NOTE = (
    "401 without a WWW-Authenticate: Basic challenge; credentials were not sent. "
    'Use pre-emptive auth, or have the server answer 401 with WWW-Authenticate: Basic realm="..."'
)
REJECTED_CREDENTIALS_NOTE = "401 although credentials were sent: the server rejected them"
NO_CREDENTIALS_NOTE = "401, and no username/password is configured for this URL"
CHALLENGE_NOTE = "401 with a WWW-Authenticate: Basic challenge; resending with credentials"
REDIRECT_NOTE = "redirects are not followed: point the callback at the final URL"
EMPTY_SYNC_BODY_NOTE = "empty body: runs as an empty <Response/>"


class Attempt(msgspec.Struct, frozen=True):
    """One HTTP request to make now. GET carries the query in `url`; POST carries `body`."""

    number: int
    role: TargetRole
    method: Method
    url: str
    body: bytes | None
    authorization: str | None
    timeout_s: float
    user_agent: str | None = None
    content_type: str = JSON_CONTENT_TYPE


class ResponseReceived(msgspec.Struct, frozen=True):
    """The target answered with an HTTP status (whatever it was)."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    www_authenticate: tuple[str, ...] = ()
    duration_ms: float = 0.0


class RequestFailed(msgspec.Struct, frozen=True):
    """No usable response: `connect-error` (refused, DNS, reset before a response), `timeout`
    or `other`; `detail` says what happened in words (`connection refused`)."""

    error: ErrorClass
    detail: str
    duration_ms: float = 0.0


Outcome: TypeAlias = ResponseReceived | RequestFailed


class AttemptRecord(msgspec.Struct, frozen=True):
    """What the timeline keeps of one attempt. No credential ever appears in it."""

    event_type: str
    url: str
    method: Method
    attempt: int
    target: TargetRole
    authorization_sent: bool
    status: int | None
    duration_ms: float
    request_body: str
    response_body: str
    error: ErrorClass | None
    note: str | None


class DeliveryResult(msgspec.Struct, frozen=True):
    """How a delivery ended. `answered_url` is the URL (as configured, so possibly with
    credentials: record it only through `mask_url`) whose BXML relative URLs resolve against."""

    ok: bool
    status: int | None
    body: bytes
    content_type: str | None
    answered_url: str | None
    attempts: tuple[AttemptRecord, ...]
    error_message: str | None

    @property
    def empty_body(self) -> bool:
        """A success whose body is blank: on a sync webhook, an empty `<Response/>` (spec §9)."""
        return self.ok and not self.body.strip()


class _Verdict(enum.Enum):
    SUCCESS = "success"
    RESEND_WITH_CREDENTIALS = "resend-with-credentials"
    RETRY = "retry"
    FAILED = "failed"


class Delivery:
    """The delivery of one webhook, driven by `next_attempt()` and `record(outcome)`."""

    def __init__(self, request: WebhookRequest) -> None:
        self.request = request
        self._targets: list[tuple[TargetRole, Target]] = [("primary", request.primary)]
        if request.fallback is not None:
            self._targets.append(("fallback", request.fallback))
        self._target_index = 0
        self._connect_retries_left = request.rules.connect_retries
        self._records: list[AttemptRecord] = []
        self._failures: list[tuple[str, str]] = []
        self._result: DeliveryResult | None = None
        self._request_text = request.body.decode("utf-8", "replace")
        self._query_string = urlencode(request.query) if request.query else ""
        self._pending: Attempt | None = self._start_target()

    def next_attempt(self) -> Attempt | None:
        """The request to make now, or None when the delivery is over."""
        return self._pending

    def record(self, outcome: Outcome) -> None:
        """Take the outcome of the pending attempt and decide what comes next."""
        attempt = self._pending
        if attempt is None:
            raise DeliveryStateError(
                f"{self.request.event_type} delivery got an outcome but no attempt is pending"
                " (it is over: read result())"
            )
        if self.request.drop_first_response and attempt.number == 1:
            outcome = RequestFailed("connect-error", DROPPED_RESPONSE, outcome.duration_ms)
        target = self._targets[self._target_index][1]
        verdict, note = self._judge(attempt, target, outcome)
        self._records.append(self._record_of(attempt, target, outcome, note))
        if verdict is _Verdict.SUCCESS:
            assert isinstance(outcome, ResponseReceived)
            self._finish(ok=True, outcome=outcome, answered_url=target.url)
        elif verdict is _Verdict.RESEND_WITH_CREDENTIALS:
            self._pending = self._attempt(target, send_credentials=True)
        elif verdict is _Verdict.RETRY:
            self._connect_retries_left -= 1
            self._pending = self._attempt(target, attempt.authorization is not None)
        else:
            self._failures.append(self._describe_failure(target, outcome))
            self._target_index += 1
            if self._target_index < len(self._targets):
                self._pending = self._start_target()
            else:
                self._finish(ok=False, outcome=outcome, answered_url=None)

    @property
    def finished(self) -> bool:
        """Whether the delivery is over (succeeded or failed)."""
        return self._result is not None

    def result(self) -> DeliveryResult:
        """The final result; only once `next_attempt()` has returned None."""
        if self._result is None:
            raise DeliveryStateError(
                f"{self.request.event_type} delivery is not over: attempt"
                f" {len(self._records) + 1} is still pending"
            )
        return self._result

    def _start_target(self) -> Attempt:
        self._connect_retries_left = self.request.rules.connect_retries
        target = self._targets[self._target_index][1]
        preemptive = self.request.auth == "preemptive" or self.request.rules.preemptive_auth
        return self._attempt(target, send_credentials=preemptive)

    def _attempt(self, target: Target, send_credentials: bool) -> Attempt:
        body: bytes | None = self.request.body
        url = target.wire_url
        if target.method == "GET":
            body = None
            if self._query_string:
                url = f"{url}{'&' if '?' in url else '?'}{self._query_string}"
        return Attempt(
            number=len(self._records) + 1,
            role=self._targets[self._target_index][0],
            method=target.method,
            url=url,
            body=body,
            authorization=target.authorization() if send_credentials else None,
            timeout_s=self.request.timeout_s,
            user_agent=self.request.rules.user_agent,
            content_type=self.request.rules.content_type,
        )

    def _judge(
        self, attempt: Attempt, target: Target, outcome: Outcome
    ) -> tuple[_Verdict, str | None]:
        if isinstance(outcome, RequestFailed):
            if outcome.error == "connect-error" and self._connect_retries_left > 0:
                return _Verdict.RETRY, f"{outcome.detail}; retrying the same URL once"
            return _Verdict.FAILED, None
        status = outcome.status
        if 200 <= status < 300:
            if self.request.sync and not outcome.body.strip():
                return _Verdict.SUCCESS, EMPTY_SYNC_BODY_NOTE
            return _Verdict.SUCCESS, None
        if status == 401:
            if not target.has_credentials:
                return _Verdict.FAILED, NO_CREDENTIALS_NOTE
            if attempt.authorization is not None:
                return _Verdict.FAILED, REJECTED_CREDENTIALS_NOTE
            if offers_basic_auth(outcome.www_authenticate):
                return _Verdict.RESEND_WITH_CREDENTIALS, CHALLENGE_NOTE
            return _Verdict.FAILED, UNCHALLENGED_401_NOTE
        if 300 <= status < 400:
            return _Verdict.FAILED, REDIRECT_NOTE
        return _Verdict.FAILED, None

    def _record_of(
        self, attempt: Attempt, target: Target, outcome: Outcome, note: str | None
    ) -> AttemptRecord:
        status: int | None = None
        response_body = ""
        error: ErrorClass | None = None
        if isinstance(outcome, ResponseReceived):
            status = outcome.status
            response_body = _recorded_text(outcome.body)
        else:
            error = outcome.error
            note = note or outcome.detail
        return AttemptRecord(
            event_type=self.request.event_type,
            url=mask_url(target.url),
            method=attempt.method,
            attempt=attempt.number,
            target=attempt.role,
            authorization_sent=attempt.authorization is not None,
            status=status,
            duration_ms=outcome.duration_ms,
            request_body=self._query_string if attempt.body is None else self._request_text,
            response_body=response_body,
            error=error,
            note=note,
        )

    def _describe_failure(self, target: Target, outcome: Outcome) -> tuple[str, str]:
        if isinstance(outcome, ResponseReceived):
            what = f"HTTP {outcome.status}"
            if outcome.status == 401 and not offers_basic_auth(outcome.www_authenticate):
                what += " without a WWW-Authenticate: Basic challenge"
        elif outcome.error == "timeout":
            what = f"no response within {self.request.timeout_s:g} s"
        elif outcome.error == "connect-error":
            what = f"{outcome.detail}, retried once"
        else:
            what = outcome.detail
        return mask_url(target.url), what

    def _finish(self, ok: bool, outcome: Outcome, answered_url: str | None) -> None:
        message = None
        if not ok:
            (url, what), *fallback = self._failures
            message = f"Callback to {url} failed: {what}"
            for fallback_url, fallback_what in fallback:
                message += f" (fallback {fallback_url}: {fallback_what})"
        responded = outcome if isinstance(outcome, ResponseReceived) else None
        self._pending = None
        self._result = DeliveryResult(
            ok=ok,
            status=responded.status if responded else None,
            body=responded.body if ok and responded else b"",
            content_type=responded.content_type if responded else None,
            answered_url=answered_url,
            attempts=tuple(self._records),
            error_message=message,
        )


def _recorded_text(body: bytes) -> str:
    # The app's reply is recorded for people to read: its BXML may carry passwords (PlayAudio's
    # `password`, credentials in a Redirect URL), which are masked before it is kept anywhere.
    if len(body) <= RECORDED_BODY_LIMIT_BYTES:
        return mask_text(body.decode("utf-8", "replace"))
    kept = body[:RECORDED_BODY_LIMIT_BYTES].decode("utf-8", "ignore")
    return (
        f"{mask_text(kept)}\n[truncated: {len(body)} bytes, {RECORDED_BODY_LIMIT_BYTES} recorded]"
    )
