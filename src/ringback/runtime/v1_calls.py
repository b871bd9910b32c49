"""The runtime's part of v1 calls: routing inbound calls by v1 application, dropped callbacks.

An inbound call to a v1 number goes to its application's `incomingCallUrl` (method, fallback,
timeout in milliseconds); a number with no application, or an application with no call URL,
is a user error (v1 §2.10) and no call. A v1 callback that fails at its URL and its fallback is
dropped: a `callback-failed` user error and a timeline entry record it (v1 §4.3); if it was the
`incomingcall`, the call is hung up (the phone number's `fallbackNumber` is not dialed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ringback.delivery.policy import mask_url
from ringback.engine.actions import SendWebhook
from ringback.engine.requests import Callback
from ringback.engine.v1 import requests as v1r
from ringback.errors import UnknownApplicationError
from ringback.events import timestamp_from_epoch
from ringback.events_v1 import IncomingCall, V1Event, v1_timestamp
from ringback.phones.script import SILENT_PHONE, PhoneScript

if TYPE_CHECKING:
    from ringback.runtime.platform import Platform

MS_PER_S = 1000
DEFAULT_TIMEOUT_MS = 10_000


def now_v1(platform: Platform) -> str:
    """The platform's clock as a v1 timestamp."""
    return v1_timestamp(timestamp_from_epoch(platform.now()))


def inbound_call(
    platform: Platform,
    from_: str,
    to: str,
    application_id: str | None,
    phone: PhoneScript | None,
) -> str:
    """Place a call from `from_` to the v1 number `to`; UnknownApplicationError if unroutable."""
    account = platform.v1
    app = account.applications.get(application_id or "") or account.application_for(to)
    if app is None:
        message = f"No application is configured for number {to}"
        account.record_error(
            now_v1(platform), "unavailable", "no-application-for-number", message, [("number", to)]
        )
        raise UnknownApplicationError(message)
    if not app.get("incomingCallUrl"):
        message = (
            f'Application {app["id"]} ("{app["name"]}") for number {to} does not specify a URL'
            " for call events"
        )
        details = [("applicationId", app["id"]), ("number", to)]
        account.record_error(
            now_v1(platform), "unavailable", "no-callback-for-call", message, details
        )
        raise UnknownApplicationError(message)
    method = str(app.get("callbackHttpMethod", "post")).upper()
    callback = Callback(
        url=app["incomingCallUrl"],
        method=method,
        fallback_url=app.get("incomingCallFallbackUrl"),
        fallback_method=method,
    )
    timeout_ms = app.get("incomingCallUrlCallbackTimeout") or DEFAULT_TIMEOUT_MS
    call_id = platform.engine.ids.v1("c")
    command = v1r.ReceiveCall(
        call_id=call_id,
        from_=from_,
        to=to,
        application_id=app["id"],
        events=v1r.Events(callback, timeout_ms / MS_PER_S),
        auto_answer=bool(app.get("autoAnswer", True)),
        caller=phone or SILENT_PHONE,
    )
    platform.v1_command(command)
    return call_id


def callback_failed(platform: Platform, action: SendWebhook, message: str) -> None:
    """A v1 event could not be delivered: record it; an unannounced inbound call ends."""
    event = action.event
    assert isinstance(event, V1Event)
    details = [("eventType", event.event_type), ("url", mask_url(action.callback.url))]
    if action.call_id is not None:
        details.insert(0, ("callId", action.call_id))
    if action.conference_id is not None:
        details.insert(0, ("conferenceId", action.conference_id))
    dropped = f"The {event.event_type} event was dropped: {message}"
    error = platform.v1.record_error(
        now_v1(platform), "unavailable", "callback-failed", dropped, details
    )
    owner = action.call_id or action.conference_id or "account"
    platform.note(owner, platform.now(), "webhook", dropped, {"userErrorId": error["id"]})
    if isinstance(event, IncomingCall) and action.call_id is not None:
        call = platform.engine.calls.get(action.call_id)
        if call is not None and not call.ended:
            platform.v1_command(v1r.UpdateCall(action.call_id, state="completed"))
