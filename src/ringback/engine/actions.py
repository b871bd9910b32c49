"""Actions: what the engine asks its runtime to do, returned by `Engine.handle` in order.

Frozen msgspec Structs, as the facts are (engine/facts.py says why)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from ringback.engine.recordings import Recording
from ringback.engine.requests import Callback
from ringback.events import Event
from ringback.events_v1 import V1Event


class SendWebhook(msgspec.Struct, frozen=True):
    """Deliver `event` to `callback`. For sync ones, answer with WebhookAnswered/WebhookFailed."""

    request_id: int
    call_id: str | None
    event: Event | V1Event
    callback: Callback
    timeout_s: float
    sync: bool
    conference_id: str | None = None


class StartTimer(msgspec.Struct, frozen=True):
    """Feed back TimerFired(timer_id) once the clock reaches `at`."""

    timer_id: int
    at: float


class CancelTimer(msgspec.Struct, frozen=True):
    """Forget a timer: it must not fire."""

    timer_id: int


class FetchMedia(msgspec.Struct, frozen=True):
    """Fetch audio for `<PlayAudio>`; answer with MediaMeasured or MediaFailed."""

    request_id: int
    call_id: str | None  # None for audio played to a conference
    url: str
    username: str | None = None
    password: str | None = None
    conference_id: str | None = None


class SaveRecording(msgspec.Struct, frozen=True):
    """Write a finished recording's audio (and keep its metadata) before it is announced."""

    recording: Recording

    @property
    def call_id(self) -> str | None:
        """The recorded call (None for a conference recording)."""
        return self.recording.call_id


class ConferenceEnded(msgspec.Struct, frozen=True):
    """A conference ended and will not change again: keep `record` (None for a v1 conference or
    bridge, which live in memory only); the engine's object may go once it is not recent."""

    conference_id: str
    kind: str  # "conference", "v1-conference" or "v1-bridge": the engine table it lives in
    record: Mapping[str, Any] | None = None


class AppendTimeline(msgspec.Struct, frozen=True):
    """Add an entry to a call's timeline: a state change, a verb, a far-end step, a note."""

    call_id: str
    at: float
    kind: str
    summary: str
    detail: Mapping[str, Any] = msgspec.field(default_factory=dict)


class EndCall(msgspec.Struct, frozen=True):
    """The call has ended (its `disconnect`, if any, was already sent): store its final state."""

    call_id: str
    at: float
    cause: str
    error_message: str | None = None


class OpenSocket(msgspec.Struct, frozen=True):
    """Open a WebSocket to `url` and send `start`; answer with SocketOpened or SocketFailed.

    `tracks` are the call's audio tracks to send as 20 ms `media` messages from the moment it
    opens (none for a real-time transcription); `bidirectional` accepts `playAudio`/`clear`.
    """

    socket_id: str
    call_id: str
    url: str
    start: Mapping[str, Any]
    username: str | None = None
    password: str | None = None
    tracks: tuple[str, ...] = ()
    bidirectional: bool = False
    purpose: str = "media stream"  # how the timeline names it


class SendSocketMessage(msgspec.Struct, frozen=True):
    """Send one JSON message on an open WebSocket, after the audio sent so far."""

    socket_id: str
    message: Mapping[str, Any]


class CloseSocket(msgspec.Struct, frozen=True):
    """Send the audio up to `at`, then `stop` (if any), then close the WebSocket (1000)."""

    socket_id: str
    at: float
    stop: Mapping[str, Any] | None = None


Action = (
    SendWebhook
    | StartTimer
    | CancelTimer
    | FetchMedia
    | SaveRecording
    | ConferenceEnded
    | AppendTimeline
    | EndCall
    | OpenSocket
    | SendSocketMessage
    | CloseSocket
)
