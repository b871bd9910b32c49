"""Media stream and real-time transcription events (spec §2.3; no SDK models exist).

Both follow one pattern: Started, Rejected (with a cause and an error message, and the clashing
object for `duplicate`), Stopped (with a cause); real-time transcription adds Available.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from ringback.events.calls import ApplicationCallEvent
from ringback.events.formats import Timestamp
from ringback.events.parts import MediaStream, RealTimeTranscription

DisplayName = Annotated[str, Meta(max_length=256)]


class _MediaStreamEvent(ApplicationCallEvent, kw_only=True, frozen=True):
    """A `<StartStream>` audio fork changed state."""

    answer_time: Timestamp
    media_stream: MediaStream
    enqueued_time: Timestamp | None = None
    tag: str | None = None


class MediaStreamStartedEvent(
    _MediaStreamEvent, kw_only=True, frozen=True, tag="mediaStreamStarted"
):
    """The stream started (async)."""


class MediaStreamRejectedEvent(
    _MediaStreamEvent, kw_only=True, frozen=True, tag="mediaStreamRejected"
):
    """The stream could not start: connection-error, duplicate, error, track-limit (async)."""

    cause: str
    error_message: str
    original_media_stream: MediaStream | None = None


class MediaStreamStoppedEvent(
    _MediaStreamEvent, kw_only=True, frozen=True, tag="mediaStreamStopped"
):
    """The stream ended: closed, connection-error, error (async)."""

    cause: str
    error_message: str | None = None


class _RealTimeTranscriptionEvent(ApplicationCallEvent, kw_only=True, frozen=True):
    """A `<StartTranscription>` session changed state."""

    answer_time: Timestamp
    real_time_transcription: RealTimeTranscription
    enqueued_time: Timestamp | None = None
    tag: str | None = None
    privacy: bool | None = None
    caller_display_name: DisplayName | None = None


class RealTimeTranscriptionStartedEvent(
    _RealTimeTranscriptionEvent, kw_only=True, frozen=True, tag="realTimeTranscriptionStarted"
):
    """Real-time transcription started (async)."""


class RealTimeTranscriptionRejectedEvent(
    _RealTimeTranscriptionEvent, kw_only=True, frozen=True, tag="realTimeTranscriptionRejected"
):
    """Real-time transcription could not start (async)."""

    cause: str
    error_message: str
    original_transcription: RealTimeTranscription | None = None


class RealTimeTranscriptionStoppedEvent(
    _RealTimeTranscriptionEvent, kw_only=True, frozen=True, tag="realTimeTranscriptionStopped"
):
    """Real-time transcription ended (async)."""

    cause: str
    error_message: str | None = None


class RealTimeTranscriptionAvailableEvent(
    _RealTimeTranscriptionEvent, kw_only=True, frozen=True, tag="realTimeTranscriptionAvailable"
):
    """Real-time transcription finished and is downloadable (async)."""
