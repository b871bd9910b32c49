"""Call lifecycles (spec §6): outbound and inbound, ringing outcomes, machine detection."""

from __future__ import annotations

import pytest
from bandwidth import AnswerCallback, DisconnectCallback, InitiateCallback
from bandwidth.models.bxml import Hangup, Pause, Ring, SpeakSentence

from ringback.engine import facts as f
from ringback.engine.actions import EndCall
from ringback.engine.call import CallStatus
from ringback.engine.requests import Callback, MachineDetection, MachineDetectionMode
from ringback.engine.sim import Routes, Simulation
from ringback.errors import CallStateError
from ringback.phones.script import AnswerMode, PhoneScript, parse_script

from .documents import response

ANSWER = "http://app.test/answer"
DISCONNECT = "http://app.test/disconnect"


def test_lifecycle_outbound_answer_then_hangup() -> None:
    """Answered after 1 s: `answer`, the BXML runs, then one `disconnect` with cause hangup."""
    sim = Simulation(Routes({"/answer": response(Pause(3), Hangup())}))
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    assert sim.event_types() == ["answer", "disconnect"]
    answer, disconnect = sim.webhooks
    assert answer.at == sim.webhooks[0].at
    assert disconnect.at - answer.at == pytest.approx(3.0)
    call = sim.call(call_id)
    assert call.state is CallStatus.DISCONNECTED
    assert call.answer_time is not None
    assert call.start_time is not None
    assert call.answer_time - call.start_time == pytest.approx(1.0)
    assert disconnect.payload["cause"] == "hangup"
    assert "errorMessage" not in disconnect.payload
    AnswerCallback.from_dict(answer.payload)
    parsed = DisconnectCallback.from_dict(disconnect.payload)
    assert parsed.call_id == call_id


def test_lifecycle_outbound_implicit_hangup_at_end_of_bxml() -> None:
    """A document that ends without a webhook hangs up (spec §4.1)."""
    sim = Simulation(Routes({"/answer": response(SpeakSentence("hello there"))}))
    sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    assert sim.event_types() == ["answer", "disconnect"]
    assert sim.webhooks[1].payload["cause"] == "hangup"


@pytest.mark.parametrize(
    ("answer", "cause", "sip", "message"),
    [
        ("busy", "busy", 486, "Callee is busy"),
        ("reject", "rejected", 603, "Call rejected"),
        ("no-answer", "timeout", None, None),
    ],
)
def test_lifecycle_outbound_unanswered_outcomes(
    answer: str, cause: str, sip: int | None, message: str | None
) -> None:
    """Busy, rejected and unanswered calls end with their cause and no `answer`."""
    sim = Simulation(Routes({}))
    phone = parse_script({"answer": answer})
    sim.place_call(ANSWER, disconnect_url=DISCONNECT, phone=phone, call_timeout_s=20)
    sim.run()
    assert sim.event_types() == ["disconnect"]
    payload = sim.webhooks[0].payload
    assert payload["cause"] == cause
    assert payload.get("sipResponseCode") == sip
    assert payload.get("errorMessage") == message
    assert "answerTime" not in payload
    DisconnectCallback.from_dict(payload)
    if answer == "no-answer":
        assert sim.webhooks[0].at - sim.webhooks[0].at == 0
        start = sim.engine.calls[payload["callId"]].start_time
        assert start is not None
        assert sim.webhooks[0].at - start == pytest.approx(20.0)


def test_lifecycle_outbound_slow_answer_times_out() -> None:
    """A phone that would answer after callTimeout never answers."""
    sim = Simulation(Routes({}))
    phone = PhoneScript(answer_after_s=40)
    sim.place_call(ANSWER, disconnect_url=DISCONNECT, phone=phone, call_timeout_s=30)
    sim.run()
    assert [w.payload["cause"] for w in sim.webhooks] == ["timeout"]


