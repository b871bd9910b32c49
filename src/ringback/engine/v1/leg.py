"""A v1 call's own state and its reports: the observer that turns engine moments into v1 events.

How this works. A v1 call is an engine `Call` with `idle_at_end` (it stays up between REST
commands) and a `V1Leg` as its observer. The engine tells the leg when the call is answered,
a verb starts or ends, a key is pressed, a recording is saved, the call ends; the leg sends the
v1 event for it (v1 spec §3.2) to the call's events URL and logs it for `GET /calls/{id}/events`.
Which events a verb causes depends on why it runs: a `/audio` sentence reports `speak`, a
gather's prompt reports nothing (§8 #10), so the leg keeps the verbs it was asked to run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ringback import bxml
from ringback.engine import flow
from ringback.engine.call import Program
from ringback.engine.observer import CallObserver
from ringback.engine.payloads import timestamp
from ringback.engine.v1.requests import Events, Recording
from ringback.events_v1 import (
    Answer,
    Dtmf,
    Gather,
    Hangup,
    Playback,
    Speak,
    Transcription,
    V1Event,
    v1_timestamp,
)
from ringback.events_v1 import Recording as RecordingEvent

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.core import Engine
    from ringback.engine.recordings import Recording as EngineRecording
    from ringback.engine.verbs.base import VerbRun

MS_PER_S = 1000

# The engine's disconnect causes in v1's words (v1 spec §3.2 `hangup`).
HANGUP_CAUSES = {
    "busy": "USER_BUSY",
    "rejected": "CALL_REJECTED",
    "timeout": "NO_ANSWER",
    "cancel": "ORIGINATOR_CANCEL",
}
OTHER_CAUSE = "NORMAL_TEMPORARY_FAILURE"


def user_url(engine: Engine, *parts: str) -> str:
    """An absolute v1 URL under the user (v1 §1.3)."""
    config = engine.config
    return "/".join((config.base_url.rstrip("/"), "v1", "users", config.account_id, *parts))


def v1_now(engine: Engine) -> str:
    """The engine's time as a v1 timestamp (whole seconds)."""
    return v1_timestamp(timestamp(engine.now))


@dataclass(eq=False, slots=True)
class V1Gather:
    """One `/gather`: its verb, state and result (`GET /calls/{id}/gather/{gatherId}`)."""

    gather_id: str
    verb: bxml.Gather
    created: str
    tag: str | None
    state: str = "started"
    reason: str | None = None
    digits: str = ""
    completed: str | None = None


