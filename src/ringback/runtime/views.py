"""How the runtime shows and stores things: the REST CallState of a call, and settings as JSON."""

from __future__ import annotations

from typing import Any

from ringback.engine.call import Call
from ringback.engine.requests import Application, Callback
from ringback.events import timestamp_from_epoch


def call_state(call: Call) -> dict[str, Any]:
    """A call as GET /calls/{id} shows it (spec §5.4): every field, nulls explicit."""
    return {
        "applicationId": call.application_id,
        "accountId": call.account_id,
        "callId": call.call_id,
        "parentCallId": call.parent_call_id,
        # A Transfer B-leg keeps the A-leg's from/to for its webhooks (spec §4.6), but the call
        # placed is from its transferCallerId to its transfer target: that is its own state.
        "to": call.transfer_to or call.to,
        "from": call.transfer_caller_id or call.from_,
        "direction": call.direction.value,
        "state": call.state.value,
        "enqueuedTime": _time(call.enqueued_time),
        "startTime": _time(call.start_time),
        "answerTime": _time(call.answer_time),
        "endTime": _time(call.end_time),
        "disconnectCause": call.cause,
        "errorMessage": call.error_message,
        "errorId": call.error_id,
        "lastUpdate": _time(call.last_update),
    }


def _time(at: float | None) -> str | None:
    return None if at is None else timestamp_from_epoch(at)


def callback_to_wire(callback: Callback | None) -> dict[str, Any] | None:
    """A Callback as stored JSON."""
    if callback is None:
        return None
    return {
        "url": callback.url,
        "method": callback.method,
        "username": callback.username,
        "password": callback.password,
        "fallbackUrl": callback.fallback_url,
        "fallbackMethod": callback.fallback_method,
        "fallbackUsername": callback.fallback_username,
        "fallbackPassword": callback.fallback_password,
    }


def callback_from_wire(data: dict[str, Any] | None) -> Callback | None:
    """The inverse of callback_to_wire."""
    if data is None:
        return None
    return Callback(
        url=data["url"],
        method=data["method"],
        username=data["username"],
        password=data["password"],
        fallback_url=data["fallbackUrl"],
        fallback_method=data["fallbackMethod"],
        fallback_username=data["fallbackUsername"],
        fallback_password=data["fallbackPassword"],
    )


def application_to_wire(app: Application) -> dict[str, Any]:
    """An application as stored JSON."""
    return {
        "applicationId": app.application_id,
        "callInitiated": callback_to_wire(app.call_initiated),
        "callStatus": callback_to_wire(app.call_status),
        "callbackTimeout": app.callback_timeout_s,
    }


def application_from_wire(data: dict[str, Any]) -> Application:
    """The inverse of application_to_wire."""
    initiated = callback_from_wire(data["callInitiated"])
    assert initiated is not None
    return Application(
        application_id=data["applicationId"],
        call_initiated=initiated,
        call_status=callback_from_wire(data["callStatus"]),
        callback_timeout_s=data["callbackTimeout"],
    )
