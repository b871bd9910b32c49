"""`<Transfer>` (spec §4.6, §6 Transfer): B-legs ring, the first to answer is bridged, and the
transferAnswer / transferDisconnect / transferComplete events follow the documented flows."""

from __future__ import annotations

from typing import Any

import pytest
from bandwidth import (
    DisconnectCallback,
    TransferAnswerCallback,
    TransferCompleteCallback,
    TransferDisconnectCallback,
)
from bandwidth.models.bxml import (
    Hangup,
    Pause,
    PhoneNumber,
    Redirect,
    SipUri,
    SpeakSentence,
    Tag,
    Transfer,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from ringback.engine import facts as f
from ringback.engine.media import Side, Sound
from ringback.engine.requests import Callback
from ringback.engine.sim import Routes, Simulation
from ringback.phones.script import PhoneScript, parse_script

from ..documents import response
from ..invariants import assert_engine_invariants

ANSWER = "http://app.test/answer"
DISCONNECT = "http://app.test/disconnect"
A_FROM = "+15551112222"
A_TO = "+15553334444"
AGENT = "+15556667777"
OTHER = "+15558889999"
THIRD = "+15550001111"


def phone(**script: Any) -> PhoneScript:
    """A far end from its JSON form."""
    return parse_script(script)


def to_agent(**complete: Any) -> str:
    """A transfer to AGENT with answer and disconnect URLs."""
    number = PhoneNumber(AGENT, transfer_answer_url="/ta", transfer_disconnect_url="/td")
    return response(Transfer([number], **complete))


def b_legs(sim: Simulation) -> list[str]:
    """The ids of the B-legs created, in dialing order."""
    return [c.call_id for c in sim.engine.calls.values() if c.parent_call_id is not None]


def test_transfer_answered_bridged_then_b_hangs_up() -> None:
    """The documented flow: transferAnswer, its BXML on B, bridge, B hangs up, then
    transferDisconnect and transferComplete, and the A-leg runs the transferComplete reply."""
    routes = Routes(
        {
            "/answer": to_agent(transfer_complete_url="/tc"),
            "/ta": response(SpeakSentence("you have a call")),
            "/tc": response(SpeakSentence("the agent hung up"), Hangup()),
        }
    )
    agent = phone(answerAfter=2, steps=[{"waitFor": "answer"}, {"wait": 10}, {"hangup": True}])
    sim = Simulation(routes, phones={AGENT: agent})
    a_leg = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    assert sim.event_types() == [
        "answer",
        "transferAnswer",
        "transferDisconnect",
        "transferComplete",
        "disconnect",
    ]
    (b_leg,) = b_legs(sim)
    answer = sim.events("transferAnswer")[0]
    assert answer.call_id == b_leg
    assert answer.url == "http://app.test/ta"
    payload = answer.payload
    assert (payload["from"], payload["to"], payload["direction"]) == (A_FROM, A_TO, "outbound")
    assert payload["parentCallId"] == a_leg
    assert payload["transferTo"] == AGENT
    assert payload["transferCallerId"] == A_TO  # default: the outbound A-leg's remote party
    assert payload["callUrl"].endswith(f"/calls/{b_leg}")
    parsed_answer = TransferAnswerCallback.from_dict(payload)
    assert parsed_answer.call_id == b_leg
    assert parsed_answer.additional_properties == {"parentCallId": a_leg}

    bridged = [e for e in sim.timeline if e.kind == "bridge" and e.call_id == b_leg]
    spoken = [e for e in sim.timeline if e.summary == "<SpeakSentence> ended"]
    assert bridged[0].at == spoken[0].at  # the bridge comes after the transferAnswer BXML

    disconnect = sim.events("transferDisconnect")[0]
    assert disconnect.call_id == b_leg
    assert disconnect.payload["cause"] == "hangup"
    assert disconnect.payload["parentCallId"] == a_leg
    assert "answerTime" in disconnect.payload
    TransferDisconnectCallback.from_dict(disconnect.payload)

    complete = sim.events("transferComplete")[0]
    assert complete.call_id == a_leg
    assert complete.at == disconnect.at
    assert complete.payload["cause"] == "hangup"
    assert complete.payload["transferTo"] == AGENT
    assert "errorMessage" not in complete.payload
    TransferCompleteCallback.from_dict(complete.payload)

    assert [w.call_id for w in sim.events("disconnect")] == [a_leg]  # B-legs send none
    DisconnectCallback.from_dict(sim.events("disconnect")[0].payload)
    assert sim.call(b_leg).cause == "hangup"
    assert_engine_invariants(sim)


def test_transfer_simultaneous_ring_first_to_answer_wins() -> None:
    """Three destinations ring at once; the quickest is bridged, the others are cancelled."""
    numbers = [
        PhoneNumber(n, transfer_answer_url="/ta", transfer_disconnect_url="/td")
        for n in (AGENT, OTHER)
    ]
    sip = SipUri("sip:desk@example.com", transfer_disconnect_url="/td")
    routes = Routes({"/answer": response(Transfer([*numbers, sip])), "/ta": response()})
    phones = {
        AGENT: phone(answerAfter=5),
        OTHER: phone(answerAfter=2, steps=[{"wait": 3}, {"hangup": True}]),
        "sip:desk@example.com": phone(answerAfter=4),
    }
    sim = Simulation(routes, phones=phones)
    sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    agent, other, desk = b_legs(sim)
    assert [w.call_id for w in sim.events("transferAnswer")] == [other]
    disconnects = {w.call_id: w.payload for w in sim.events("transferDisconnect")}
    assert list(disconnects) == [agent, desk, other]
    for loser in (agent, desk):
        assert disconnects[loser]["cause"] == "cancel"
        assert "answerTime" not in disconnects[loser]
        TransferDisconnectCallback.from_dict(disconnects[loser])
    assert disconnects[desk]["transferTo"] == "sip:desk@example.com"
    assert disconnects[other]["cause"] == "hangup"
    cancelled_at = sim.events("transferDisconnect")[0].at
    assert cancelled_at == sim.events("transferAnswer")[0].at
    assert_engine_invariants(sim)


@pytest.mark.parametrize(
    ("answer", "cause", "message"),
    [
        ("busy", "busy", "Callee is busy"),
        ("reject", "rejected", "Call rejected"),
        ("no-answer", "timeout", None),
    ],
)
def test_transfer_unanswered_destination_reports_its_cause(
    answer: str, cause: str, message: str | None
) -> None:
    """Busy, rejecting and unanswered destinations end the transfer with that cause."""
    routes = Routes(
        {
            "/answer": to_agent(transfer_complete_url="/tc", call_timeout="12"),
            "/tc": response(Hangup()),
        }
    )
    sim = Simulation(routes, phones={AGENT: phone(answer=answer)})
    a_leg = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    assert sim.event_types() == ["answer", "transferDisconnect", "transferComplete", "disconnect"]
    disconnect = sim.events("transferDisconnect")[0].payload
    complete = sim.events("transferComplete")[0]
    assert complete.call_id == a_leg
    for payload in (disconnect, complete.payload):
        assert payload["cause"] == cause
        assert payload.get("errorMessage") == message
    TransferDisconnectCallback.from_dict(disconnect)
    TransferCompleteCallback.from_dict(complete.payload)
    if answer == "no-answer":
        (b_leg,) = b_legs(sim)
        start = sim.call(b_leg).start_time
        assert start is not None
        assert complete.at - start == pytest.approx(12.0)
    assert_engine_invariants(sim)


def test_transfer_all_destinations_fail_describes_the_last() -> None:
    """With simultaneous ring and nobody answering, transferComplete describes a failed leg."""
    numbers = [PhoneNumber(AGENT), PhoneNumber(OTHER)]
    routes = Routes(
        {
            "/answer": response(Transfer(numbers, transfer_complete_url="/tc", call_timeout="9")),
            "/tc": response(Hangup()),
        }
    )
    phones = {AGENT: phone(answer="busy"), OTHER: phone(answer="no-answer")}
    sim = Simulation(routes, phones=phones)
    sim.place_call(ANSWER)
    sim.run()
    complete = sim.events("transferComplete")[0].payload
    assert (complete["cause"], complete["transferTo"]) == ("timeout", OTHER)
    assert_engine_invariants(sim)


def test_transfer_without_complete_url_goes_on_after_transfer() -> None:
    """No transferCompleteUrl: when the B-leg hangs up, the A-leg runs the next verb."""
    routes = Routes(
        {
            "/answer": response(
                Transfer([PhoneNumber(AGENT)]), Redirect("/after"), SpeakSentence("never")
            ),
            "/after": response(Hangup()),
        }
    )
    sim = Simulation(routes, phones={AGENT: phone(steps=[{"wait": 4}, {"hangup": True}])})
    sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    assert sim.event_types() == ["answer", "redirect", "disconnect"]
    assert_engine_invariants(sim)


def test_transfer_a_leg_hangs_up_first() -> None:
    """The caller hangs up during the bridge: B ends (transferDisconnect), A gets `disconnect`,
    and no transferComplete is sent."""
    routes = Routes({"/answer": to_agent(transfer_complete_url="/tc"), "/ta": response()})
    caller = phone(steps=[{"wait": 8}, {"hangup": True}])
    sim = Simulation(routes, phones={AGENT: phone()})
    a_leg = sim.place_call(ANSWER, disconnect_url=DISCONNECT, phone=caller)
    sim.run()
    assert sim.event_types() == ["answer", "transferAnswer", "transferDisconnect", "disconnect"]
    (b_leg,) = b_legs(sim)
    assert sim.events("transferDisconnect")[0].payload["cause"] == "hangup"
    assert sim.events("disconnect")[0].call_id == a_leg
    assert sim.call(b_leg).cause == "hangup"
    assert_engine_invariants(sim)


def test_transfer_a_leg_hangs_up_while_ringing_cancels_b_legs() -> None:
    """A caller who gives up while the destinations ring cancels them."""
    numbers = [PhoneNumber(n, transfer_disconnect_url="/td") for n in (AGENT, OTHER)]
    routes = Routes({"/answer": response(Transfer(numbers))})
    caller = phone(steps=[{"wait": 3}, {"hangup": True}])
    sim = Simulation(routes, phones={AGENT: phone(answerAfter=20), OTHER: phone(answerAfter=20)})
    sim.place_call(ANSWER, disconnect_url=DISCONNECT, phone=caller)
    sim.run()
    assert sim.event_types() == ["answer", "transferDisconnect", "transferDisconnect", "disconnect"]
    assert {w.payload["cause"] for w in sim.events("transferDisconnect")} == {"cancel"}
    assert_engine_invariants(sim)


def test_transfer_answer_bxml_with_forbidden_verb_fails_the_b_leg() -> None:
    """A transferAnswer reply holding `<Transfer>` is invalid there: the B-leg ends with
    invalid-bxml, and the A-leg hears about it in transferComplete."""
    routes = Routes(
        {
            "/answer": to_agent(transfer_complete_url="/tc"),
            "/ta": response(Transfer([PhoneNumber(OTHER)])),
            "/tc": response(Hangup()),
        }
    )
    sim = Simulation(routes, phones={AGENT: phone()})
    sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    assert sim.event_types() == [
        "answer",
        "transferAnswer",
        "transferDisconnect",
        "transferComplete",
        "disconnect",
    ]
    assert len(b_legs(sim)) == 1  # the nested transfer never ran
    disconnect = sim.events("transferDisconnect")[0].payload
    complete = sim.events("transferComplete")[0].payload
    for payload in (disconnect, complete):
        assert payload["cause"] == "invalid-bxml"
        assert payload["errorMessage"].startswith("Invalid BXML from http://app.test/ta:")
        assert "Transfer" in payload["errorMessage"]
        assert payload["errorId"]
    TransferCompleteCallback.from_dict(complete)
    assert sim.events("disconnect")[0].payload["cause"] == "hangup"
    assert_engine_invariants(sim)


def test_transfer_caller_id_tags_and_inbound_default() -> None:
    """An inbound A-leg's caller is the default transferCallerId; a destination's tag marks
    only its B-leg's callbacks, the Transfer's tag only the A-leg's."""
    number = PhoneNumber(AGENT, transfer_answer_url="/ta", transfer_disconnect_url="/td", tag="b")
    routes = Routes(
        {
            "/initiate": response(Transfer([number], transfer_complete_url="/tc", tag="a")),
            "/ta": response(),
            "/tc": response(Hangup()),
        }
    )
    agent = phone(steps=[{"wait": 2}, {"hangup": True}])
    sim = Simulation(routes, phones={AGENT: agent})
    sim.receive_call("http://app.test/initiate", from_=OTHER, status_url=DISCONNECT)
    sim.run()
    tags = {w.event_type: w.payload.get("tag") for w in sim.webhooks}
    assert tags == {
        "initiate": None,
        "transferAnswer": "b",
        "transferDisconnect": "b",
        "transferComplete": "a",
        "disconnect": "a",
    }
    assert sim.events("transferAnswer")[0].payload["transferCallerId"] == OTHER
    assert sim.events("transferAnswer")[0].payload["from"] == OTHER
    assert_engine_invariants(sim)


def test_transfer_explicit_caller_id_and_relative_urls() -> None:
    """transferCallerId is used as given; destination URLs resolve against the answer URL."""
    number = PhoneNumber(AGENT, transfer_answer_url="ta", transfer_answer_method="GET")
    routes = Routes(
        {
            "/calls/answer": response(Transfer([number], transfer_caller_id="Anonymous")),
            "/calls/ta": response(Hangup()),
        }
    )
    sim = Simulation(routes, phones={AGENT: phone()})
    sim.place_call("http://app.test/calls/answer")
    sim.run()
    answer = sim.events("transferAnswer")[0]
    assert (answer.url, answer.method) == ("http://app.test/calls/ta", "GET")
    assert answer.payload["transferCallerId"] == "Anonymous"
    assert_engine_invariants(sim)


def test_transfer_bridges_after_the_b_legs_follow_up_bxml() -> None:
    """A transferAnswer reply that redirects (call screening): the legs are bridged once the
    B-leg's last document runs out, not at the end of the first one."""
    routes = Routes(
        {
            "/answer": to_agent(),
            "/ta": response(Redirect("/screen")),
            "/screen": response(Tag("screened"), Pause(2)),
        }
    )
    sim = Simulation(routes, phones={AGENT: phone(steps=[{"wait": 6}, {"hangup": True}])})
    sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    (b_leg,) = b_legs(sim)
    assert sim.event_types(b_leg) == ["transferAnswer", "redirect", "transferDisconnect"]
    assert sim.events("transferDisconnect")[0].payload["tag"] == "screened"
    bridged = [e.at for e in sim.timeline if e.kind == "bridge" and e.call_id == b_leg]
    assert bridged[0] == sim.events("redirect")[0].at + 2.0
    assert not any(e.summary.startswith("end of BXML") for e in sim.timeline if e.call_id == b_leg)
    assert_engine_invariants(sim)


def test_transfer_bridge_shares_the_far_ends_speech() -> None:
    """Without transferAnswerUrl the legs are bridged at once; what each far end says during
    the bridge lands on the other call's media log (for recordings)."""
    routes = Routes({"/answer": response(Transfer([PhoneNumber(AGENT)]))})
    agent = phone(steps=[{"say": "how can I help", "duration": 2}, {"hangup": True}])
    caller = phone(steps=[{"waitFor": "answer"}, {"wait": 1}, {"say": "hello", "duration": 0.5}])
    sim = Simulation(routes, phones={AGENT: agent})
    a_leg = sim.place_call(ANSWER, phone=caller)
    sim.run()
    (b_leg,) = b_legs(sim)
    heard_on_a = [
        (s.side, s.sound, s.text) for s in sim.call(a_leg).media.segments if s.text != "hello"
    ]
    assert heard_on_a == [(Side.PLATFORM, Sound.SPEECH, "how can I help")]
    heard_on_b = [s.text for s in sim.call(b_leg).media.segments if s.side is Side.PLATFORM]
    assert heard_on_b == ["hello"]
    assert_engine_invariants(sim)


def test_transfer_api_redirect_of_a_leg_ends_b_leg() -> None:
    """Redirecting the A-leg through the API ends the transfer: B ends, A runs the redirect."""
    routes = Routes(
        {
            "/answer": to_agent(transfer_complete_url="/tc"),
            "/ta": response(),
            "/moved": response(Hangup()),
        }
    )
    sim = Simulation(routes, phones={AGENT: phone()})
    a_leg = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run(until=sim.now + 10)
    sim.feed(f.CallUpdateRequested(sim.now, a_leg, redirect=Callback("/moved")))
    sim.run()
    assert sim.event_types() == [
        "answer",
        "transferAnswer",
        "transferDisconnect",
        "redirect",
        "disconnect",
    ]
    assert sim.events("transferDisconnect")[0].payload["cause"] == "hangup"
    assert_engine_invariants(sim)


def test_transfer_api_redirect_of_b_leg_completes_transfer() -> None:
    """Redirecting the B-leg takes it out of the bridge: A gets transferComplete, B goes on."""
    routes = Routes(
        {
            "/answer": to_agent(transfer_complete_url="/tc"),
            "/ta": response(),
            "/tc": response(SpeakSentence("back to you")),
            "/moved": response(Pause(3)),
        }
    )
    sim = Simulation(routes, phones={AGENT: phone()})
    a_leg = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run(until=sim.now + 10)
    (b_leg,) = b_legs(sim)
    moved_at = sim.now
    sim.feed(f.CallUpdateRequested(sim.now, b_leg, redirect=Callback("/moved")))
    sim.run()
    assert sim.event_types(a_leg) == ["answer", "transferComplete", "disconnect"]
    assert sim.event_types(b_leg) == ["transferAnswer", "redirect", "transferDisconnect"]
    assert sim.events("transferComplete")[0].at == moved_at
    assert sim.events("transferComplete")[0].payload["cause"] == "hangup"
    assert sim.events("transferDisconnect")[0].at == pytest.approx(moved_at + 3.0)
    assert_engine_invariants(sim)


OUTCOMES = st.sampled_from(["human", "busy", "reject", "no-answer"])


@settings(max_examples=60, deadline=None)
@given(
    outcomes=st.lists(
        st.tuples(OUTCOMES, st.floats(0.5, 20), st.floats(0.5, 30)), min_size=1, max_size=3
    ),
    caller_hangs_up_after=st.one_of(st.none(), st.floats(0.5, 40)),
    with_answer_url=st.booleans(),
)
def test_transfer_invariants_hold_for_any_outcome(
    outcomes: list[tuple[str, float, float]],
    caller_hangs_up_after: float | None,
    with_answer_url: bool,
) -> None:
    """Whatever the destinations and the caller do: one transferDisconnect per B-leg, at most
    one transferComplete, one disconnect for the A-leg, nothing after a call's end."""
    numbers = [f"+1555000{i:04d}" for i in range(len(outcomes))]
    answer_url = "/ta" if with_answer_url else None
    destinations = [
        PhoneNumber(n, transfer_answer_url=answer_url, transfer_disconnect_url="/td")
        for n in numbers
    ]
    routes = Routes(
        {
            "/answer": response(
                Transfer(destinations, transfer_complete_url="/tc", call_timeout="15")
            ),
            "/ta": response(Pause(1)),
            "/tc": response(Pause(2)),
        }
    )
    phones = {
        number: phone(answer=mode, answerAfter=after, steps=[{"wait": talk}, {"hangup": True}])
        for number, (mode, after, talk) in zip(numbers, outcomes, strict=True)
    }
    steps = [] if caller_hangs_up_after is None else [{"wait": caller_hangs_up_after}]
    caller = phone(steps=[*steps, {"hangup": True}] if steps else [])
    sim = Simulation(routes, phones=phones)
    a_leg = sim.place_call(ANSWER, disconnect_url=DISCONNECT, phone=caller)
    sim.run()
    assert_engine_invariants(sim)
    legs = b_legs(sim)
    assert sorted(w.call_id or "" for w in sim.events("transferDisconnect")) == sorted(legs)
    assert len(sim.events("transferAnswer")) <= 1
    completes = sim.events("transferComplete")
    assert len(completes) <= 1
    for webhook in completes:
        assert webhook.call_id == a_leg
        TransferCompleteCallback.from_dict(webhook.payload)
    for webhook in sim.events("transferDisconnect"):
        TransferDisconnectCallback.from_dict(webhook.payload)
