"""Facts: what has happened, fed to `Engine.handle`. Every fact carries the time `at` (seconds).

Requests from the REST and control APIs are facts too ("the client asked to redirect"); the
engine raises a `CallStateError` when one does not fit the call, which the API turns into 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ringback.engine.pacing import CallLimits
from ringback.engine.requests import Callback, InboundCallRequest, OutboundCallRequest
from ringback.engine.v1.requests import Command as V1Command
from ringback.phones.script import Step


@dataclass(frozen=True, slots=True)
class OutboundCallPlaced:
    """POST /calls was accepted; the engine queues and dials the call."""

    at: float
    call_id: str
    request: OutboundCallRequest


@dataclass(frozen=True, slots=True)
class InboundCallArrived:
    """A call arrived for an application; the engine sends `initiate`."""

    at: float
    call_id: str
    request: InboundCallRequest


@dataclass(frozen=True, slots=True)
class CallLimitsChanged:
    """The account's outbound limits were changed (control API); queued calls may start now."""

    at: float
    limits: CallLimits


@dataclass(frozen=True, slots=True)
class CallUpdateRequested:
    """POST /calls/{id}: redirect (`state` active), hang up (`completed`), and/or set the tag."""

    at: float
    call_id: str
    state: str = "active"
    redirect: Callback | None = None
    tag: str | None = None
    set_tag: bool = False
    # Who ended it, for the timeline: Ringback itself hangs up calls a command gave up on.
    by: str = "through the API"


@dataclass(frozen=True, slots=True)
class CallBxmlReplaced:
    """PUT /calls/{id}/bxml: a new document interrupts the running one (already validated)."""

    at: float
    call_id: str
    bxml: str


@dataclass(frozen=True, slots=True)
class ConferenceUpdateRequested:
    """POST /conferences/{id}: end it (`completed`) or, when `active`, redirect it."""

    at: float
    conference_id: str
    status: str = "active"
    redirect: Callback | None = None


@dataclass(frozen=True, slots=True)
class ConferenceBxmlReplaced:
    """PUT /conferences/{id}/bxml: conference BXML to queue for every member to hear."""

    at: float
    conference_id: str
    bxml: str


@dataclass(frozen=True, slots=True)
class ConferenceMemberUpdateRequested:
    """PUT /conferences/{id}/members/{callId}: None leaves a setting unchanged."""

    at: float
    conference_id: str
    call_id: str
    mute: bool | None = None
    hold: bool | None = None
    call_ids_to_coach: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class PhoneStepsAdded:
    """The control API gave the far end steps to do now, alongside its script."""

    at: float
    call_id: str
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class RecordingStateRequested:
    """PUT /calls/{id}/recording: pause or resume the call's `<StartRecording>` recording."""

    at: float
    call_id: str
    state: Literal["paused", "recording"]


@dataclass(frozen=True, slots=True)
class V1CommandRequested:
    """A v1 REST request (place, update, audio, gather, ...): `ringback.engine.v1.commands`."""

    at: float
    command: V1Command


@dataclass(frozen=True, slots=True)
class TimerFired:
    """A timer the engine started has come due."""

    at: float
    timer_id: int


@dataclass(frozen=True, slots=True)
class WebhookAnswered:
    """A sync webhook got a usable answer; `url` is the URL that gave it (primary or fallback)."""

    at: float
    request_id: int
    body: str
    url: str


@dataclass(frozen=True, slots=True)
class WebhookFailed:
    """A sync webhook failed for good (after retries and fallback); `message` says why."""

    at: float
    request_id: int
    message: str


@dataclass(frozen=True, slots=True)
class MediaMeasured:
    """Audio for `<PlayAudio>` was fetched and is `duration_s` long."""

    at: float
    request_id: int
    duration_s: float


@dataclass(frozen=True, slots=True)
class MediaFailed:
    """Audio for `<PlayAudio>` could not be fetched or is not WAV/MP3."""

    at: float
    request_id: int
    message: str


@dataclass(frozen=True, slots=True)
class SocketOpened:
    """A WebSocket the engine asked for is open and its `start` message sent."""

    at: float
    socket_id: str


@dataclass(frozen=True, slots=True)
class SocketFailed:
    """A WebSocket could not be opened (refused, timed out, not a 101); `message` says why."""

    at: float
    socket_id: str
    message: str


@dataclass(frozen=True, slots=True)
class SocketClosed:
    """The far side closed a WebSocket or it dropped: cause closed, connection-error or error."""

    at: float
    socket_id: str
    cause: str
    message: str | None = None


@dataclass(frozen=True, slots=True)
class StreamAudioReceived:
    """A bidirectional stream's app sent audio to play (`playAudio`), as 8 kHz 16-bit samples."""

    at: float
    socket_id: str
    audio: bytes


@dataclass(frozen=True, slots=True)
class StreamAudioCleared:
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
