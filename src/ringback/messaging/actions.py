"""What the messaging core asks its runtime to do (beside the engine's StartTimer, CancelTimer and
AppendTimeline, which it reuses), and the facts the runtime feeds back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ringback.engine.actions import AppendTimeline, CancelTimer, StartTimer
from ringback.engine.requests import Callback
from ringback.messaging.model import Message


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One callback to deliver, in its wire form (built by `v2` or `v1`)."""

    event_type: str
    body: bytes
    target: Callback
    timeout_s: float
    query: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SendCallback:
    """Deliver one message callback (every attempt goes on the message's timeline); answer with
    `CallbackDone`. `query` holds the GET form (v1 `callbackHttpMethod: GET`)."""

    delivery_id: int
    message_id: str
    event_type: str
    body: bytes
    target: Callback
    timeout_s: float
    query: Sequence[tuple[str, str]] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class SaveMessage:
    """Write the message's current state to the store."""

    message: Message


@dataclass(frozen=True, slots=True)
class StoreMedia:
    """Put a file into the account's media store (an inbound MMS's parts)."""

    media_id: str
    content: bytes
    content_type: str


@dataclass(frozen=True, slots=True)
class CheckMedia:
    """Fetch a message's media at external URLs (Bandwidth does, to send an MMS): answer with
    `MessagingCore.media_checked`, naming the first URL that could not be used, if any."""

    message_id: str
    urls: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CallbackDone:
    """A `SendCallback` delivery is over: `ok` when the app answered 2xx."""

    at: float
    delivery_id: int
    ok: bool


MessagingAction = (
    SendCallback | SaveMessage | StoreMedia | CheckMedia | StartTimer | CancelTimer | AppendTimeline
)