def test_lifecycle_outbound_registered_phone_is_used() -> None:
    """A phone registered for the called number answers the call."""
    sim = Simulation(Routes({}), phones={"+15550001111": PhoneScript(answer=AnswerMode.BUSY)})
    sim.place_call(ANSWER, to="+15550001111", disconnect_url=DISCONNECT)
    sim.run()
    assert sim.webhooks[0].payload["cause"] == "busy"


def test_lifecycle_cancel_while_ringing() -> None:
    """POST state=completed on a ringing outbound call cancels it."""
    sim = Simulation(Routes({}))
    call_id = sim.place_call(
        ANSWER, disconnect_url=DISCONNECT, phone=PhoneScript(answer_after_s=10)
    )
    sim.run(until=sim.now + 2)
    sim.feed(f.CallUpdateRequested(sim.now, call_id, state="completed"))
    sim.run()
    assert [w.payload["cause"] for w in sim.webhooks] == ["cancel"]
    assert sim.engine.pending_timers == 0


def test_lifecycle_update_of_ended_call_is_refused() -> None:
    """Modifying a call that has ended is a 409 (CallStateError)."""
    sim = Simulation(Routes({"/answer": response(Hangup())}))
    call_id = sim.place_call(ANSWER)
    sim.run()
    with pytest.raises(CallStateError, match="cannot be modified"):
        sim.feed(f.CallUpdateRequested(sim.now, call_id, state="completed"))


def test_lifecycle_redirect_before_answer_is_refused() -> None:
    """Redirecting a call that is not answered yet is a 409."""
    sim = Simulation(Routes({}))
    call_id = sim.place_call(ANSWER, phone=PhoneScript(answer_after_s=10))
    with pytest.raises(CallStateError):
        sim.feed(f.CallUpdateRequested(sim.now, call_id, redirect=Callback("/r")))


def test_lifecycle_bxml_replaced_before_answer_is_refused() -> None:
    """PUT /calls/{id}/bxml on a call not answered yet is a 409, as a redirect is."""
    sim = Simulation(Routes({"/answer": response(Hangup())}))
    call_id = sim.place_call(
        ANSWER, disconnect_url=DISCONNECT, phone=PhoneScript(answer_after_s=10)
    )
    with pytest.raises(CallStateError, match="cannot be modified in its current state"):
        sim.feed(f.CallBxmlReplaced(sim.now, call_id, "<Response><Hangup/></Response>"))
    sim.run()
    assert sim.event_types() == ["answer", "disconnect"]


@pytest.mark.parametrize(
    ("answer", "value"), [("human", "human"), ("machine", "answering-machine")]
)
def test_lifecycle_machine_detection_sync(answer: str, value: str) -> None:
    """Sync AMD: the result comes in `answer`, after detection."""
    sim = Simulation(Routes({"/answer": response(Hangup())}))
    detection = MachineDetection(mode=MachineDetectionMode.SYNC)
    sim.place_call(ANSWER, phone=parse_script({"answer": answer}), machine_detection=detection)
    sim.run()
    (answer_hook,) = sim.events("answer")
    result = answer_hook.payload["machineDetectionResult"]
    assert result["value"] == value
    parsed = AnswerCallback.from_dict(answer_hook.payload)
    assert parsed.machine_detection_result is not None
    assert parsed.machine_detection_result.value == value


def test_lifecycle_machine_detection_async() -> None:
    """Async AMD: `answer` at once, `machineDetectionComplete` later to its own URL."""
    sim = Simulation(Routes({"/answer": response(Pause(10))}))
    detection = MachineDetection(callback=Callback("http://app.test/amd"))
    sim.place_call(ANSWER, phone=parse_script({"answer": "machine"}), machine_detection=detection)
    sim.run()
    assert sim.event_types() == ["answer", "machineDetectionComplete"]
    answer, amd = sim.webhooks
    assert "machineDetectionResult" not in answer.payload
    assert amd.url == "http://app.test/amd"
    assert amd.payload["machineDetectionResult"]["value"] == "answering-machine"
    assert amd.at - answer.at == pytest.approx(4.0)


