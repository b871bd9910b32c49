"""`<Record>`: every way it ends, its three webhooks, their order, and what the file holds."""

from __future__ import annotations

from typing import Any

import pytest
from bandwidth import (
    DisconnectCallback,
    RecordingAvailableCallback,
    RecordingCompleteCallback,
    TranscriptionAvailableCallback,
)
from bandwidth.models.bxml import Hangup, Pause, Record, SpeakSentence, StartRecording
from hypothesis import given, settings
from hypothesis import strategies as st

from ringback.engine.actions import EndCall, SaveRecording
from ringback.engine.media import Side, Sound
from ringback.engine.sim import Routes, Simulation, Webhook
from ringback.events import seconds_from_duration
from ringback.phones.script import parse_script

from ..documents import response

ANSWER = "http://app.test/answer"
DISCONNECT = "http://app.test/disconnect"
URLS: dict[str, Any] = {
    "record_complete_url": "/record-complete",
    "recording_available_url": "/recording-available",
    "transcription_available_url": "/transcription-available",
}


def run_record(
    steps: list[dict[str, Any]],
    *,
    after: str | None = None,
    **record: Any,
) -> tuple[Simulation, str]:
    """Answer a call with `<Record>` and run the far end's steps; `/record-complete` → `after`."""
    routes = {"/answer": response(Record(**record))}
    if after is not None:
        routes["/record-complete"] = after
    sim = Simulation(Routes(routes))
    phone = parse_script({"steps": steps})
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT, phone=phone)
    sim.run()
    return sim, call_id


def recorded_seconds(hook: Webhook) -> float:
    """The `duration` of a recording event, in seconds."""
    return seconds_from_duration(hook.payload["duration"])


def test_record_terminating_digit_ends_it_and_is_not_recorded() -> None:
    """Two seconds of speech, then `#`: the file ends where the `#` tone began (PT2S)."""
    sim, call_id = run_record(
        [{"waitFor": "record"}, {"say": "call me back", "duration": 2}, {"press": "#"}],
        after=response(Hangup()),
        **URLS,
    )
    assert sim.event_types() == [
        "answer",
        "recordComplete",
        "recordingAvailable",
        "disconnect",
    ]
    complete = sim.events("recordComplete")[0]
    assert complete.payload["duration"] == "PT2S"
    assert complete.payload["startTime"] == sim.events("answer")[0].payload["answerTime"]
    assert complete.url == "http://app.test/record-complete"
    RecordingCompleteCallback.from_dict(complete.payload)
    (recording,) = sim.saved
    assert recording.call_id == call_id
    assert [(s.sound, s.text) for s in recording.segments] == [(Sound.SPEECH, "call me back")]
    assert complete.at - sim.events("answer")[0].at == pytest.approx(2.1)  # heard after its tone


def test_record_terminating_digits_are_configurable() -> None:
    """`terminatingDigits="*"`: `#` is recorded as a tone and `*` ends the recording."""
    sim, _ = run_record(
        [{"waitFor": "record"}, {"press": "1#*"}],
        terminating_digits="*",
        recording_available_url="/recording-available",
    )
    (recording,) = sim.saved
    assert [s.text for s in recording.segments if s.sound is Sound.DTMF] == ["1", "#"]
    assert recording.duration_s == pytest.approx(0.4)


def test_record_empty_terminating_digits_disable_them_until_max_duration() -> None:
    """`terminatingDigits=""`: `#` does not end it; `maxDuration` does, exactly."""
    sim, _ = run_record(
        [{"waitFor": "record"}, {"press": "#"}],
        terminating_digits="",
        max_duration=5,
        **URLS,
    )
    complete = sim.events("recordComplete")[0]
    assert complete.payload["duration"] == "PT5S"
    assert complete.at - sim.events("answer")[0].at == pytest.approx(5)


def test_record_max_duration_without_url_goes_on_to_next_verb() -> None:
    """No `recordCompleteUrl`: after maxDuration the next verb runs (here a sentence)."""
    sim = Simulation(Routes({"/answer": response(Record(max_duration=3), SpeakSentence("bye"))}))
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    assert sim.event_types() == ["answer", "disconnect"]
    assert sim.saved[0].duration_s == 3
    prompt = sim.call(call_id).media.segments[-1]
    assert prompt.text == "bye"
    assert prompt.start - sim.saved[0].start_time == pytest.approx(3)


def test_record_complete_url_discards_later_verbs() -> None:
    """With `recordCompleteUrl` the verbs after `<Record>` never run; the reply does."""
    sim = Simulation(
        Routes(
            {
                "/answer": response(
                    Record(max_duration=1, record_complete_url="/done"), SpeakSentence("never")
                ),
                "/done": response(SpeakSentence("thanks")),
            }
        )
    )
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    assert [s.text for s in sim.call(call_id).media.segments] == ["thanks"]


