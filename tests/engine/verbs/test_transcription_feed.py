"""The `transcription` messages a live transcription sends: which words, when, partial or final."""

from __future__ import annotations

from typing import Any

from bandwidth.models.bxml import (
    Gather,
    Pause,
    SpeakSentence,
    StartTranscription,
    StopTranscription,
)

from ringback.engine.actions import OpenSocket, SendSocketMessage
from ringback.engine.payloads import timestamp
from ringback.engine.sim import Routes, Simulation
from ringback.engine.verbs.transcripts import transcripts
from ringback.phones.script import parse_script

from ..documents import response

ANSWER = "http://app.test/app/answer"

# Answers at once; says words at 1–2 s and 3–5 s after the answer.
TALKER = {
    "answerAfter": 0,
    "steps": [
        {"wait": 1},
        {"say": "hello there", "duration": 1},
        {"wait": 1},
        {"say": "my account number", "duration": 2},
    ],
}


def live(**attributes: Any) -> StartTranscription:
    """A StartTranscription with a destination (the simulation opens sockets at once)."""
    return StartTranscription(name="t", destination="wss://live.app.test", **attributes)


def run(phone: dict[str, Any], *verbs: object) -> tuple[Simulation, str]:
    """A call to `phone` whose answer BXML is `verbs`, run to the end."""
    sim = Simulation(Routes({"/app/answer": response(*verbs)}))
    call_id = sim.place_call(ANSWER, phone=parse_script(phone))
    sim.run()
    return sim, call_id


def sent(sim: Simulation) -> list[dict[str, Any]]:
    """The `transcription` messages the engine asked to send, in order."""
    return [
        dict(a.message)
        for a in sim.actions
        if isinstance(a, SendSocketMessage) and a.message["eventType"] == "transcription"
    ]


def finals_at(sim: Simulation) -> list[tuple[float, str]]:
    """When each final was emitted (call-clock seconds from the start) and its words."""
    t0 = sim.timeline[0].at
    return [
        (round(e.at - t0, 3), e.summary)
        for e in sim.timeline
        if e.summary.startswith("transcribed")
    ]


def test_finals_go_out_when_each_sentence_ends_and_match_the_rest_transcript() -> None:
    """stabilized (default): one final per sentence at its end; the REST transcript agrees."""
    sim, call_id = run(TALKER, live(), Pause(6), StopTranscription())
    assert [(m["transcript"], m["isPartial"]) for m in sent(sim)] == [
        ("hello there", False),
        ("my account number", False),
    ]
    assert finals_at(sim) == [
        (2.0, "transcribed inbound: 'hello there'"),
        (5.0, "transcribed inbound: 'my account number'"),
    ]
    (transcript,) = transcripts(sim.call(call_id)).by_id.values()
    assert transcript.tracks[0].transcript == "hello there my account number"


def test_stop_mid_sentence_sends_the_words_said_so_far() -> None:
    """Stopped at 4.1 s: the words whose middle has passed, the last one cut at the stop."""
    sim, call_id = run(TALKER, live(), Pause(4.1), StopTranscription(), Pause(2))
    t0 = sim.timeline[0].at
    *_, final = sent(sim)
    assert final["transcript"] == "my account"
    assert final["endTime"] == timestamp(t0 + 4.1)
    assert final["items"][-1]["startTime"] == timestamp(t0 + 3 + 2 / 3)
    (transcript,) = transcripts(sim.call(call_id)).by_id.values()
    assert transcript.tracks[0].transcript == "hello there my account"


def test_a_sentence_under_way_at_the_start_counts_from_its_middle_words() -> None:
    """Started at 3.5 s: `my` (middle 3.33 s) is not heard, `account number` is."""
    sim, _ = run(TALKER, Pause(3.5), live(), Pause(3))
    assert [m["transcript"] for m in sent(sim)] == ["account number"]


def test_unstabilized_partials_word_by_word() -> None:
    """stabilized=false: a partial at the end of each word but the last, then the final."""
    sim, _ = run(TALKER, live(stabilized=False), Pause(6))
    assert [(m["transcript"], m["isPartial"]) for m in sent(sim)] == [
        ("hello", True),
        ("hello there", False),
        ("my", True),
        ("my account", True),
        ("my account number", False),
    ]


def test_a_prompt_cut_by_barge_in_gets_its_final_at_the_cut() -> None:
    """A digit cuts the prompt at 1.1 s: its final goes out then, with the words said by then."""
    phone = {"answerAfter": 0, "steps": [{"waitFor": "gather"}, {"wait": 1}, {"press": "1"}]}
    prompt = SpeakSentence("please enter your account number followed by the pound key")
    sim, _ = run(
        phone,
        live(tracks="outbound", stabilized=False),
        Gather(audio_verbs=[prompt], max_digits=1),
        Pause(1),
    )
    messages = sent(sim)
    assert [(m["transcript"], m["isPartial"]) for m in messages] == [
        ("please", True),
        ("please enter", True),
        ("please enter your", False),
    ]
    assert finals_at(sim) == [(1.1, "transcribed outbound: 'please enter your'")]


def test_no_destination_no_socket_no_messages() -> None:
    """Without a destination nothing is dialled and nothing is sent; the transcript is kept."""
    sim, call_id = run(TALKER, StartTranscription(name="t"), Pause(6))
    assert not [a for a in sim.actions if isinstance(a, OpenSocket | SendSocketMessage)]
    (transcript,) = transcripts(sim.call(call_id)).by_id.values()
    assert transcript.tracks[0].transcript == "hello there my account number"
