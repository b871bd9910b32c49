"""Background recording of a call: `<StartRecording>`, `<PauseRecording>`, `<ResumeRecording>`,
`<StopRecording>`, PUT /calls/{id}/recording, and announcing a finished
call recording, which `<Record>` shares.

How this works. `<StartRecording>` opens a `Recording` and keeps a `BackgroundRecording` feature
on the call under `FEATURE_NAME`; the other three verbs and the REST request find it there.
A recording that ends is announced at once, on the virtual clock, in this order: its transcript
is made (if `transcribe`), `SaveRecording` asks the runtime to write the file, then
`recordingAvailable` and `transcriptionAvailable` go out (async; when the recording ended with
the call, after its `disconnect`, through `Engine.after_disconnect`). While any recording of the
call is live (not paused) the platform's `record` activity is on, for `waitFor: record`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ringback.bxml import PauseRecording, ResumeRecording, StartRecording, StopRecording
from ringback.engine import farend
from ringback.engine.actions import SaveRecording
from ringback.engine.payloads import timestamp
from ringback.engine.recordings import Recording
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import Feature, VerbRun
from ringback.errors import CallStateError, EngineError
from ringback.events import RecordingAvailableEvent, Transcription, TranscriptionAvailableEvent
from ringback.phones.script import Condition

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.core import Engine
    from ringback.engine.requests import Callback

FEATURE_NAME = "recording"
# call.extra key: ids of the call's recordings that are capturing sound now.
_LIVE_KEY = "live_recordings"


@dataclass(frozen=True, slots=True)
class RecordingCallbacks:
    """Where a call recording is announced, and whether it is transcribed."""

    available: Callback | None
    transcription: Callback | None
    transcribe: bool
    transcription_id: str | None = None  # a v1 call's `tr-` id; None: the engine's own


def open_call_recording(
    engine: Engine,
    call: Call,
    *,
    channels: int = 1,
    file_format: str = "wav",
    recording_name: str | None = None,
    recording_id: str | None = None,
) -> Recording:
    """Start a recording of `call` now and keep it in `engine.recordings`."""
    recording = Recording.of_call(
        recording_id or engine.ids.recording(),
        call,
        engine.now,
        channels=channels,
        file_format=file_format,
        recording_name=recording_name,
    )
    engine.recordings[recording.recording_id] = recording
    engine.note(
        call,
        "recording",
        f"recording {recording.recording_id} started",
        recordingId=recording.recording_id,
        channels=channels,
    )
    return recording


def set_live(engine: Engine, call: Call, recording: Recording, live: bool) -> None:
    """Note whether `recording` captures sound now; `record` is on while any recording does."""
    recording_ids: set[str] = call.extra.setdefault(_LIVE_KEY, set())
    if live:
        recording_ids.add(recording.recording_id)
        farend.begin_activity(engine, call, Condition.RECORD)  # may run far-end steps at once
    else:
        recording_ids.discard(recording.recording_id)
        if not recording_ids:
            farend.end_activity(call, Condition.RECORD)


def announce(
    engine: Engine, call: Call, recording: Recording, callbacks: RecordingCallbacks
) -> None:
    """A finished recording: transcribe it, save it, then send the async webhooks about it.

    A recording of 0.5 s or less gets the transcription status `file-size-too-small`, one of
    4 h or more `file-size-too-big`, with no text; `transcriptionAvailable` still goes out, so
    the application learns why there is no transcript.
    """
    if callbacks.transcribe:
        transcription_id = callbacks.transcription_id or engine.ids.transcription()
        recording.transcribe(transcription_id, engine.now)
    engine.emit(SaveRecording(recording))
    engine.note(
        call,
        "recording",
        f"recording {recording.recording_id} available ({recording.duration_s:g} s)",
        recordingId=recording.recording_id,
        duration=recording.duration_s,
    )
    engine.after_disconnect(call, lambda: _send_available(engine, call, recording, callbacks))


def _send_available(
    engine: Engine, call: Call, recording: Recording, callbacks: RecordingCallbacks
) -> None:
    if call.observer is not None:
        call.observer.recording_done(engine, call, recording)
    fields = recording.event_fields()
    if callbacks.available is not None:
        event = engine.event(
            RecordingAvailableEvent,
            call,
            **fields,
            status=recording.status,
            recording_name=recording.recording_name,
        )
        engine.send_webhook(call, event, callbacks.available, sync=False)
    transcript = recording.transcription
    if transcript is not None and callbacks.transcription is not None:
        del fields["channels"]  # transcriptionAvailable has no channel count
        summary = Transcription(
            id=transcript.transcription_id,
            status=transcript.status,
            url=transcript.url,
            completed_time=timestamp(transcript.completed_time),
        )
        event = engine.event(TranscriptionAvailableEvent, call, **fields, transcription=summary)
        engine.send_webhook(call, event, callbacks.transcription, sync=False)


class BackgroundRecording(Feature):
    """The call's `<StartRecording>` recording, until `<StopRecording>` or the call's end."""

    def __init__(
        self, engine: Engine, call: Call, recording: Recording, callbacks: RecordingCallbacks
    ) -> None:
        self.engine = engine
        self.call = call
        self.recording = recording
        self.callbacks = callbacks

    def pause(self) -> None:
        """Stop capturing sound; the paused span is left out of the file and the duration."""
        if self.recording.paused:
            return
        self.recording.pause(self.engine.now)
        self.engine.note(self.call, "recording", "recording paused")
        set_live(self.engine, self.call, self.recording, live=False)

    def resume(self) -> None:
        """Capture sound again."""
        if not self.recording.paused:
            return
        self.recording.resume(self.engine.now)
        self.engine.note(self.call, "recording", "recording resumed")
        set_live(self.engine, self.call, self.recording, live=True)

    def stop(self) -> None:
        """End the recording now (active or paused) and announce it."""
        if self.call.features.get(FEATURE_NAME) is self:
            del self.call.features[FEATURE_NAME]
        self._finish()

    def on_call_end(self) -> None:
        """The call ended: the recording ends with it."""
        self._finish()

    def _finish(self) -> None:
        if self.recording.finished:
            return
        self.recording.finish(self.engine.now, self.call.media)
        set_live(self.engine, self.call, self.recording, live=False)
        announce(self.engine, self.call, self.recording, self.callbacks)


def background_recording(call: Call) -> BackgroundRecording | None:
    """The call's `<StartRecording>` recording, if one is running or paused."""
    feature = call.features.get(FEATURE_NAME)
    return feature if isinstance(feature, BackgroundRecording) else None


