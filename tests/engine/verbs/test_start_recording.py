"""`<StartRecording>`, `<PauseRecording>`, `<ResumeRecording>`, `<StopRecording>`, and the REST
pause/resume (PUT /calls/{id}/recording)."""

from __future__ import annotations

from typing import Any

import pytest
from bandwidth import RecordingAvailableCallback, TranscriptionAvailableCallback
from bandwidth.models.bxml import (
    Pause,
    PauseRecording,
    ResumeRecording,
    SpeakSentence,
    StartRecording,
    StopRecording,
)

from ringback.engine import facts as f
from ringback.engine.media import Side, Sound
from ringback.engine.sim import Routes, Simulation
from ringback.engine.verbs.prompt import TTS_SECONDS_PER_WORD
from ringback.errors import CallStateError, EngineError
from ringback.phones.script import parse_script

from ..documents import response

ANSWER = "http://app.test/answer"
DISCONNECT = "http://app.test/disconnect"
AVAILABLE: dict[str, Any] = {"recording_available_url": "/recording-available"}


def run(*verbs: Any, steps: list[dict[str, Any]] | None = None) -> tuple[Simulation, str]:
    """Answer a call with these SDK verbs and run the far end's steps to the end."""
    sim = Simulation(Routes({"/answer": response(*verbs)}))
    phone = parse_script({"steps": steps or []})
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT, phone=phone)
    sim.run()
    return sim, call_id


def test_start_recording_runs_in_background_until_call_ends() -> None:
    """The program goes on at once; the recording ends with the call, announced after it."""
    sim, call_id = run(StartRecording(**AVAILABLE), Pause(4))
    assert sim.event_types() == ["answer", "disconnect", "recordingAvailable"]
    available = sim.events("recordingAvailable")[0]
    assert available.payload["duration"] == "PT4S"
    assert available.payload["channels"] == 1
    assert available.at == sim.events("disconnect")[0].at
    RecordingAvailableCallback.from_dict(available.payload)
    assert sim.engine.recordings[available.payload["recordingId"]].call_id == call_id


def test_start_recording_second_one_is_ignored() -> None:
    """A second `<StartRecording>` while one runs does nothing: one recording, one event."""
    sim, _ = run(StartRecording(**AVAILABLE), Pause(1), StartRecording(**AVAILABLE), Pause(1))
    assert len(sim.events("recordingAvailable")) == 1
    assert sim.events("recordingAvailable")[0].payload["duration"] == "PT2S"
    assert len(sim.engine.recordings) == 1


def test_start_recording_paused_spans_are_excluded_from_duration() -> None:
    """Record 3 s, pause 2 s, record 1 s: a 4 s file whose speech during the pause is missing."""
    sim, _ = run(
        StartRecording(transcribe=True, transcription_available_url="/t", **AVAILABLE),
        Pause(3),
        PauseRecording(),
        Pause(2),
        ResumeRecording(),
        Pause(1),
        StopRecording(),
        Pause(5),
        steps=[
            {"waitFor": "record"},
            {"say": "kept", "duration": 1},
            {"wait": 2.5},
            {"say": "secret", "duration": 1},
            {"wait": 1},
            {"say": "also kept", "duration": 0.5},
        ],
    )
    available = sim.events("recordingAvailable")[0]
    assert available.payload["duration"] == "PT4S"
    assert available.payload["endTime"] < sim.events("disconnect")[0].payload["endTime"]
    (recording,) = sim.saved
    start = recording.start_time
    assert recording.paused_spans == [(pytest.approx(start + 3), pytest.approx(start + 5))]
    assert recording.transcription is not None
    assert recording.transcription.text == "kept also kept"
    speech = [(s.start, s.end) for s in recording.segments if s.sound is Sound.SPEECH]
    # "also kept" is said 5.5 s in, half a second after the resume at 5 s: at 3.5 s of the file.
    assert speech == [(0.0, 1.0), (3.5, 4.0)]
    TranscriptionAvailableCallback.from_dict(sim.events("transcriptionAvailable")[0].payload)


def test_start_recording_stop_announces_at_once_and_call_goes_on() -> None:
    """`<StopRecording>` ends it now: recordingAvailable is sent then, not at the call's end."""
    sim, _ = run(StartRecording(**AVAILABLE), Pause(2), StopRecording(), Pause(3))
    available, disconnect = sim.events("recordingAvailable")[0], sim.events("disconnect")[0]
    assert available.payload["duration"] == "PT2S"
    assert disconnect.at - available.at == pytest.approx(3)


def test_start_recording_again_after_stop_makes_a_second_recording() -> None:
    """Start, stop, start again: two recordings with different ids."""
    sim, _ = run(
        StartRecording(**AVAILABLE),
        Pause(1),
        StopRecording(),
        StartRecording(**AVAILABLE),
        Pause(2),
    )
    first, second = sim.events("recordingAvailable")
    assert first.payload["recordingId"] != second.payload["recordingId"]
    assert [first.payload["duration"], second.payload["duration"]] == ["PT1S", "PT2S"]


def test_start_recording_controls_are_no_ops_without_recording() -> None:
    """Pause, resume and stop with nothing recording: no events, no time, no error."""
    sim, _ = run(PauseRecording(), ResumeRecording(), StopRecording(), Pause(1))
    assert sim.event_types() == ["answer", "disconnect"]
    assert sim.saved == []