def test_lifecycle_machine_detection_times_out() -> None:
    """A detection timeout shorter than the decision gives `timeout`."""
    sim = Simulation(Routes({"/answer": response(Hangup())}))
    detection = MachineDetection(mode=MachineDetectionMode.SYNC, detection_timeout_s=1)
    sim.place_call(ANSWER, phone=parse_script({"answer": "machine"}), machine_detection=detection)
    sim.run()
    assert sim.events("answer")[0].payload["machineDetectionResult"]["value"] == "timeout"


def test_lifecycle_inbound_initiate_answers_on_first_media_verb() -> None:
    """Inbound: `initiate` first; the call is answered by the first verb that needs media."""
    sim = Simulation(Routes({"/initiate": response(Ring(2, answer_call=False), Pause(1))}))
    call_id = sim.receive_call("http://app.test/initiate", status_url=DISCONNECT)
    start = sim.now
    sim.run()
    assert sim.event_types() == ["initiate", "disconnect"]
    initiate = sim.webhooks[0].payload
    assert initiate["direction"] == "inbound"
    assert "answerTime" not in initiate
    InitiateCallback.from_dict(initiate)
    call = sim.call(call_id)
    assert call.answer_time == pytest.approx(start + 2.0)
    assert sim.webhooks[1].payload["cause"] == "hangup"


@pytest.mark.parametrize("reply", [response(Hangup()), response(), ""])
def test_lifecycle_inbound_rejected_before_answer(reply: str) -> None:
    """`<Hangup>`, an empty document or an empty reply before answer rejects the call."""
    sim = Simulation(Routes({"/initiate": reply}))
    call_id = sim.receive_call("http://app.test/initiate", status_url=DISCONNECT)
    sim.run()
    disconnect = sim.events("disconnect")[0].payload
    assert disconnect["cause"] == "rejected"
    assert "answerTime" not in disconnect
    assert sim.call(call_id).answer_time is None


def test_lifecycle_inbound_without_status_url_sends_no_disconnect() -> None:
    """With no CallStatusCallbackUrl the call still ends, silently."""
    sim = Simulation(Routes({"/initiate": response(Hangup())}))
    call_id = sim.receive_call("http://app.test/initiate")
    sim.run()
    assert sim.event_types() == ["initiate"]
    assert sim.ended[call_id].cause == "rejected"


def test_lifecycle_sdk15_none_attributes_run_with_a_note() -> None:
    """BXML from SDK ≤ 16 (`answerCall="None"`) runs; the timeline says what was read as absent."""
    reply = '<Response><Ring duration="1" answerCall="None"/><Hangup/></Response>'
    sim = Simulation(Routes({"/answer": reply}))
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    assert sim.call(call_id).cause == "hangup"
    notes = [e.summary for e in sim.timeline if e.kind == "bxml"]
    assert notes == [
        'line 1, col 11: <Ring> answerCall="None" read as absent'
        " (SDKs before 17 write an unset attribute as None)"
    ]


@pytest.mark.parametrize("wait_for", ["answer", "speak"])
def test_lifecycle_caller_hanging_up_as_a_verb_starts_ends_it_for_good(wait_for: str) -> None:
    """A caller hanging up as the call is answered (or as the prompt begins) stops the verb.

    Nothing about the call comes after its end: no `<SpeakSentence> ended`, no timer left
    behind by a verb whose start ended the call (found by test_invariants with a random seed).
    """
    caller = parse_script({"steps": [{"waitFor": wait_for}, {"hangup": True}]})
    sim = Simulation(Routes({"/initiate": response(SpeakSentence("press one for sales"))}))
    call_id = sim.receive_call("http://app.test/initiate", caller=caller, status_url=DISCONNECT)
    sim.run()
    assert sim.call(call_id).cause == "hangup"
    assert isinstance(sim.actions[-1], EndCall), sim.actions[
        sim.actions.index(sim.ended[call_id]) :
    ]
    assert not [e.summary for e in sim.timeline if e.summary == "<SpeakSentence> ended"]
