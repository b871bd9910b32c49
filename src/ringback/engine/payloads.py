"""Building webhook events from a call's state: the fields every call event shares (spec §1.3)."""

from __future__ import annotations

from functools import cache
from typing import Any

from ringback.engine.call import Call
from ringback.events import Event, duration_from_seconds, timestamp_from_epoch


def timestamp(at: float) -> str:
    """An event timestamp: ISO-8601 UTC with milliseconds and `Z`."""
    return timestamp_from_epoch(at)


def duration(seconds: float) -> str:
    """An ISO-8601 duration such as `PT20.056S`."""
    return duration_from_seconds(seconds)


@cache
def _field_names(cls: type[Event]) -> frozenset[str]:
    fields: tuple[str, ...] = getattr(cls, "__struct_fields__", ())
    return frozenset(fields)


def call_event(cls: type[Event], call: Call, at: float, **extra: Any) -> Event:
    """An event of type `cls` about `call` at time `at`; `extra` gives the event's own fields.

    Only the shared fields the event's model has are filled, and optional ones only when the call
    has them (an unanswered call's events carry no `answerTime`, a call with no tag no `tag`).
    """
    names = _field_names(cls)
    shared: dict[str, Any] = {
        "event_time": timestamp(at),
        "account_id": call.account_id,
        "application_id": call.application_id,
        "from_": call.from_,
        "to": call.to,
        "direction": call.direction.value,
        "call_id": call.call_id,
        "call_url": call.call_url,
        "enqueued_time": _maybe_timestamp(call.enqueued_time),
        "start_time": _maybe_timestamp(call.start_time),
        "answer_time": _maybe_timestamp(call.answer_time),
        "tag": call.tag,
        "parent_call_id": call.parent_call_id,
        "transfer_caller_id": call.transfer_caller_id,
        "transfer_to": call.transfer_to,
    }
    fields = {name: value for name, value in shared.items() if value is not None and name in names}
    fields.update((name, value) for name, value in extra.items() if value is not None)
    return cls(**fields)


def _maybe_timestamp(at: float | None) -> str | None:
    return None if at is None else timestamp(at)
