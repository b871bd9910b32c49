"""Facts: what has happened, fed to `Engine.handle`. Every fact carries the time `at` (seconds).

Requests from the REST and control APIs are facts too ("the client asked to redirect"); the
engine raises a `CallStateError` when one does not fit the call, which the API turns into 409.

Facts and actions are frozen msgspec Structs, not frozen dataclasses: a whole call makes about
fifteen of them, and a frozen dataclass sets each field through `object.__setattr__` (1.6 µs
for twelve fields, against 0.3 µs for a Struct).
"""

from __future__ import annotations

from typing import Literal

import msgspec

from ringback.engine.pacing import CallLimits
from ringback.engine.requests import Callback, InboundCallRequest, OutboundCallRequest
from ringback.engine.v1.requests import Command as V1Command
from ringback.phones.script import Step


class OutboundCallPlaced(msgspec.Struct, frozen=True):
    """POST /calls was accepted; the engine queues and dials the call."""

    at: float
    call_id: str
    request: OutboundCallRequest


class InboundCallArrived(msgspec.Struct, frozen=True):
    """A call arrived for an application; the engine sends `initiate`."""

    at: float
    call_id: str
    request: InboundCallRequest


class CallLimitsChanged(msgspec.Struct, frozen=True):
    """The account's outbound limits were changed (control API); queued calls may start now."""

    at: float
    limits: CallLimits


class CallUpdateRequested(msgspec.Struct, frozen=True):
    """POST /calls/{id}: redirect (`state` active), hang up (`completed`), and/or set the tag."""

    at: float
    call_id: str
    state: str = "active"
    redirect: Callback | None = None
    tag: str | None = None
    set_tag: bool = False
    # Who ended it, for the timeline: Ringback itself hangs up calls a command gave up on.
    by: str = "through the API"


class CallBxmlReplaced(msgspec.Struct, frozen=True):
    """PUT /calls/{id}/bxml: a new document interrupts the running one (already validated)."""

    at: float
    call_id: str
    bxml: str


class ConferenceUpdateRequested(msgspec.Struct, frozen=True):
    """POST /conferences/{id}: end it (`completed`) or, when `active`, redirect it."""

    at: float
    conference_id: str
    status: str = "active"
    redirect: Callback | None = None


class ConferenceBxmlReplaced(msgspec.Struct, frozen=True):
    """PUT /conferences/{id}/bxml: conference BXML to queue for every member to hear."""

    at: float
    conference_id: str
    bxml: str


class ConferenceMemberUpdateRequested(msgspec.Struct, frozen=True):
    """PUT /conferences/{id}/members/{callId}: None leaves a setting unchanged."""

    at: float
    conference_id: str
    call_id: str
    mute: bool | None = None
    hold: bool | None = None
    call_ids_to_coach: tuple[str, ...] | None = None


class PhoneStepsAdded(msgspec.Struct, frozen=True):
    """The control API gave the far end steps to do now, alongside its script."""

    at: float
    call_id: str
    steps: tuple[Step, ...]


class RecordingStateRequested(msgspec.Struct, frozen=True):
    """PUT /calls/{id}/recording: pause or resume the call's `<StartRecording>` recording."""

    at: float
    call_id: str
    state: Literal["paused", "recording"]


class V1CommandRequested(msgspec.Struct, frozen=True):
    """A v1 REST request (place, update, audio, gather, ...): `ringback.engine.v1.commands`."""

    at: float
    command: V1Command


class TimerFired(msgspec.Struct, frozen=True):
    """A timer the engine started has come due."""

    at: float
    timer_id: int


class CallFailed(msgspec.Struct, frozen=True):
    """Ringback itself failed while running the call (a handler raised): it ends with `error`."""

    at: float
    call_id: str
    message: str


class WebhookAnswered(msgspec.Struct, frozen=True):
    """A sync webhook got a usable answer; `url` is the URL that gave it (primary or fallback)."""

    at: float
    request_id: int
    body: str
    url: str


class WebhookFailed(msgspec.Struct, frozen=True):
    """A sync webhook failed for good (after retries and fallback); `message` says why."""

    at: float
    request_id: int
    message: str


class MediaMeasured(msgspec.Struct, frozen=True):
    """Audio for `<PlayAudio>` was fetched and is `duration_s` long."""

    at: float
    request_id: int
    duration_s: float


class MediaFailed(msgspec.Struct, frozen=True):
    """Audio for `<PlayAudio>` could not be fetched or is not WAV/MP3."""

    at: float
    request_id: int
    message: str


class SocketOpened(msgspec.Struct, frozen=True):
    """A WebSocket the engine asked for is open and its `start` message sent."""

    at: float
    socket_id: str


class SocketFailed(msgspec.Struct, frozen=True):
    """A WebSocket could not be opened (refused, timed out, not a 101); `message` says why."""

    at: float
    socket_id: str
    message: str


class SocketClosed(msgspec.Struct, frozen=True):
    """The far side closed a WebSocket or it dropped: cause closed, connection-error or error."""

    at: float
    socket_id: str
    cause: str
    message: str | None = None


class StreamAudioReceived(msgspec.Struct, frozen=True):
    """A bidirectional stream's app sent audio to play (`playAudio`), as 8 kHz 16-bit samples."""

    at: float
    socket_id: str
    audio: bytes


class StreamAudioCleared(msgspec.Struct, frozen=True):
    """A bidirectional stream's app sent `clear`: drop the audio it queued."""

    at: float
    socket_id: str


Fact = (
    OutboundCallPlaced
    | InboundCallArrived
    | CallLimitsChanged
    | CallUpdateRequested
    | CallBxmlReplaced
    | ConferenceUpdateRequested
    | ConferenceBxmlReplaced
    | ConferenceMemberUpdateRequested
    | PhoneStepsAdded
    | RecordingStateRequested
    | V1CommandRequested
    | TimerFired
    | CallFailed
    | WebhookAnswered
    | WebhookFailed
    | MediaMeasured
    | MediaFailed
    | SocketOpened
    | SocketFailed
    | SocketClosed
    | StreamAudioReceived
    | StreamAudioCleared
)
