"""`<StartStream>` / `<StopStream>`: fork the call's audio to a WebSocket (spec §4.6, §2.3).

How this works. `<StartStream>` puts a `MediaStreamFork` on the call (`call.features`, under
`stream:<name>`) and goes straight on: it is non-blocking. The fork sends `mediaStreamStarted` to
`streamEventUrl`, if set. A name already in use on the call is refused with `mediaStreamRejected`
cause `duplicate` (carrying the stream that has the name as `originalMediaStream`); so is a stream
that would take the call past four concurrent tracks (cause `track-limit`). `<StopStream name>`
stops the named stream with `mediaStreamStopped` (cause `closed`, with `mediaStream.duration`);
streams still open when the call ends stop the same way, just before its `disconnect`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ringback.bxml import StartStream, StopStream
from ringback.engine.payloads import duration, timestamp
from ringback.engine.requests import Callback
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import Feature, VerbRun
from ringback.engine.verbs.tracks import (
    MAX_CONCURRENT_TRACKS,
    Track,
    track_limit_message,
    track_list,
)
from ringback.events import (
    MediaStream,
    MediaStreamRejectedEvent,
    MediaStreamStartedEvent,
    MediaStreamStoppedEvent,
)

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.core import Engine
    from ringback.events import Event

STREAM_FEATURE_PREFIX = "stream:"
STREAM_TRANSPORT = "WebSocket"


@dataclass(eq=False, slots=True)
class MediaStreamFork(Feature):
    """One open media stream of a call; it stops itself when the call ends."""

    engine: Engine
    call: Call
    stream_id: str
    name: str
    destination: str
    tracks: list[Track]
    started_at: float
    events: Callback | None  # streamEventUrl, resolved; None: no webhooks

    def model(self, *, stopped_at: float | None = None) -> MediaStream:
        """The `mediaStream` object of this stream's events (with `duration` once stopped)."""
        return MediaStream(
            id=self.stream_id,
            name=self.name,
            destination=self.destination,
            tracks=list(self.tracks),
            start_time=timestamp(self.started_at),
            type=STREAM_TRANSPORT,
            duration=None if stopped_at is None else duration(stopped_at - self.started_at),
        )

    def start(self) -> None:
        """Open the stream: keep it on the call and say so."""
        self.call.features[STREAM_FEATURE_PREFIX + self.name] = self
        self.engine.note(
            self.call,
            "stream",
            f"media stream {self.name!r} started (no WebSocket is opened)",
            streamId=self.stream_id,
            name=self.name,
            tracks=self.tracks,
        )
        self._send(self.engine.event(MediaStreamStartedEvent, self.call, media_stream=self.model()))

    def reject(self, cause: str, message: str, original: MediaStream | None = None) -> None:
        """Refuse to start this stream."""
        self.engine.note(
            self.call, "stream", f"media stream {self.name!r} rejected: {cause}", cause=cause
        )
        event = self.engine.event(
            MediaStreamRejectedEvent,
            self.call,
            media_stream=self.model(),
            cause=cause,
            error_message=message,
            original_media_stream=original,
        )
        self._send(event)

    def stop(self) -> None:
        """Close the stream (`<StopStream>` or the end of the call): cause `closed`."""
        if self.call.features.get(STREAM_FEATURE_PREFIX + self.name) is not self:
            return
        del self.call.features[STREAM_FEATURE_PREFIX + self.name]
        self.engine.note(self.call, "stream", f"media stream {self.name!r} stopped", cause="closed")
        stream = self.model(stopped_at=self.engine.now)
        event = self.engine.event(
            MediaStreamStoppedEvent, self.call, media_stream=stream, cause="closed"
        )
        self._send(event)

    def on_call_end(self) -> None:
        """The call ended: the stream closes with it."""
        self.stop()

    def _send(self, event: Event) -> None:
        if self.events is not None:
            self.engine.send_webhook(self.call, event, self.events, sync=False)


def open_streams(call: Call) -> list[MediaStreamFork]:
    """The call's media streams that are running now, oldest first."""
    return [f for f in call.features.values() if isinstance(f, MediaStreamFork)]


@handles(StartStream)
class StartStreamRun(VerbRun):
    """Start a media stream and go on at once (non-blocking); answers an inbound call.

    Simplifications: no WebSocket is opened yet (a later issue), so no `start`/`media`/`stop`
    messages are sent; `destination` is reported in the events but never dialled, and
    `destinationUsername`/`destinationPassword`, `mode="bidirectional"` and `<StreamParam>`s are
    accepted and unused. A stream therefore never fails with `connection-error` or `error`. The
    four-track limit counts media streams only (real-time transcriptions keep their own count).
    The `track-limit` errorMessage is ours: Bandwidth documents none.
    """

    def start(self) -> None:
        """Open the stream, or reject it, then go on with the next verb."""
        verb: StartStream = self.verb
        stream_id = self.engine.ids.stream()
        stream = MediaStreamFork(
            engine=self.engine,
            call=self.call,
            stream_id=stream_id,
            name=verb.name or stream_id,
            destination=verb.destination,
            tracks=track_list(verb.tracks),
            started_at=self.engine.now,
            events=self.callback("stream_event", fallback=False),
        )
        running = open_streams(self.call)
        clash = next((s for s in running if s.name == stream.name), None)
        in_use = sum(len(s.tracks) for s in running)
        if clash is not None:
            message = f"A stream with the name {stream.name} already exists"
            stream.reject("duplicate", message, original=clash.model())
        elif in_use + len(stream.tracks) > MAX_CONCURRENT_TRACKS:
            message = track_limit_message("a media stream", in_use, len(stream.tracks))
            stream.reject("track-limit", message)
        else:
            stream.start()
        self.done()


@handles(StopStream)
class StopStreamRun(VerbRun):
    """Stop the stream called `name` (`mediaStreamStopped`, cause `closed`); no-op if none.

    Simplification: stopping is instantaneous (there is no WebSocket to close), so
    `wait="true"` and `wait="false"` behave the same. Does not answer an inbound call.
    """

    ANSWERS_CALL = False

    def start(self) -> None:
        """Stop the stream if there is one, then go on."""
        stream = self.call.features.get(STREAM_FEATURE_PREFIX + self.verb.name)
        if isinstance(stream, MediaStreamFork):
            stream.stop()
        else:
            self.engine.note(self.call, "stream", f"no media stream {self.verb.name!r} to stop")
        self.done()