@dataclass(eq=False)
class V1Leg(CallObserver):
    """A v1 call's settings, its gathers, recordings and event log, and its reporter."""

    events: Events
    recording: Recording = field(default_factory=Recording)
    application_id: str | None = None
    conference_id: str | None = None
    bridge_id: str | None = None
    transferring: bool = False
    rejected: bool = False
    gathers: dict[str, V1Gather] = field(default_factory=dict)
    recording_ids: list[str] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    # The verbs `/audio` asked for, by identity: their tag and whether they loop.
    audio: dict[int, tuple[str | None, bool]] = field(default_factory=dict)
    # A `<Transfer>` asked for by `state: transferring`, by identity: the B-leg's id and state.
    transfer_legs: dict[int, tuple[str, V1Leg]] = field(default_factory=dict)
    # What to do once the call is answered (join the bridge it was created for).
    on_answer: list[Callable[[], None]] = field(default_factory=list)
    # What to do when a verb run for a conference or bridge ends, by the verb's identity.
    after_verb: dict[int, Callable[[VerbRun, bool], None]] = field(default_factory=dict)

    # ---- sending -------------------------------------------------------------------------

    def send(self, engine: Engine, call: Call, event: V1Event, data: str | None = None) -> None:
        """Log the event for `/events` and send it to the call's events URL, if any."""
        entry: dict[str, Any] = {
            "id": engine.ids.v1("ce"),
            "time": v1_now(engine),
            "name": event.event_type,
        }
        if data is not None:
            entry["data"] = data
        self.log.append(entry)
        if self.events.callback is not None:
            engine.send_webhook(
                call, event, self.events.callback, sync=False, timeout_s=self.events.timeout_s
            )

    def log_only(self, engine: Engine, name: str, data: str | None = None) -> None:
        """A lifecycle step with no callback (`create`)."""
        entry: dict[str, Any] = {"id": engine.ids.v1("ce"), "time": v1_now(engine), "name": name}
        if data is not None:
            entry["data"] = data
        self.log.append(entry)

    # ---- the engine's moments --------------------------------------------------------------

    def call_answered(self, engine: Engine, call: Call) -> None:
        """`answer` (an inbound call's carries the application id, never a tag)."""
        event = Answer(
            from_=call.from_,
            to=call.to,
            call_id=call.call_id,
            call_uri=call.call_url,
            call_state="active",
            time=v1_now(engine),
            application_id=self.application_id,
            tag=None if self.application_id else call.tag,
        )
        self.send(engine, call, event)
        for then in self.on_answer:
            engine.set_timer(call, 0.0, then)  # after the answer's own work is done
        self.on_answer.clear()

    def transfer_leg_id(self, engine: Engine, call: Call, verb: object) -> str | None:
        """The B-leg id the REST answer already gave (`Location` of the new call)."""
        chosen = self.transfer_legs.get(id(verb))
        return chosen[0] if chosen else None

    def transfer_leg_created(self, engine: Engine, call: Call, b_leg: Call) -> None:
        """The B-leg is a v1 call reporting to the transfer's `callbackUrl`."""
        chosen = next(
            (leg for leg_id, leg in self.transfer_legs.values() if leg_id == b_leg.call_id), None
        )
        if chosen is None:
            return
        b_leg.observer = chosen
        b_leg.call_url = user_url(engine, "calls", b_leg.call_id)
        b_leg.to = b_leg.transfer_to or b_leg.to
        b_leg.from_ = b_leg.transfer_caller_id or call.from_
        chosen.log_only(engine, "create")

    def verb_started(self, engine: Engine, call: Call, run: VerbRun) -> None:
        """`speak`/`playback` `started` for audio `/audio` asked for."""
        asked = self.audio.get(id(run.verb))
        if asked is not None:
            spoken = isinstance(run.verb, bxml.SpeakSentence)
            self.audio_event(engine, call, spoken, "started", asked[0])

    def verb_ended(self, engine: Engine, call: Call, run: VerbRun, interrupted: bool) -> None:
        """`speak`/`playback` `done`, or the `gather` result; a looping audio plays again."""
        verb = run.verb
        after = self.after_verb.pop(id(verb), None)
        if after is not None:
            after(run, interrupted)
            return
        asked = self.audio.get(id(verb))
        if asked is not None:
            spoken = isinstance(verb, bxml.SpeakSentence)
            self.audio_event(engine, call, spoken, "done", asked[0])
            if asked[1] and not interrupted and not call.ended:
                enqueue(engine, call, verb, first=True)
            else:
                del self.audio[id(verb)]
            return
        if id(verb) in self.transfer_legs:
            del self.transfer_legs[id(verb)]
            self.transferring = False
            if getattr(run, "winner", None) is not None and not interrupted and not call.ended:
                engine.end_call(call, "hangup")  # the bridged call is over for both sides
            return
        gather = self._gather_of(verb)
        if gather is not None:
            reason = getattr(run, "reason", None)
            if reason is None and call.cause is not None:
                reason = "hung-up"
            self.complete_gather(engine, call, gather, getattr(run, "digits", ""), reason)

    def digit_pressed(self, engine: Engine, call: Call, digit: str, tone_s: float) -> None:
        """One `dtmf` per key, during a gather too (v1 §8 #9)."""
        event = Dtmf(
            call_id=call.call_id,
            call_uri=call.call_url,
            dtmf_digit=digit,
            dtmf_duration=str(round(tone_s * MS_PER_S)),
            time=v1_now(engine),
            tag=call.tag,
        )
        self.send(engine, call, event, data=digit)

    def recording_done(self, engine: Engine, call: Call, recording: EngineRecording) -> None:
        """`recording` `complete`, then `transcription` when the call transcribes."""
        if recording.recording_id not in self.recording_ids:
            return
        event = RecordingEvent(
            call_id=call.call_id,
            recording_id=recording.recording_id,
            recording_uri=user_url(engine, "recordings", recording.recording_id),
            status="complete",
            state="complete",
            start_time=v1_timestamp(timestamp(recording.start_time)),
            end_time=v1_timestamp(timestamp(recording.end_time or engine.now)),
        )
        self.send(engine, call, event)
        transcript = recording.transcription
        if transcript is not None:
            self.send(engine, call, transcription_event(engine, recording))

    def call_ended(self, engine: Engine, call: Call) -> None:
        """`hangup` with v1's cause (a reject: `CALL_REJECTED`), `callState: completed`."""
        for gather in self.gathers.values():  # a gather still queued ends with the call
            if gather.state == "started":
                self.complete_gather(engine, call, gather, "", "hung-up")
        cause = call.cause or "hangup"
        if cause == "hangup":
            v1_cause = "NORMAL_CLEARING" if call.answer_time is not None else "ORIGINATOR_CANCEL"
        else:
            v1_cause = HANGUP_CAUSES.get(cause, OTHER_CAUSE)
        event = Hangup(
            from_=call.from_,
            to=call.to,
            call_id=call.call_id,
            call_uri=call.call_url,
            call_state="completed",
            cause=v1_cause,
            time=v1_now(engine),
            tag=call.tag,
        )
        self.send(engine, call, event, data=v1_cause)

    # ---- gathers ---------------------------------------------------------------------------

    def _gather_of(self, verb: Any) -> V1Gather | None:
        return next((g for g in self.gathers.values() if g.verb is verb), None)

    def complete_gather(
        self, engine: Engine, call: Call, gather: V1Gather, digits: str, reason: str | None
    ) -> None:
        """The gather is over: keep its result and send `gather`."""
        if gather.state == "completed":
            return
        gather.state, gather.digits, gather.reason = "completed", digits, reason
        gather.completed = v1_now(engine)
        event = Gather(
            reason=reason,
            state="completed",
            digits=digits,
            time=gather.completed,
            call_id=call.call_id,
            gather_id=gather.gather_id,
            tag=gather.tag,
        )
        self.send(engine, call, event, data=digits)

    def audio_event(
        self, engine: Engine, call: Call, spoken: bool, status: str, tag: str | None
    ) -> None:
        """`speak` (a sentence) or `playback` (a file), `started` or `done`, on this call."""
        event: V1Event
        if spoken:
            state = "PLAYBACK_START" if status == "started" else "PLAYBACK_STOP"
            event = Speak(
                call_id=call.call_id,
                call_uri=call.call_url,
                status=status,
                state=state,
                type="speak",
                time=v1_now(engine),
                tag=tag,
            )
        else:
            event = Playback(
                call_id=call.call_id,
                call_uri=call.call_url,
                status=status,
                time=v1_now(engine),
                tag=tag,
            )
        self.send(engine, call, event, data=status)


