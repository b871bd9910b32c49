"""Actions: what the engine asks its runtime to do, returned by `Engine.handle` in order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ringback.engine.recordings import Recording
from ringback.engine.requests import Callback
from ringback.events import Event
from ringback.events_v1 import V1Event


@dataclass(frozen=True, slots=True)
class SendWebhook:
    """Deliver `event` to `callback`. For sync ones, answer with WebhookAnswered/WebhookFailed."""

    request_id: int
    call_id: str | None
    event: Event | V1Event
    callback: Callback
    timeout_s: float
    sync: bool
    conference_id: str | None = None


@dataclass(frozen=True, slots=True)
class StartTimer:
    """Feed back TimerFired(timer_id) once the clock reaches `at`."""

    timer_id: int
    at: float


@dataclass(frozen=True, slots=True)
class CancelTimer:
    """Forget a timer: it must not fire."""

    timer_id: int


@dataclass(frozen=True, slots=True)
class FetchMedia:
    """Fetch audio for `<PlayAudio>`; answer with MediaMeasured or MediaFailed."""

    request_id: int
    call_id: str | None  # None for audio played to a conference
    url: str
    username: str | None = None
    password: str | None = None
    conference_id: str | None = None


@dataclass(frozen=True, slots=True)
class SaveRecording:
    """Write a finished recording's audio (and keep its metadata) before it is announced."""

    recording: Recording

    @property
    def call_id(self) -> str | None:
        """The recorded call (None for a conference recording)."""
        return self.recording.call_id


@dataclass(frozen=True, slots=True)
class ConferenceEnded:
    """A conference ended and will not change again: keep `record` (None for a v1 conference or
    bridge, which live in memory only); the engine's object may go once it is not recent."""

    conference_id: str
    kind: str  # "conference", "v1-conference" or "v1-bridge": the engine table it lives in
    record: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class AppendTimeline:
    """Add an entry to a call's timeline: a state change, a verb, a far-end step, a note."""

    call_id: str
    at: float
    kind: str
    summary: str
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EndCall:
    """The call has ended (its `disconnect`, if any, was already sent): store its final state."""

    call_id: str
    at: float
    cause: str
    error_message: str | None = None


@dataclass(frozen=True, slots=True)
class OpenSocket:
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


@dataclass(frozen=True, slots=True)
class SendSocketMessage:
    """Send one JSON message on an open WebSocket, after the audio sent so far."""

    socket_id: str
    message: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class CloseSocket:
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