def test_record_silence_timeout_counts_from_last_far_end_sound() -> None:
    """Speech 0–2 s, silence, speech 3–4 s, then 3 s of silence: the recording is 7 s long."""
    sim, _ = run_record(
        [
            {"waitFor": "record"},
            {"say": "hello there", "duration": 2},
            {"wait": 1},
            {"say": "bye", "duration": 1},
        ],
        silence_timeout=3,
        **URLS,
    )
    complete = sim.events("recordComplete")[0]
    assert complete.payload["duration"] == "PT7S"
    assert sim.saved[0].far_words() == ["hello", "there", "bye"]


def test_record_silence_timeout_with_no_sound_at_all() -> None:
    """A silent phone: the recording ends `silenceTimeout` after it started."""
    sim, _ = run_record([], silence_timeout=2.5, **URLS)
    assert sim.events("recordComplete")[0].payload["duration"] == "PT2.5S"


def test_record_digits_count_as_sound_for_silence() -> None:
    """A tone at 1.5 s keeps the line from being silent: it ends 2 s after the tone (3.6 s)."""
    sim, _ = run_record(
        [{"waitFor": "record"}, {"wait": 1.5}, {"press": "5"}],
        silence_timeout=2,
        **URLS,
    )
    assert sim.events("recordComplete")[0].payload["duration"] == "PT3.6S"


def test_record_hangup_sends_no_record_complete() -> None:
    """The far end hangs up mid-recording: no `recordComplete`, the file up to the hangup."""
    sim, _ = run_record(
        [{"waitFor": "record"}, {"say": "goodbye now", "duration": 1.5}, {"hangup": True}],
        after=response(SpeakSentence("never")),
        **URLS,
    )
    assert sim.event_types() == ["answer", "disconnect", "recordingAvailable"]
    available = sim.events("recordingAvailable")[0]
    assert available.payload["duration"] == "PT1.5S"
    assert available.payload["status"] == "complete"
    RecordingAvailableCallback.from_dict(available.payload)
    DisconnectCallback.from_dict(sim.events("disconnect")[0].payload)


def test_record_announces_before_end_call() -> None:
    """On hangup the file is saved and announced before the call's `EndCall`."""
    sim, call_id = run_record([{"waitFor": "record"}, {"wait": 1}, {"hangup": True}], **URLS)
    kinds = [type(a).__name__ for a in sim.actions if getattr(a, "call_id", None) == call_id]
    assert kinds.index("SaveRecording") < kinds.index("EndCall")
    assert kinds[-1] == "EndCall"
    assert sim.engine.pending_timers == 0


def test_record_events_order_and_payloads() -> None:
    """recordComplete, then the file is saved, then recordingAvailable, transcriptionAvailable."""
    words = "please call me back tomorrow"
    sim, call_id = run_record(
        [{"waitFor": "record"}, {"say": words, "duration": 3}, {"press": "#"}],
        after=response(Hangup()),
        transcribe=True,
        tag="voicemail",
        **URLS,
    )
    sent = [
        a.event.event_type if not isinstance(a, SaveRecording) else "save"
        for a in sim.actions
        if isinstance(a, SaveRecording) or type(a).__name__ == "SendWebhook"
    ]
    assert sent == [
        "answer",
        "recordComplete",
        "save",
        "recordingAvailable",
        "transcriptionAvailable",
        "disconnect",
    ]
    complete, available, transcribed = (
        sim.events(kind)[0]
        for kind in ("recordComplete", "recordingAvailable", "transcriptionAvailable")
    )
    assert complete.at == available.at == transcribed.at
    for hook in (complete, available, transcribed):
        assert hook.payload["tag"] == "voicemail"
        assert hook.payload["recordingId"] == sim.saved[0].recording_id
        assert hook.payload["duration"] == "PT3S"
    recording_id = sim.saved[0].recording_id
    assert available.payload["mediaUrl"] == (
        f"http://127.0.0.1:8080/api/v2/accounts/9900000/calls/{call_id}"
        f"/recordings/{recording_id}/media"
    )
    transcription = transcribed.payload["transcription"]
    assert transcription["status"] == "available"
    assert transcription["url"].endswith(f"/recordings/{recording_id}/transcription")
    assert transcription["id"].startswith("t-")
    RecordingCompleteCallback.from_dict(complete.payload)
    RecordingAvailableCallback.from_dict(available.payload)
    TranscriptionAvailableCallback.from_dict(transcribed.payload)
    assert sim.saved[0].transcription is not None
    assert sim.saved[0].transcription.text == words


