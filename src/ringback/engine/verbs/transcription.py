"""`<StartTranscription>` / `<StopTranscription>`: real-time transcription.

How this works. `<StartTranscription>` puts a `LiveTranscription` on the call
(`call.features`, under `transcription:<name>`) and goes straight on: it is non-blocking. While
it runs, the words said on the call are what it transcribes; when it stops (`<StopTranscription>`,
or the end of the call) the transcript is read off the call's media log for the time it ran and
kept in the call's `TranscriptStore` (`transcripts(call)`), where the REST API finds it
(`GET /calls/{callId}/transcriptions[/{transcriptionId}]`).

Webhooks go to `transcriptionEventUrl` under the spec's rules: `realTimeTranscriptionStarted`,
`...Rejected` and `...Stopped` only when both `destination` and `transcriptionEventUrl` are set,
`realTimeTranscriptionAvailable` whenever `transcriptionEventUrl` is set. The session object is
sent under the key `realTimeTranscription` (the spec's parameter tables; some doc examples say
`transcription`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ringback.bxml import StartTranscription, StopTranscription
from ringback.engine.media import Side, Sound
from ringback.engine.payloads import duration, timestamp
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import Feature, VerbRun
from ringback.engine.verbs.tracks import (
    MAX_CONCURRENT_TRACKS,
    Track,
    track_limit_message,
    track_list,
)
from ringback.events import (
    RealTimeTranscription,
    RealTimeTranscriptionAvailableEvent,
    RealTimeTranscriptionRejectedEvent,
    RealTimeTranscriptionStartedEvent,
    RealTimeTranscriptionStoppedEvent,
)

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.core import Engine
    from ringback.engine.requests import Callback
    from ringback.events import Event

TRANSCRIPTION_FEATURE_PREFIX = "transcription:"
TRANSCRIPTS_KEY: Final = "transcriptions"  # in call.extra
DEFAULT_LANGUAGE = "en-US"
# The simulated far end's words are known exactly.
TRANSCRIPT_CONFIDENCE = 1.0


@dataclass(frozen=True, slots=True)
class TrackTranscript:
    """What one track said while a transcription ran."""

    track: Track
    transcript: str
    detected_language: str = DEFAULT_LANGUAGE
    confidence: float = TRANSCRIPT_CONFIDENCE

    def to_wire(self) -> dict[str, Any]:
        """The REST form of one track."""
        return {
            "detectedLanguage": self.detected_language,
            "track": self.track,
            "transcript": self.transcript,
            "confidence": self.confidence,
        }


@dataclass(frozen=True, slots=True)
class Transcript:
    """A finished real-time transcription of a call, as the REST API serves it."""

    transcription_id: str
    name: str
    url: str
    started_at: float
    stopped_at: float
    tracks: tuple[TrackTranscript, ...]

    def summary_wire(self) -> dict[str, Any]:
        """One entry of GET /calls/{callId}/transcriptions."""
        return {
            "transcriptionId": self.transcription_id,
            "transcriptionName": self.name,
            "transcriptionUrl": self.url,
        }

    def detail_wire(self, account_id: str, call_id: str) -> dict[str, Any]:
        """GET /calls/{callId}/transcriptions/{transcriptionId}."""
        return {
            "accountId": account_id,
            "callId": call_id,
            "transcriptionId": self.transcription_id,
            "tracks": [track.to_wire() for track in self.tracks],
        }


@dataclass(slots=True)
class TranscriptStore:
    """A call's finished real-time transcriptions, by id, in the order they stopped."""

    by_id: dict[str, Transcript] = field(default_factory=dict)

    def add(self, transcript: Transcript) -> None:
        """Keep a finished transcript."""
        self.by_id[transcript.transcription_id] = transcript

    def delete(self, transcription_id: str) -> bool:
        """Forget a transcript (DELETE); whether there was one."""
        return self.by_id.pop(transcription_id, None) is not None


def transcripts(call: Call) -> TranscriptStore:
    """The call's transcript store (created on first use, kept in `call.extra`)."""
    store = call.extra.get(TRANSCRIPTS_KEY)
    if not isinstance(store, TranscriptStore):
        store = TranscriptStore()
        call.extra[TRANSCRIPTS_KEY] = store
    return store


def words_on_track(call: Call, track: Track, start: float, end: float) -> str:
    """The words heard on a track in [start, end): inbound is the far end, outbound our prompts."""
    if track == "inbound":
        return " ".join(call.media.far_words(start, end))
    prompts = [
        segment.text
        for segment in call.media.window(start, end)
        if segment.side is Side.PLATFORM and segment.sound is Sound.PROMPT and segment.text
    ]
    return " ".join(prompts)


@dataclass(eq=False, slots=True)
class LiveTranscription(Feature):
    """One running real-time transcription of a call."""

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

    @property
    def reports_state(self) -> bool:
        """Started/Rejected/Stopped go out only with both a destination and an event URL."""
        return self.destination is not None and self.events is not None

    def start(self) -> None:
        """Begin transcribing."""
        self.call.features[TRANSCRIPTION_FEATURE_PREFIX + self.name] = self
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

    def reject(self, cause: str, message: str, original: RealTimeTranscription | None) -> None:
        """Refuse to start this transcription."""
        self.engine.note(
            self.call,
            "transcription",
            f"real-time transcription {self.name!r} rejected: {cause}",
            cause=cause,
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
        """Stop transcribing: keep the transcript, send Stopped (cause `closed`) and Available."""
        key = TRANSCRIPTION_FEATURE_PREFIX + self.name
        if self.call.features.get(key) is not self:
            return
        del self.call.features[key]
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
            f"real-time transcription {self.name!r} stopped",
            transcriptionId=self.transcription_id,
            transcript={t.track: t.transcript for t in transcript.tracks},
        )
        if self.reports_state:
            stopped = self.model(duration=duration(now - self.started_at))
            self._send(
                self.engine.event(
                    RealTimeTranscriptionStoppedEvent,
                    self.call,
                    real_time_transcription=stopped,
                    cause="closed",
                )
            )
        available = self.model(status="available", url=self.url, completed_time=timestamp(now))
        self._send(
            self.engine.event(
                RealTimeTranscriptionAvailableEvent, self.call, real_time_transcription=available
            )
        )

    def on_call_end(self) -> None:
        """The call ended: the transcription stops with it (cause `closed`)."""
        self.stop()

    def _send(self, event: Event) -> None:
        if self.events is not None:
            self.engine.send_webhook(self.call, event, self.events, sync=False)


def live_transcriptions(call: Call) -> list[LiveTranscription]:
    """The call's real-time transcriptions that are running now, oldest first."""
    return [f for f in call.features.values() if isinstance(f, LiveTranscription)]


@handles(StartTranscription)
class StartTranscriptionRun(VerbRun):
    """Start a real-time transcription and go on at once (non-blocking); answers an inbound call.

    The transcript is the words said on the call while it ran: the far end's (`say` steps) on the
    inbound track, our `<SpeakSentence>` prompts on the outbound track, each word as said (a
    sentence that overlaps the start or the stop counts whole), confidence 1.0.

    Simplifications: nothing is sent to `destination` (no WebSocket yet), so `stabilized` only
    shows in the events; `<CustomParam>`s are accepted and unused; the language is the first of
    `preferredLanguages` (default en-US) and `detectLanguage` changes nothing. The transcript is
    ready the moment the transcription stops. The four-track limit counts real-time
    transcriptions only (media streams keep their own count); its errorMessage is ours.
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
        else:
            session.start()
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
