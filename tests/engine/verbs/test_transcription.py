"""`<StartTranscription>`/`<StopTranscription>`: realTimeTranscription* events and transcripts."""

from __future__ import annotations

import pytest
from bandwidth import CallTranscriptionMetadata, CallTranscriptionResponse
from bandwidth.models.bxml import (
    Hangup,
    Pause,
    SpeakSentence,
    StartTranscription,
    StopTranscription,
)

from ringback.engine.sim import Routes, Simulation
from ringback.engine.verbs.transcription import live_transcriptions
from ringback.engine.verbs.transcripts import transcripts
from ringback.phones.script import parse_script

from ..documents import response
from ..schemas import assert_matches_schema

ANSWER = "http://app.test/app/answer"
EVENTS = "http://app.test/app/transcripts"
DISCONNECT = "http://app.test/disconnect"

# The far end answers after 1 s, then (from the answer) says words at 0–1 s, 3–5 s and 10–11 s.
TALKER = parse_script(
    {
        "answerAfter": 1,
        "steps": [
            {"say": "hello there", "duration": 1},
            {"wait": 2},
            {"say": "my account number", "duration": 2},
            {"wait": 5},
            {"say": "goodbye now", "duration": 1},
        ],
    }
)


def transcription(
    name: str | None = None,
    *,
    destination: str | None = "wss://live.app.test",
    events: str | None = "transcripts",
    tracks: str | None = None,
) -> StartTranscription:
    """A StartTranscription; by default with a destination and a (relative) event URL."""
    return StartTranscription(
        name=name, tracks=tracks, destination=destination, transcription_event_url=events
    )


def run(*verbs: object) -> tuple[Simulation, str]:
    """An outbound call to the TALKER phone whose answer BXML is `verbs`, run to the end."""
    sim = Simulation(Routes({"/app/answer": response(*verbs)}))
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT, phone=TALKER)
    sim.run()
    return sim, call_id


def test_transcription_events_with_destination_and_url() -> None:
    """Started, Stopped (closed, duration), Available (status, url, completedTime); schemas hold."""
    sim, call_id = run(transcription("live"), Pause(3), StopTranscription("live"), Pause(1))
    assert sim.event_types(call_id) == [
        "answer",
        "realTimeTranscriptionStarted",
        "realTimeTranscriptionStopped",
        "realTimeTranscriptionAvailable",
        "disconnect",
    ]
    hooks = sim.events(call_id=call_id)[1:4]
    for hook in hooks:
        assert hook.url == EVENTS
        assert not hook.sync
        assert_matches_schema(hook.payload)
        assert "transcription" not in hook.payload  # the spec's key is realTimeTranscription
    started, stopped, available = (h.payload["realTimeTranscription"] for h in hooks)
    assert started["id"].startswith("t-")
    assert started["name"] == "live"
    assert started["tracks"] == ["inbound"]
    assert started["destination"] == "wss://live.app.test"
    assert started["stabilized"] is True
    assert stopped == {**started, "duration": "PT3S"}
    assert hooks[1].payload["cause"] == "closed"
    assert available["status"] == "available"
    assert available["url"].endswith(f"/calls/{call_id}/transcriptions/{started['id']}")
    assert available["completedTime"] == hooks[2].payload["eventTime"]


def test_transcription_with_url_only_sends_available_only() -> None:
    """Without `destination`, only realTimeTranscriptionAvailable goes to the event URL."""
    sim, call_id = run(transcription("t", destination=None), Pause(2))
    assert sim.event_types(call_id) == ["answer", "realTimeTranscriptionAvailable", "disconnect"]
    payload = sim.events("realTimeTranscriptionAvailable")[0].payload
    assert_matches_schema(payload)
    assert "destination" not in payload["realTimeTranscription"]
    assert "stabilized" not in payload["realTimeTranscription"]


@pytest.mark.parametrize("destination", [None, "wss://live.app.test"])
def test_transcription_without_url_sends_nothing_but_keeps_transcript(
    destination: str | None,
) -> None:
    """No `transcriptionEventUrl`: no webhooks, the transcript is still kept."""
    sim, call_id = run(transcription("t", destination=destination, events=None), Pause(6))
    assert sim.event_types(call_id) == ["answer", "disconnect"]
    assert len(transcripts(sim.call(call_id)).by_id) == 1


def test_transcription_is_far_end_words_while_it_ran() -> None:
    """The inbound transcript holds only what the far end said between start and stop."""
    sim, call_id = run(Pause(2), transcription("t"), Pause(6), StopTranscription(), Pause(5))
    (transcript,) = transcripts(sim.call(call_id)).by_id.values()
    assert [(t.track, t.transcript) for t in transcript.tracks] == [
        ("inbound", "my account number")
    ]
    assert transcript.stopped_at - transcript.started_at == pytest.approx(6.0)


