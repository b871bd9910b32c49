"""`<StartStream>` / `<StopStream>`: fork the call's audio to a WebSocket.

How this works. `<StartStream>` refuses at once a name already used on the call (cause
`duplicate`, with the stream that has it as `originalMediaStream`) or a stream that would take the
call past four concurrent tracks (cause `track-limit`): no connection is attempted. Otherwise it
puts a `MediaStreamFork` on the call (`call.features`, under `stream:<name>`), asks the runtime to
open the socket (`OpenSocket`, with the `start` message) and waits: BXML goes on once the stream
is established, as on Bandwidth. Opened: `mediaStreamStarted`; failed: `mediaStreamRejected`
cause `connection-error`; either way the call goes on.

The runtime then sends the call's audio as `media` messages on its own (it reads the call's media
log, runtime/streams.py). The stream ends in one of two ways. Ringback stops it (`<StopStream>`,
the end of the call): `CloseSocket` with the `stop` message and `mediaStreamStopped` cause `closed`,
just before the call's `disconnect`. Or the app closes it, or it drops (`SocketClosed`):
`mediaStreamStopped` with the runtime's cause (`closed` for a clean close, else
`connection-error` or `error`, with an `errorMessage`). A `<StopStream wait="true">` parked on the
stream goes on then. Audio a bidirectional app sends is played by `AppAudio` (stream_audio.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ringback.bxml import StartStream, StopStream
from ringback.engine.actions import CloseSocket, OpenSocket
from ringback.engine.payloads import duration, timestamp
from ringback.engine.requests import Callback
from ringback.engine.sockets import SocketOwner, not_a_websocket
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun
from ringback.engine.verbs.socket_feature import SocketFeature
from ringback.engine.verbs.stream_audio import AppAudio
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
    from collections.abc import Callable

    from ringback.engine.call import Call
    from ringback.engine.core import Engine

STREAM_FEATURE_PREFIX = "stream:"
STREAM_TRANSPORT = "WebSocket"
# `metadata.tracks[].mediaFormat` of every track (streams spec §3.1: the example's spelling).
MEDIA_FORMAT = {"encoding": "PCMU", "sampleRate": 8000}


@dataclass(eq=False)
class MediaStreamFork(SocketFeature):
    """One media stream of a call, from its connection to its end."""

    engine: Engine
    call: Call
    stream_id: str
    name: str
    destination: str
    tracks: list[Track]
    events: Callback | None  # streamEventUrl, resolved; None: no webhooks
    bidirectional: bool = False
    params: dict[str, str] = field(default_factory=dict)
    started_at: float = 0.0
    state: str = "connecting"  # then "open", then "closed"
    on_established: Callable[[], None] | None = None  # the <StartStream> waiting to go on
    waiters: list[Callable[[], None]] = field(default_factory=list)  # <StopStream wait="true">
    audio: AppAudio | None = None

    @property
    def socket_id(self) -> str:
        """The id its socket is followed by."""
        return self.stream_id

    @property
    def key(self) -> str:
        """Where the stream is kept in `call.features`."""
        return STREAM_FEATURE_PREFIX + self.name

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

    def metadata(self) -> dict[str, Any]:
        """The `metadata` of the `start` and `stop` messages (streams spec §3.1)."""
        return {
            "accountId": self.call.account_id,
            "callId": self.call.call_id,
            "streamId": self.stream_id,
            "streamName": self.name,
            "tracks": [{"name": track, "mediaFormat": dict(MEDIA_FORMAT)} for track in self.tracks],
        }

    def connect(self, verb: StartStream) -> None:
        """Keep the stream on the call and ask the runtime to open its socket."""
        self.call.features[self.key] = self
        self.engine.sockets[self.stream_id] = SocketOwner(
            self.socket_opened,
            self.socket_failed,
            self.socket_closed,
            self.audio_received,
            self.audio_cleared,
        )
        start: dict[str, Any] = {"eventType": "start", "metadata": self.metadata()}
        if self.params:
            start["streamParams"] = dict(self.params)
        self.engine.emit(
            OpenSocket(
                socket_id=self.stream_id,
                call_id=self.call.call_id,
                url=self.destination,
                start=start,
                username=verb.destination_username,
                password=verb.destination_password,
                tracks=tuple(self.tracks),
                bidirectional=self.bidirectional,
            )
        )

    # ---- what the runtime reports ------------------------------------------------------------

    def socket_opened(self) -> None:
        """Established: `mediaStreamStarted`, and BXML goes on."""
        if self.state != "connecting":
            return
        self.state = "open"
        self.started_at = self.engine.now
        if self.bidirectional:
            self.audio = AppAudio(self.engine, self.call, self.name)
        self.engine.note(
            self.call,
            "stream",
            f"media stream {self.name!r} started",
            streamId=self.stream_id,
            name=self.name,
            tracks=self.tracks,
            mode="bidirectional" if self.bidirectional else "unidirectional",
        )
        self._send(self.engine.event(MediaStreamStartedEvent, self.call, media_stream=self.model()))
        self._established()

    def socket_failed(self, message: str) -> None:
        """Never established: `mediaStreamRejected` cause `connection-error`; BXML goes on."""
        self._forget()
        self.started_at = self.engine.now
        self.reject("connection-error", message)
        self._established()

    def socket_closed(self, cause: str, message: str | None) -> None:
        """The app closed the socket or it dropped: `mediaStreamStopped` with that cause."""
        if self.state != "open":
            return
        self._end(cause, message)

    def audio_received(self, audio: bytes) -> None:
        """A bidirectional app's `playAudio`: queue it to play to the far end."""
        if self.audio is not None:
            self.audio.enqueue(audio)

    def audio_cleared(self) -> None:
        """A bidirectional app's `clear`: stop playing what it queued."""
        if self.audio is not None:
            self.audio.clear()

    # ---- what the call does ------------------------------------------------------------------

    def reject(self, cause: str, message: str, original: MediaStream | None = None) -> None:
        """Refuse to start this stream."""
        self.engine.note(
            self.call,
            "stream",
            f"media stream {self.name!r} rejected: {cause}",
            cause=cause,
            errorMessage=message,
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
        """Ringback stops the stream (`<StopStream>`, the end of the call): cause `closed`."""
        if self.state == "connecting":  # the call ended while connecting: close it unseen
            self._forget()
            self.engine.emit(CloseSocket(self.stream_id, self.engine.now))
            return
        if self.state != "open":
            return
        stop = {"eventType": "stop", "metadata": self.metadata()}
        self.engine.emit(CloseSocket(self.stream_id, self.engine.now, stop))
        self._end("closed", None)

    def on_call_end(self) -> None:
        """The call ended: the stream closes with it."""
        self.stop()

    def wait_for_close(self, resume: Callable[[], None]) -> None:
        """Call `resume` once the stream has ended (`<StopStream wait="true">`)."""
        self.waiters.append(resume)

    def _end(self, cause: str, message: str | None) -> None:
        self._forget()
        if self.audio is not None:
            self.audio.clear()
        now = self.engine.now
        self.engine.note(
            self.call,
            "stream",
            f"media stream {self.name!r} stopped: {cause}",
            cause=cause,
            errorMessage=message,
        )
        event = self.engine.event(
            MediaStreamStoppedEvent,
            self.call,
            media_stream=self.model(stopped_at=now),
            cause=cause,
            error_message=message,
        )
        self._send(event)
        waiters, self.waiters = self.waiters, []
        for resume in waiters:
            resume()


def open_streams(call: Call) -> list[MediaStreamFork]:
    """The call's media streams that are running or connecting now, oldest first."""
    return [f for f in call.features.values() if isinstance(f, MediaStreamFork)]


@handles(StartStream)
class StartStreamRun(VerbRun):
    """Start a media stream; BXML goes on once it is established (or refused). Answers a call.

    Simplifications: the four-track limit counts media streams only (real-time transcriptions
    keep their own count); the `track-limit` errorMessage is ours (Bandwidth documents none); a
    `destination` that is not a ws:// or wss:// URL is rejected with cause `error` without dialling.
    """

    def start(self) -> None:
        """Open the stream, or reject it."""
        verb: StartStream = self.verb
        stream_id = self.engine.ids.stream()
        stream = MediaStreamFork(
            engine=self.engine,
            call=self.call,
            stream_id=stream_id,
            name=verb.name or stream_id,
            destination=verb.destination,
            tracks=track_list(verb.tracks),
            events=self.callback("stream_event", fallback=False),
            bidirectional=verb.mode == "bidirectional",
            params={param.name: param.value for param in verb.params},
            started_at=self.engine.now,
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
        elif (problem := not_a_websocket(stream.destination)) is not None:
            stream.reject("error", problem)
        else:
            stream.on_established = self.done
            stream.connect(verb)
            return
        self.done()


@handles(StopStream)
class StopStreamRun(VerbRun):
    """Stop the stream called `name` (`mediaStreamStopped`, cause `closed`); no-op if none.

    `wait="true"` does not stop the stream: BXML waits here until the socket is closed, by the
    app or by the call's end, as on Bandwidth. Interrupting the wait (a redirect, new BXML)
    leaves the stream running. Does not answer an inbound call.
    """

    ANSWERS_CALL = False

    def start(self) -> None:
        """Stop the stream (or wait for it to close), then go on."""
        stream = self.call.features.get(STREAM_FEATURE_PREFIX + self.verb.name)
        if not isinstance(stream, MediaStreamFork) or stream.state != "open":
            self.engine.note(self.call, "stream", f"no media stream {self.verb.name!r} to stop")
        elif self.verb.wait:
            self.engine.note(
                self.call, "stream", f"waiting for media stream {self.verb.name!r} to close"
            )
            stream.wait_for_close(self.done)
            return
        else:
            stream.stop()
        self.done()