def test_record_transcription_too_short_says_so() -> None:
    """A 0.3 s recording is not transcribed: status `file-size-too-small`, no text."""
    sim, _ = run_record(
        [{"waitFor": "record"}, {"wait": 0.3}, {"press": "#"}], transcribe=True, **URLS
    )
    transcribed = sim.events("transcriptionAvailable")[0]
    assert transcribed.payload["transcription"]["status"] == "file-size-too-small"
    assert sim.saved[0].transcription is not None
    assert sim.saved[0].transcription.text == ""


def test_record_cut_mid_sentence_keeps_words_already_said() -> None:
    """Four words over 4 s, maxDuration 2: the transcript holds the first two."""
    sim, _ = run_record(
        [{"waitFor": "record"}, {"say": "one two three four", "duration": 4}],
        max_duration=2,
        transcribe=True,
        **URLS,
    )
    assert sim.saved[0].transcription is not None
    assert sim.saved[0].transcription.text == "one two"


def test_record_answers_inbound_call_and_uses_relative_urls() -> None:
    """An inbound call is answered by `<Record>`; relative URLs resolve against `initiate`'s."""
    sim = Simulation(
        Routes({"/app/initiate": response(Record(max_duration=1, **URLS))}, default=None)
    )
    call_id = sim.receive_call("http://app.test/app/initiate", status_url=DISCONNECT)
    sim.run()
    assert sim.call(call_id).answer_time is not None
    assert sim.events("recordComplete")[0].url == "http://app.test/record-complete"
    assert sim.events("recordingAvailable")[0].payload["direction"] == "inbound"


def test_record_far_end_speech_is_on_the_far_end_channel() -> None:
    """`<Record>` files have one channel; far-end speech is on it."""
    sim, _ = run_record([{"waitFor": "record"}, {"say": "hi", "duration": 1}], max_duration=2)
    (recording,) = sim.saved
    assert recording.channels == 1
    assert [(s.side, recording.channel_of(s)) for s in recording.segments] == [(Side.FAR, 0)]


def test_record_inside_background_recording_makes_two_recordings() -> None:
    """`<Record>` during `<StartRecording>`: both files; the background one keeps `record` on."""
    sim = Simulation(
        Routes(
            {
                "/answer": response(
                    StartRecording(recording_available_url="/bg"),
                    Record(max_duration=2, recording_available_url="/fg"),
                    Pause(3),
                )
            }
        )
    )
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run(until=sim.now + 1 + 2.5)
    assert "record" in sim.call(call_id).activities
    sim.run()
    assert [(w.path, w.payload["duration"]) for w in sim.events("recordingAvailable")] == [
        ("/fg", "PT2S"),
        ("/bg", "PT5S"),
    ]


STEP = st.one_of(
    st.builds(lambda s: {"say": "word " * 3, "duration": s}, st.sampled_from([0.5, 1, 2.5])),
    st.builds(lambda d: {"press": d}, st.sampled_from(["1", "#", "12#", "*"])),
    st.builds(lambda s: {"wait": s}, st.sampled_from([0.5, 1, 4])),
    st.just({"hangup": True}),
)


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(STEP, max_size=6),
    max_duration=st.sampled_from([1, 3, 10]),
    silence_timeout=st.sampled_from([0, 1.5, 3]),
    terminating=st.sampled_from(["#", "", "*#"]),
)
def test_record_invariants(
    steps: list[dict[str, Any]], max_duration: int, silence_timeout: float, terminating: str
) -> None:
    """Any far end: one file, at most maxDuration long, announced once, every timer settled."""
    sim, call_id = run_record(
        [{"waitFor": "record"}, *steps],
        after=response(Hangup()),
        max_duration=max_duration,
        silence_timeout=silence_timeout,
        terminating_digits=terminating,
        transcribe=True,
        **URLS,
    )
    assert sim.engine.pending_timers == 0
    assert len(sim.saved) == 1
    assert sim.saved[0].duration_s <= max_duration
    assert len(sim.events("recordingAvailable")) == 1
    assert len(sim.events("transcriptionAvailable")) == 1
    assert len(sim.events("disconnect")) == 1
    assert len(sim.events("recordComplete")) <= 1
    end = next(i for i, a in enumerate(sim.actions) if isinstance(a, EndCall))
    assert all(getattr(a, "call_id", None) != call_id for a in sim.actions[end + 1 :])
    for hook in sim.events("recordComplete"):
        assert recorded_seconds(hook) == pytest.approx(sim.saved[0].duration_s)
        RecordingCompleteCallback.from_dict(hook.payload)