def transcription_event(engine: Engine, recording: EngineRecording) -> Transcription:
    """The `transcription` event of a transcribed recording (v1 §3.2)."""
    transcript = recording.transcription
    assert transcript is not None
    transcription_id = transcript.transcription_id
    if transcript.status != "available":
        return Transcription(
            status="error",
            recording_id=recording.recording_id,
            state="error",
            transcription_id=transcription_id,
        )
    return Transcription(
        transcription_uri=user_url(
            engine, "recordings", recording.recording_id, "transcriptions", transcription_id
        ),
        text_size=len(transcript.text),
        text=transcript.text[:TRANSCRIPT_EVENT_CHARS],
        status="completed",
        text_url=user_url(engine, "media", transcription_id),
        recording_id=recording.recording_id,
        state="completed",
        transcription_id=transcription_id,
    )


TRANSCRIPT_EVENT_CHARS = 1026


def enqueue(engine: Engine, call: Call, verb: Any, *, first: bool = False) -> None:
    """Run `verb` on the call after what runs now (`first`: before anything else queued)."""
    program = call.program
    if program is None:
        call.program = Program((verb,), call.base_url)
    elif first:
        rest = program.verbs[program.index :]
        program.verbs, program.index = (verb, *rest), 0
    else:
        program.verbs = (*program.verbs, verb)
    flow.advance(engine, call)


def leg_of(call: Call) -> V1Leg | None:
    """The v1 state of a call, or None for a v2 call."""
    observer = call.observer
    return observer if isinstance(observer, V1Leg) else None