@handles(StartRecording)
class StartRecordingRun(VerbRun):
    """Start recording both sides of the call in the background, then go on at once.

    Only one at a time: a second `<StartRecording>` while one runs (or is paused) is ignored.
    `multiChannel` gives two channels, 0 the far end and 1 the platform's prompts.
    Simplifications: during a `<Transfer>` the channels are not split into A-leg and B-leg;
    `recordingAvailable` and `transcriptionAvailable` are sent on the instant the recording
    ends (no processing delay; one that ends with the call right after its `disconnect`);
    `detectLanguage` is ignored.
    """

    def start(self) -> None:
        """Open the recording and keep it on the call."""
        engine, call, verb = self.engine, self.call, self.verb
        if background_recording(call) is not None:
            engine.note(call, "recording", "<StartRecording> ignored: already recording")
            self.done()
            return
        recording = open_call_recording(
            engine,
            call,
            channels=2 if verb.multi_channel else 1,
            file_format=verb.file_format,
            recording_name=verb.recording_name,
        )
        callbacks = RecordingCallbacks(
            available=self.callback("recording_available"),
            transcription=self.callback("transcription_available"),
            transcribe=verb.transcribe,
        )
        call.features[FEATURE_NAME] = BackgroundRecording(engine, call, recording, callbacks)
        set_live(engine, call, recording, live=True)
        self.done()


class _RecordingControlRun(VerbRun):
    """A verb that acts on the background recording and takes no time; no-op without one."""

    ANSWERS_CALL = False
    ACTION: str = ""

    def start(self) -> None:
        """Act on the recording, if any, and go on."""
        feature = background_recording(self.call)
        if feature is None:
            name = type(self.verb).__name__
            self.engine.note(self.call, "recording", f"<{name}> ignored: nothing recording")
        else:
            self.act(feature)
        self.done()

    def act(self, feature: BackgroundRecording) -> None:
        """What the verb does to the recording."""
        raise NotImplementedError


@handles(PauseRecording)
class PauseRecordingRun(_RecordingControlRun):
    """Pause the background recording; a no-op if nothing is recording or it is paused."""

    def act(self, feature: BackgroundRecording) -> None:
        """Pause."""
        feature.pause()


@handles(ResumeRecording)
class ResumeRecordingRun(_RecordingControlRun):
    """Resume the paused background recording; a no-op if nothing is paused."""

    def act(self, feature: BackgroundRecording) -> None:
        """Resume."""
        feature.resume()


@handles(StopRecording)
class StopRecordingRun(_RecordingControlRun):
    """End the background recording (running or paused): `recordingAvailable` follows."""

    def act(self, feature: BackgroundRecording) -> None:
        """Stop and announce."""
        feature.stop()


# ---- PUT /calls/{id}/recording --------------------------------------------------------------


def pause_recording(engine: Engine, call: Call) -> None:
    """Pause the call's `<StartRecording>` recording (CallStateError, i.e. 409, if none)."""
    _require_recording(call, "pause").pause()


def resume_recording(engine: Engine, call: Call) -> None:
    """Resume the call's paused recording (CallStateError, i.e. 409, if none)."""
    _require_recording(call, "resume").resume()


def set_recording_state(engine: Engine, call: Call, state: Literal["paused", "recording"]) -> None:
    """PUT /calls/{id}/recording `{"state": ...}`; asking for the current state does nothing.

    Only the `<StartRecording>` recording is controlled this way; a `<Record>` is not paused.
    """
    if state == "paused":
        pause_recording(engine, call)
    elif state == "recording":
        resume_recording(engine, call)
    else:
        raise EngineError(f"recording state must be 'paused' or 'recording', got {state!r}")


def _require_recording(call: Call, verb: str) -> BackgroundRecording:
    feature = background_recording(call)
    if feature is None:
        raise CallStateError(
            f"Call [{call.call_id}] has no recording in progress to {verb}"
            " (start one with <StartRecording>)"
        )
    return feature
