"""`<Forward>`: the forwarded leg rings `to`; either side hanging up ends the call (spec §4.6)."""

from __future__ import annotations

from typing import Any

import pytest
from bandwidth import DisconnectCallback
from bandwidth.models.bxml import Forward, Hangup, SpeakSentence

from ringback.engine.actions import EndCall
from ringback.engine.call import CallStatus, Direction
from ringback.engine.sim import Routes, Simulation
from ringback.phones.script import parse_script

from ..documents import response

INITIATE = "http://app.test/voice/initiate"
STATUS = "http://app.test/voice/status"
LINE = "+15553334444"
AGENT = "+15557778888"


def run(
    *verbs: object, agent: dict[str, Any] | None = None, caller: dict[str, Any] | None = None
) -> tuple[Simulation, str]:
    """An inbound call to LINE running `verbs`; AGENT's and the caller's phones follow scripts."""
    phones = {AGENT: parse_script(agent)} if agent is not None else {}
    sim = Simulation(
        Routes({"/voice/initiate": response(*verbs)}),
        phones=phones,
    )
    call_id = sim.receive_call(INITIATE, to=LINE, caller=parse_script(caller), status_url=STATUS)
    sim.run()
    return sim, call_id


def forwarded_leg(sim: Simulation, call_id: str) -> Any:
    """The call the engine made for the forward."""
    (leg,) = [c for c in sim.engine.calls.values() if c.parent_call_id == call_id]
    return leg


def assert_nothing_after_end(sim: Simulation) -> None:
    """No action names a call after its EndCall, and every timer fired or was cancelled."""
    ended: set[str] = set()
    for action in sim.actions:
        call_id = getattr(action, "call_id", None)
        assert call_id not in ended, action
        if isinstance(action, EndCall):
            ended.add(action.call_id)
    assert sim.engine.pending_timers == 0


def test_forward_agent_hangs_up_ends_call() -> None:
    """Agent answers after 2 s, hangs up 5 s later: one `disconnect` (hangup) to the status URL."""
    sim, call_id = run(
        Forward(to=AGENT),
        SpeakSentence("never"),
        agent={"answerAfter": 2, "steps": [{"wait": 5}, {"hangup": True}]},
    )
    assert sim.event_types() == ["initiate", "disconnect"]
    disconnect = sim.events("disconnect")[0]
    assert disconnect.url == STATUS
    assert disconnect.payload["cause"] == "hangup"
    DisconnectCallback.from_dict(disconnect.payload)
    call, leg = sim.call(call_id), forwarded_leg(sim, call_id)
    assert call.answer_time == leg.answer_time
    assert call.start_time is not None
    assert call.answer_time - call.start_time == pytest.approx(2.0)
    assert call.end_time - call.answer_time == pytest.approx(5.0)
    assert leg.direction is Direction.OUTBOUND
    assert (leg.from_, leg.to) == (LINE, AGENT)
    assert leg.cause == "hangup"
    assert not any("SpeakSentence" in e.summary for e in sim.timeline)
    assert_nothing_after_end(sim)


def test_forward_caller_hangs_up_ends_forwarded_leg() -> None:
    """The caller hangs up 3 s after the answer: both legs end `hangup`."""
    sim, call_id = run(
        Forward(to=AGENT),
        caller={"steps": [{"waitFor": "answer"}, {"wait": 3}, {"hangup": True}]},
    )
    call, leg = sim.call(call_id), forwarded_leg(sim, call_id)
    assert (call.cause, leg.cause) == ("hangup", "hangup")
    assert call.end_time == leg.end_time
    assert len(sim.events("disconnect")) == 1
    assert_nothing_after_end(sim)


def test_forward_caller_hangs_up_while_ringing_cancels_leg() -> None:
    """A caller who gives up while the agent rings: the forwarded leg is cancelled."""
    sim, call_id = run(
        Forward(to=AGENT),
        agent={"answerAfter": 20},
        caller={"steps": [{"wait": 5}, {"hangup": True}]},
    )
    call, leg = sim.call(call_id), forwarded_leg(sim, call_id)
    assert call.cause == "hangup"
    assert call.answer_time is None
    assert leg.cause == "cancel"
    assert_nothing_after_end(sim)


@pytest.mark.parametrize(
    ("agent", "cause", "message"),
    [
        ({"answer": "busy"}, "busy", "Callee is busy"),
        ({"answer": "reject"}, "rejected", "Call rejected"),
        ({"answer": "no-answer"}, "timeout", None),
    ],
)
def test_forward_unanswered_leg_ends_call_with_its_cause(
    agent: dict[str, Any], cause: str, message: str | None
) -> None:
    """A busy, rejecting or silent agent: the inbound call ends with that cause."""
    sim, call_id = run(Forward(to=AGENT, call_timeout="10"), agent=agent)
    disconnect = sim.events("disconnect")[0].payload
    assert disconnect["cause"] == cause
    assert disconnect.get("errorMessage") == message
    assert "sipResponseCode" not in disconnect
    assert "answerTime" not in disconnect
    DisconnectCallback.from_dict(disconnect)
    if cause == "timeout":
        call = sim.call(call_id)
        assert call.end_time - call.start_time == pytest.approx(10.0)
    assert_nothing_after_end(sim)


def test_forward_from_attribute_sets_caller_id() -> None:
    """`from` is the forwarded leg's caller id; `to` rings the number's phone."""
    sim, call_id = run(Forward(to=AGENT, _from="+15550001111"), agent={"answer": "busy"})
    leg = forwarded_leg(sim, call_id)
    assert leg.from_ == "+15550001111"
    assert leg.state is CallStatus.DISCONNECTED


def test_forward_on_answered_call_is_application_error() -> None:
    """Forwarding a call that is already answered ends it with `application-error`."""
    sim, call_id = run(SpeakSentence("hi"), Forward(to=AGENT), Hangup())
    disconnect = sim.events("disconnect")[0].payload
    assert disconnect["cause"] == "application-error"
    assert disconnect["errorMessage"] == (
        f"<Forward> needs an unanswered inbound call; call {call_id} is already answered"
    )
    assert [c for c in sim.engine.calls.values() if c.parent_call_id == call_id] == []


def test_forward_on_outbound_call_is_application_error() -> None:
    """An outbound call cannot be forwarded."""
    sim = Simulation(Routes({"/a": response(Forward(to=AGENT))}))
    call_id = sim.place_call("http://app.test/a", disconnect_url=STATUS)
    sim.run()
    assert sim.call(call_id).cause == "application-error"
    assert "is outbound" in (sim.call(call_id).error_message or "")
