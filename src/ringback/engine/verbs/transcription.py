"""`<StartTranscription>` / `<StopTranscription>`: real-time transcription.

How this works. `<StartTranscription>` puts a `LiveTranscription` on the call
(`call.features`, under `transcription:<name>`). Without a `destination` it starts at once and
BXML goes on. With one, it asks the runtime to open the WebSocket (`OpenSocket`, with the
`start` message) and BXML goes on once it is established, as for `<StartStream>` (streams spec
§6 mirrors §5): opened, the `transcription` messages follow the words as they are said
(`TranscriptionFeed`, transcription_feed.py); refused or failed, `realTimeTranscriptionRejected`
cause `connection-error` and the transcription never ran. When it stops (`<StopTranscription>`,
the end of the call) the last finals, `stop` and a close go out (`CloseSocket`); if the app closes
the socket or it drops first, the transcription stops with the runtime's cause.

On stopping, the transcript (the same words the finals carried) is kept in the call's
`TranscriptStore` (`transcripts(call)`), where the REST API finds it
(`GET /calls/{callId}/transcriptions[/{transcriptionId}]`).

Webhooks go to `transcriptionEventUrl` under the spec's rules: `realTimeTranscriptionStarted`,
`...Rejected` and `...Stopped` only when both `destination` and `transcriptionEventUrl` are set
(Started after the socket's `start` message, Stopped beside its `stop`),
`realTimeTranscriptionAvailable` whenever `transcriptionEventUrl` is set. The session object is
sent under the key `realTimeTranscription` (the spec's parameter tables; some doc examples say
`transcription`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ringback.bxml import StartTranscription, StopTranscription
from ringback.engine.actions import CloseSocket, OpenSocket, SendSocketMessage
from ringback.engine.payloads import duration, timestamp
from ringback.engine.sockets import SocketOwner, not_a_websocket
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun
from ringback.engine.verbs.socket_feature import SocketFeature
from ringback.engine.verbs.tracks import (
    MAX_CONCURRENT_TRACKS,
    Track,
    track_limit_message,
    track_list,
)
from ringback.engine.verbs.transcription_feed import TranscriptionFeed, words_on_track
from ringback.engine.verbs.transcripts import (
    DEFAULT_LANGUAGE,
    TrackTranscript,
    Transcript,
    transcripts,
)
from ringback.events import (
    RealTimeTranscription,
    RealTimeTranscriptionAvailableEvent,
    RealTimeTranscriptionRejectedEvent,
    RealTimeTranscriptionStartedEvent,
    RealTimeTranscriptionStoppedEvent,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from ringback.engine.call import Call
    from ringback.engine.core import Engine
    from ringback.engine.requests import Callback

TRANSCRIPTION_FEATURE_PREFIX = "transcription:"
SOCKET_PURPOSE = "real-time transcription"  # how the timeline names its WebSocket


@dataclass(eq=False)
class LiveTranscription(SocketFeature):
    """One real-time transcription of a call, from its start (or connection) to its stop."""

    engine: Engine
    call: Call
    transcription_id: str
    name: str
    tracks: list[Track]
    destination: str | None
    stabilized: bool
    language: str
    started_at: float
    events: Callback | None  # transcriptionEventUrl, resolved; None: no webhooks
    params: dict[str, str] = field(default_factory=dict)  # <CustomParam>s
    state: str = "connecting"  # then "open", then "closed"
    on_established: Callable[[], None] | None = None  # the <StartTranscription> waiting to go on
    feed: TranscriptionFeed | None = None  # the socket's messages, while it is open

    @property
    def socket_id(self) -> str:
        """The id its socket is followed by."""
        return self.transcription_id

    @property
    def key(self) -> str:
        """Where the transcription is kept in `call.features`."""
        return TRANSCRIPTION_FEATURE_PREFIX + self.name

    @property
    def url(self) -> str:
        """Where the REST API serves the finished transcript."""
        return f"{self.call.call_url}/transcriptions/{self.transcription_id}"

    def model(self, **later: Any) -> RealTimeTranscription:
        """The `realTimeTranscription` object of this session's events."""
        return RealTimeTranscription(
            id=self.transcription_id,
            name=self.name,
            start_time=timestamp(self.started_at),
            tracks=list(self.tracks),
            destination=self.destination,
            stabilized=self.stabilized if self.destination is not None else None,
            **later,
        )

    def metadata(self) -> dict[str, Any]:
        """The `metadata` of the socket's `start` and `stop` messages (streams spec §6)."""
        return {
            "accountId": self.call.account_id,
            "callId": self.call.call_id,
            "realTimeTranscriptionId": self.transcription_id,
            "transcriptionName": self.name,
            "tracks": [{"name": track} for track in self.tracks],
            "stabilized": self.stabilized,
        }

    @property
    def reports_state(self) -> bool:
        """Started/Rejected/Stopped go out only with both a destination and an event URL."""
        return self.destination is not None and self.events is not None

    def begin_at_once(self) -> None:
        """Begin transcribing now (no destination: nothing to connect)."""
        self.call.features[self.key] = self
        self._begin()

    def connect(self, destination: str) -> None:
        """Keep the transcription on the call and ask the runtime to open its socket."""
        self.call.features[self.key] = self
        self.engine.sockets[self.transcription_id] = SocketOwner(
            self.socket_opened, self.socket_failed, self.socket_closed
        )
        start: dict[str, Any] = {"eventType": "start", "metadata": self.metadata()}
        if self.params:
            start["customParams"] = dict(self.params)
        self.engine.emit(
            OpenSocket(
                socket_id=self.transcription_id,
                call_id=self.call.call_id,
                url=destination,
                start=start,
                purpose=SOCKET_PURPOSE,
            )
        )

    # ---- what the runtime reports ------------------------------------------------------------

    def socket_opened(self) -> None:
        """Established: transcribe from now, `realTimeTranscriptionStarted`, BXML goes on."""
        if self.state != "connecting":
            return
        self.started_at = self.engine.now
        self.feed = TranscriptionFeed(
            self.engine,
            self.call,
            self.tracks,
            self.started_at,
            self.stabilized,
            self.language,
            self._send_message,
        )
        self._begin()
        self._established()

    def socket_failed(self, message: str) -> None:
        """Never established: Rejected `connection-error`; the transcription never ran."""
        self._forget()
        self.started_at = self.engine.now
        self.reject("connection-error", message, original=None)
        self._established()

    def socket_closed(self, cause: str, message: str | None) -> None:
        """The app closed the socket or it dropped: the transcription stops with that cause."""
        if self.state == "open":
            self._end(cause, message)

    # ---- what the call does ------------------------------------------------------------------

    def reject(self, cause: str, message: str, original: RealTimeTranscription | None) -> None:
        """Refuse to start this transcription."""
        self.engine.note(
            self.call,
            "transcription",
            f"real-time transcription {self.name!r} rejected: {cause}",
            cause=cause,
            errorMessage=message,
        )
        if self.reports_state:
            event = self.engine.event(
                RealTimeTranscriptionRejectedEvent,
                self.call,
                real_time_transcription=self.model(),
                cause=cause,
                error_message=message,
                original_transcription=original,
            )
            self._send(event)

    def stop(self) -> None:
        """Stop transcribing (cause `closed`): last finals, `stop` and close on the socket."""
        if self.state == "connecting" and self.destination is not None:
            self._forget()  # the call ended while connecting: close it unseen
            self.engine.emit(CloseSocket(self.transcription_id, self.engine.now))
            return
        if self.state != "open":
            return
        if self.feed is not None:
            self.feed.finish()
            stop = {"eventType": "stop", "metadata": self.metadata()}
            self.engine.emit(CloseSocket(self.transcription_id, self.engine.now, stop))
        self._end("closed", None)

    def on_call_end(self) -> None:
        """The call ended: the transcription stops with it (cause `closed`)."""
        self.stop()

    def _begin(self) -> None:
        self.state = "open"
        self.engine.note(
            self.call,
            "transcription",
            f"real-time transcription {self.name!r} started",
            transcriptionId=self.transcription_id,
            tracks=self.tracks,
        )
        if self.reports_state:
            started = self.engine.event(
                RealTimeTranscriptionStartedEvent, self.call, real_time_transcription=self.model()
            )
            self._send(started)
        if self.feed is not None:
            self.feed.begin()

    def _end(self, cause: str, message: str | None) -> None:
        """Keep the transcript; Stopped with `cause` (and its errorMessage), then Available."""
        self._forget()
        if self.feed is not None:
            self.feed.finish()
        now = self.engine.now
        transcript = Transcript(
            transcription_id=self.transcription_id,
            name=self.name,
            url=self.url,
            started_at=self.started_at,
            stopped_at=now,
            tracks=tuple(
                TrackTranscript(
                    track, words_on_track(self.call, track, self.started_at, now), self.language
                )
                for track in self.tracks
            ),
        )
        transcripts(self.call).add(transcript)
        self.engine.note(
            self.call,
            "transcription",
            f"real-time transcription {self.name!r} stopped: {cause}",
            transcriptionId=self.transcription_id,
            transcript={t.track: t.transcript for t in transcript.tracks},
            cause=cause,
            errorMessage=message,
        )
        if self.reports_state:
            stopped = self.model(duration=duration(now - self.started_at))
            self._send(
                self.engine.event(
                    RealTimeTranscriptionStoppedEvent,
                    self.call,
                    real_time_transcription=stopped,
                    cause=cause,
                    error_message=message,
                )
            )
        available = self.model(status="available", url=self.url, completed_time=timestamp(now))
        self._send(
            self.engine.event(
                RealTimeTranscriptionAvailableEvent, self.call, real_time_transcription=available
            )
        )

    def _send_message(self, message: dict[str, Any]) -> None:
        """One `transcription` message onto the socket (finals also noted on the timeline)."""
        self.engine.emit(SendSocketMessage(self.transcription_id, message))
        if not message["isPartial"]:
            self.engine.note(
                self.call,
                "transcription",
                f"transcribed {message['track']}: {message['transcript']!r}",
                transcriptionId=self.transcription_id,
                startTime=message["startTime"],
                endTime=message["endTime"],
            )