def test_start_recording_pause_while_paused_and_resume_while_recording_do_nothing() -> None:
    """Repeated pauses keep the first pause's start; a resume while recording adds no span."""
    sim, _ = run(
        StartRecording(**AVAILABLE),
        ResumeRecording(),
        Pause(1),
        PauseRecording(),
        Pause(1),
        PauseRecording(),
        Pause(1),
        ResumeRecording(),
        Pause(1),
    )
    assert sim.events("recordingAvailable")[0].payload["duration"] == "PT2S"
    assert len(sim.saved[0].paused_spans) == 1


def test_start_recording_paused_until_hangup() -> None:
    """A recording still paused when the call ends: the pause lasts to the end."""
    sim, _ = run(StartRecording(**AVAILABLE), Pause(2), PauseRecording(), Pause(3))
    assert sim.events("recordingAvailable")[0].payload["duration"] == "PT2S"


def test_start_recording_multichannel_splits_far_end_and_prompts() -> None:
    """`multiChannel`: two channels, far end on 0, prompts on 1; transcripts of each."""
    sentence = "thanks for calling"
    sim, _ = run(
        StartRecording(multi_channel=True, transcribe=True, **AVAILABLE),
        SpeakSentence(sentence),
        Pause(2),
        steps=[{"waitFor": {"heard": "thanks"}}, {"say": "hello", "duration": 1}],
    )
    available = sim.events("recordingAvailable")[0]
    assert available.payload["channels"] == 2
    (recording,) = sim.saved
    channels = {(s.side, s.text): recording.channel_of(s) for s in recording.segments}
    assert channels == {(Side.PLATFORM, sentence): 1, (Side.FAR, "hello"): 0}
    assert recording.transcription is not None
    assert recording.transcription.text == "hello"
    assert recording.transcription.prompt_text == sentence
    assert recording.duration_s == pytest.approx(3 * TTS_SECONDS_PER_WORD + 2)


def test_start_recording_wakes_far_end_waiting_for_record() -> None:
    """`waitFor: record` is met by a background recording, not by a paused one."""
    sim, _ = run(
        StartRecording(**AVAILABLE),
        PauseRecording(),
        Pause(1),
        ResumeRecording(),
        Pause(3),
        steps=[{"wait": 0.5}, {"waitFor": "record"}, {"say": "now", "duration": 1}],
    )
    (speech,) = [s for s in sim.saved[0].segments if s.sound is Sound.SPEECH]
    assert (speech.start, speech.end) == (0.0, 1.0)  # said whole, once the recording resumed


def test_start_recording_file_format_and_name_are_reported() -> None:
    """`fileFormat` and `recordingName` reach the event and the metadata."""
    sim, _ = run(
        StartRecording(file_format="mp3", recording_name="greeting", **AVAILABLE), Pause(1)
    )
    payload = sim.events("recordingAvailable")[0].payload
    assert payload["fileFormat"] == "mp3"
    assert payload["recordingName"] == "greeting"
    assert sim.saved[0].metadata()["recordingName"] == "greeting"


# ---- PUT /calls/{id}/recording ----------------------------------------------------------------


def api_sim() -> tuple[Simulation, str]:
    """A call recording in the background for ten seconds, stopped at the first second."""
    sim = Simulation(Routes({"/answer": response(StartRecording(**AVAILABLE), Pause(10))}))
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run(until=sim.now + 2)
    return sim, call_id


def test_start_recording_api_pause_and_resume() -> None:
    """Paused through the API from 2 s to 6 s of the call: the 10 s recording lasts 6 s."""
    sim, call_id = api_sim()
    sim.feed(f.RecordingStateRequested(sim.now, call_id, "paused"))
    sim.feed(f.RecordingStateRequested(sim.now, call_id, "paused"))  # already paused: no-op
    sim.run(until=sim.now + 4)
    sim.feed(f.RecordingStateRequested(sim.now, call_id, "recording"))
    sim.run()
    assert sim.events("recordingAvailable")[0].payload["duration"] == "PT6S"


def test_start_recording_api_without_recording_is_a_state_error() -> None:
    """No recording in progress: CallStateError (409) naming the call."""
    sim = Simulation(Routes({"/answer": response(Pause(10))}))
    call_id = sim.place_call(ANSWER)
    sim.run(until=sim.now + 2)
    with pytest.raises(CallStateError, match=call_id):
        sim.feed(f.RecordingStateRequested(sim.now, call_id, "paused"))


def test_start_recording_api_after_call_ended_is_a_state_error() -> None:
    """An ended call cannot have its recording paused."""
    sim, call_id = api_sim()
    sim.run()
    with pytest.raises(CallStateError, match="cannot be modified"):
        sim.feed(f.RecordingStateRequested(sim.now, call_id, "recording"))


def test_start_recording_api_unknown_state_is_rejected() -> None:
    """A state other than paused/recording is a caller bug."""
    sim, call_id = api_sim()
    with pytest.raises(EngineError, match="'stopped'"):
        sim.feed(f.RecordingStateRequested(sim.now, call_id, "stopped"))  # type: ignore[arg-type]