def test_transcription_outbound_track_is_our_prompts() -> None:
    """With tracks=both the outbound track holds our SpeakSentence words, inbound the caller's."""
    sim, call_id = run(
        transcription("t", tracks="both"),
        SpeakSentence("please hold"),
        Pause(5),
        StopTranscription("t"),
    )
    (transcript,) = transcripts(sim.call(call_id)).by_id.values()
    assert {t.track: t.transcript for t in transcript.tracks} == {
        "inbound": "hello there my account number",
        "outbound": "please hold",
    }


def test_transcription_rest_forms_parse_with_sdk_models() -> None:
    """The stored transcript's REST forms parse with the SDK's CallTranscription models."""
    sim, call_id = run(transcription("t"), Pause(6), StopTranscription())
    call = sim.call(call_id)
    (transcript,) = transcripts(call).by_id.values()
    detail = CallTranscriptionResponse.from_dict(
        transcript.detail_wire(call.account_id, call.call_id)
    )
    assert detail.call_id == call_id
    assert detail.tracks[0].transcript == "hello there my account number"
    assert detail.tracks[0].detected_language == "en-US"
    summary = CallTranscriptionMetadata.from_dict(transcript.summary_wire())
    assert summary.transcription_name == "t"
    assert summary.transcription_url == transcript.url


def test_transcription_preferred_language_becomes_detected_language() -> None:
    """The first of `preferredLanguages` is reported as the detected language."""
    verb = StartTranscription(name="t", preferred_languages="es-US, en-US")
    sim, call_id = run(verb, Pause(1))
    (transcript,) = transcripts(sim.call(call_id)).by_id.values()
    assert transcript.tracks[0].detected_language == "es-US"


def test_transcription_duplicate_name_is_rejected_with_original() -> None:
    """A second transcription with a running one's name: Rejected `duplicate` with the original."""
    sim, call_id = run(transcription("t"), transcription("t"), Pause(1))
    assert sim.event_types(call_id)[1:3] == [
        "realTimeTranscriptionStarted",
        "realTimeTranscriptionRejected",
    ]
    original = sim.events("realTimeTranscriptionStarted")[0].payload["realTimeTranscription"]
    rejected = sim.events("realTimeTranscriptionRejected")[0].payload
    assert_matches_schema(rejected)
    assert rejected["cause"] == "duplicate"
    assert rejected["errorMessage"] == "A transcription with the name t already exists"
    assert rejected["originalTranscription"] == original
    assert len(sim.events("realTimeTranscriptionAvailable")) == 1


def test_transcription_track_limit() -> None:
    """Two `both` transcriptions use the four tracks; a third is rejected `track-limit`."""
    sim, _ = run(
        transcription("a", tracks="both"),
        transcription("b", tracks="both"),
        transcription("c", tracks="outbound"),
        Pause(1),
    )
    rejected = sim.events("realTimeTranscriptionRejected")
    assert [r.payload["realTimeTranscription"]["name"] for r in rejected] == ["c"]
    assert rejected[0].payload["cause"] == "track-limit"


def test_transcription_stop_without_name_stops_all() -> None:
    """`<StopTranscription/>` stops every running transcription; a name stops only that one."""
    sim, call_id = run(
        transcription("a", destination=None),
        transcription("b", destination=None),
        transcription("c", destination=None),
        StopTranscription("b"),
        Pause(1),
        StopTranscription(),
        Pause(1),
    )
    names = [
        w.payload["realTimeTranscription"]["name"]
        for w in sim.events("realTimeTranscriptionAvailable")
    ]
    assert names == ["b", "a", "c"]
    assert live_transcriptions(sim.call(call_id)) == []


def test_transcription_stop_with_nothing_running_is_a_no_op() -> None:
    """Stopping when nothing runs sends nothing and goes on."""
    sim, call_id = run(StopTranscription("ghost"), StopTranscription(), Pause(1))
    assert sim.event_types(call_id) == ["answer", "disconnect"]


def test_transcription_stops_when_call_ends() -> None:
    """A transcription still running at hangup stops (closed) before the `disconnect`."""
    sim, call_id = run(transcription("t"), Pause(4), Hangup())
    assert sim.event_types(call_id)[-3:] == [
        "realTimeTranscriptionStopped",
        "realTimeTranscriptionAvailable",
        "disconnect",
    ]
    assert sim.events("realTimeTranscriptionStopped")[0].payload["cause"] == "closed"
    assert sim.engine.pending_timers == 0