def live_transcriptions(call: Call) -> list[LiveTranscription]:
    """The call's real-time transcriptions that are running now, oldest first."""
    return [f for f in call.features.values() if isinstance(f, LiveTranscription)]


@handles(StartTranscription)
class StartTranscriptionRun(VerbRun):
    """Start a real-time transcription (non-blocking); answers an inbound call.

    BXML goes on at once, or, with a `destination`, once its WebSocket is established (or
    refused: Rejected `connection-error`; not ws:// or wss://: Rejected `error`, not dialled).
    The transcript is the words said on the call while it ran: the far end's (`say` steps) on the
    inbound track, our `<SpeakSentence>` prompts on the outbound track, each word spread evenly
    over its sentence and counted when its middle is inside the transcription, confidence 1.0.
    The socket gets a final per sentence when it ends (and word-by-word partials before it with
    `stabilized="false"`), `start` with the `<CustomParam>`s as `customParams`, and `stop`.

    Simplifications: the language is the first of `preferredLanguages` (default en-US) and
    `detectLanguage` changes nothing. The transcript is ready the moment the transcription
    stops. The four-track limit counts real-time transcriptions only (media streams keep their
    own count); its errorMessage is ours.
    """

    def start(self) -> None:
        """Start the transcription, or reject it, then go on with the next verb."""
        verb: StartTranscription = self.verb
        transcription_id = self.engine.ids.transcription()
        languages = [lang.strip() for lang in (verb.preferred_languages or "").split(",")]
        session = LiveTranscription(
            engine=self.engine,
            call=self.call,
            transcription_id=transcription_id,
            name=verb.name or transcription_id,
            tracks=track_list(verb.tracks),
            destination=verb.destination,
            stabilized=verb.stabilized,
            language=languages[0] or DEFAULT_LANGUAGE,
            started_at=self.engine.now,
            events=self.callback("transcription_event", fallback=False),
            params={param.name: param.value for param in verb.params},
        )
        running = live_transcriptions(self.call)
        clash = next((t for t in running if t.name == session.name), None)
        in_use = sum(len(t.tracks) for t in running)
        if clash is not None:
            message = f"A transcription with the name {session.name} already exists"
            session.reject("duplicate", message, original=clash.model())
        elif in_use + len(session.tracks) > MAX_CONCURRENT_TRACKS:
            message = track_limit_message("a real-time transcription", in_use, len(session.tracks))
            session.reject("track-limit", message, original=None)
        elif verb.destination is None:
            session.begin_at_once()
        elif (problem := not_a_websocket(verb.destination)) is not None:
            session.reject("error", problem, original=None)
        else:
            session.on_established = self.done
            session.connect(verb.destination)
            return
        self.done()


@handles(StopTranscription)
class StopTranscriptionRun(VerbRun):
    """Stop the transcription called `name`, or every one when no name is given; no-op if none.

    Does not answer an inbound call.
    """

    ANSWERS_CALL = False

    def start(self) -> None:
        """Stop the transcription(s), then go on."""
        name = self.verb.name
        stopping = [t for t in live_transcriptions(self.call) if name is None or t.name == name]
        if not stopping:
            what = f"real-time transcription {name!r}" if name else "real-time transcription"
            self.engine.note(self.call, "transcription", f"no {what} to stop")
        for session in stopping:
            session.stop()
        self.done()
