"""`<Bridge>` (spec §4.6, §6 Bridge, §5.6): join an existing call; exactly one of bridgeComplete
and bridgeTargetComplete when it ends; failures reported through bridgeComplete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bandwidth import BridgeCompleteCallback, BridgeTargetCompleteCallback, DisconnectCallback
from bandwidth.models.bxml import (
    Bridge,
    Hangup,
    Pause,
    PhoneNumber,
    Redirect,
    Ring,
    SpeakSentence,
    Transfer,
)

from ringback.engine import facts as f
from ringback.engine.requests import Callback
from ringback.engine.sim import Reply, Routes, Simulation, Webhook
from ringback.phones.script import SILENT_PHONE, PhoneScript, parse_script

from ..documents import response
from ..invariants import assert_engine_invariants

TARGET_ANSWER = "http://app.test/target"
BRIDGER_ANSWER = "http://app.test/bridger"
DISCONNECT = "http://app.test/disconnect"
TARGET_NUMBER = "+15556667777"
BRIDGER_NUMBER = "+15558889999"
COMPLETE = "/bc"
TARGET_COMPLETE = "/btc"


def hangs_up_after(seconds: float) -> PhoneScript:
    """A phone that answers, waits, and hangs up."""
    return parse_script({"steps": [{"wait": seconds}, {"hangup": True}]})


def bridge_to(**attributes: Any) -> Callable[[str], str]:
    """The bridging call's BXML: bridge to the target, then (without a URL) a redirect."""
    return lambda target: response(Bridge(target, **attributes), Redirect("/after"))


def simulate(
    bridge_doc: Callable[[str], str | Callable[[Webhook], Reply]],
    routes: dict[str, str | Callable[[Webhook], Reply]] | None = None,
    *,
    target_phone: PhoneScript = SILENT_PHONE,
    bridger_phone: PhoneScript = SILENT_PHONE,
    until: float | None = None,
) -> tuple[Simulation, str, str]:
    """The target answers at 1 s and pauses; the bridging call answers at 6 s and bridges.

    `routes` is the app's live table: routes added to it later are served too.
    """
    table = routes if routes is not None else {}
    table.setdefault("/target", response(Pause(60), SpeakSentence("never")))
    table.setdefault("/after", response(Hangup()))
    sim = Simulation(Routes(table))
    target = sim.place_call(
        TARGET_ANSWER, to=TARGET_NUMBER, phone=target_phone, disconnect_url=DISCONNECT
    )
    table["/bridger"] = bridge_doc(target)
    sim.run(until=sim.now + 5)
    bridger = sim.place_call(
        BRIDGER_ANSWER, to=BRIDGER_NUMBER, phone=bridger_phone, disconnect_url=DISCONNECT
    )
    sim.run(until=None if until is None else sim.now + until)
    return sim, target, bridger


def test_bridge_target_hangs_up_sends_bridge_complete() -> None:
    """The target leaves first: bridgeComplete on the bridging call, whose reply runs there."""
    sim, target, bridger = simulate(
        bridge_to(bridge_complete_url=COMPLETE, bridge_target_complete_url=TARGET_COMPLETE),
        {COMPLETE: response(SpeakSentence("they hung up"), Hangup())},
        target_phone=hangs_up_after(20),
    )
    assert sim.event_types(bridger) == ["answer", "bridgeComplete", "disconnect"]
    assert sim.event_types(target) == ["answer", "disconnect"]
    complete = sim.events("bridgeComplete")[0]
    assert complete.url == "http://app.test/bc"
    assert complete.at == sim.events("disconnect", target)[0].at
    assert "cause" not in complete.payload
    parsed = BridgeCompleteCallback.from_dict(complete.payload)
    assert parsed.call_id == bridger
    assert "<Pause> interrupted" in [e.summary for e in sim.timeline if e.call_id == target]
    assert not any(
        e.summary == "<SpeakSentence> started" and e.call_id == target for e in sim.timeline
    )
    assert sim.events("disconnect", bridger)[0].at == pytest.approx(complete.at + 1.125)
    assert_engine_invariants(sim)


def test_bridge_bridging_call_hangs_up_sends_bridge_target_complete() -> None:
    """The bridging call leaves first: bridgeTargetComplete on the target, its reply runs there."""
    sim, target, bridger = simulate(
        bridge_to(bridge_complete_url=COMPLETE, bridge_target_complete_url=TARGET_COMPLETE),
        {TARGET_COMPLETE: response(SpeakSentence("your party left"), Hangup())},
        bridger_phone=hangs_up_after(4),
    )
    assert sim.event_types(bridger) == ["answer", "disconnect"]
    assert sim.event_types(target) == ["answer", "bridgeTargetComplete", "disconnect"]
    complete = sim.events("bridgeTargetComplete")[0]
    assert complete.at == sim.events("disconnect", bridger)[0].at
    payload = complete.payload
    assert payload["callId"] == target
    assert payload["callUrl"].endswith(f"/calls/{target}")
    BridgeTargetCompleteCallback.from_dict(payload)
    DisconnectCallback.from_dict(sim.events("disconnect", target)[0].payload)
    assert_engine_invariants(sim)


def test_bridge_without_target_url_hangs_up_the_target() -> None:
    """No bridgeTargetCompleteUrl: when the bridging call leaves, the target is hung up."""
    sim, target, bridger = simulate(bridge_to(), bridger_phone=hangs_up_after(4))
    assert sim.event_types(target) == ["answer", "disconnect"]
    ends = sim.events("disconnect")
    assert [w.call_id for w in ends] == [target, bridger]
    assert ends[0].at == ends[1].at
    assert ends[0].payload["cause"] == "hangup"
    assert_engine_invariants(sim)


def test_bridge_without_complete_url_goes_on_with_next_verb() -> None:
    """No bridgeCompleteUrl: when the target leaves, the bridging call runs the next verb."""
    sim, _target, bridger = simulate(bridge_to(), target_phone=hangs_up_after(20))
    assert sim.event_types(bridger) == ["answer", "redirect", "disconnect"]
    assert_engine_invariants(sim)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unknown", "Call c-nope does not exist"),
        ("ended", "Call {target} has already ended"),
        ("unanswered", "Call {target} is an outbound call that has not been answered"),
        ("self", "Call {bridger} cannot be bridged with itself"),
    ],
)
def test_bridge_impossible_target_sends_bridge_complete_with_error(case: str, message: str) -> None:
    """A target that is unknown, gone, ringing or the call itself: bridgeComplete with cause
    `unknown`, a message naming the call, and an errorId; the reply runs, the target is left be."""

    def bridge_self(webhook: Webhook) -> str:
        return response(Bridge(webhook.event.call_id, bridge_complete_url=COMPLETE))

    def bridge_doc(target: str) -> str | Callable[[Webhook], Reply]:
        if case == "self":
            return bridge_self
        target_id = "c-nope" if case == "unknown" else target
        return response(Bridge(target_id, bridge_complete_url=COMPLETE), SpeakSentence("never"))

    target_phone = {
        "ended": hangs_up_after(2),
        "unanswered": parse_script({"answerAfter": 20}),
    }.get(case, SILENT_PHONE)
    sim, target, bridger = simulate(
        bridge_doc, {COMPLETE: response(Hangup())}, target_phone=target_phone, until=3
    )
    assert sim.event_types(bridger) == ["answer", "bridgeComplete", "disconnect"]
    payload = sim.events("bridgeComplete")[0].payload
    assert payload["cause"] == "unknown"
    assert payload["errorMessage"] == message.format(target=target, bridger=bridger)
    assert payload["errorId"]
    BridgeCompleteCallback.from_dict(payload)
    if case == "unanswered":
        assert not sim.call(target).answered  # still ringing, untouched
    sim.run()
    if case in ("unknown", "unanswered"):
        assert "disconnect" not in sim.event_types(target)[:-1]
        assert sim.events("disconnect", target)[0].payload["cause"] == "hangup"
    assert_engine_invariants(sim)


def test_bridge_failure_without_url_goes_on_with_next_verb() -> None:
    """A failed bridge with no bridgeCompleteUrl just goes on with the next verb."""
    sim, _target, bridger = simulate(lambda _target: response(Bridge("c-nope"), Redirect("/after")))
    assert sim.event_types(bridger) == ["answer", "redirect", "disconnect"]
    assert_engine_invariants(sim)


def test_bridge_already_bridged_target_is_busy() -> None:
    """A third call bridging to a call already in a bridge gets the documented busy error."""
    routes: dict[str, str | Callable[[Webhook], Reply]] = {COMPLETE: response(Hangup())}
    sim, target, _bridger = simulate(bridge_to(), routes, until=3)
    routes["/third"] = response(Bridge(target, bridge_complete_url=COMPLETE))
    third = sim.place_call("http://app.test/third", to="+15550001111")
    sim.run(until=sim.now + 10)
    payload = sim.events("bridgeComplete", third)[0].payload
    assert payload["cause"] == "busy"
    assert payload["errorMessage"] == f"Call {target} is already bridged with another call"
    BridgeCompleteCallback.from_dict(payload)
    sim.feed(f.CallUpdateRequested(sim.now, target, state="completed"))
    sim.run()
    assert_engine_invariants(sim)


def test_bridge_to_a_call_in_a_transfer_bridge_is_busy() -> None:
    """A `<Transfer>` bridge counts: its A-leg cannot be bridged again."""
    agent = "+15552223333"
    table: dict[str, str | Callable[[Webhook], Reply]] = {
        "/target": response(Transfer([PhoneNumber(agent)])),
        COMPLETE: response(Hangup()),
    }
    sim = Simulation(Routes(table), phones={agent: hangs_up_after(30)})
    target = sim.place_call(TARGET_ANSWER, phone=SILENT_PHONE)
    table["/bridger"] = response(Bridge(target, bridge_complete_url=COMPLETE))
    sim.run(until=sim.now + 5)
    sim.place_call(BRIDGER_ANSWER, to=BRIDGER_NUMBER)
    sim.run()
    payload = sim.events("bridgeComplete")[0].payload
    assert payload["cause"] == "busy"
    assert_engine_invariants(sim)


def test_bridge_api_redirect_of_target_sends_bridge_complete() -> None:
    """Redirecting the target through the API removes it from the bridge (spec §5.6)."""
    sim, target, bridger = simulate(
        bridge_to(bridge_complete_url=COMPLETE, bridge_target_complete_url=TARGET_COMPLETE),
        {COMPLETE: response(Hangup()), "/moved": response(Pause(2))},
        until=3,
    )
    moved_at = sim.now
    sim.feed(f.CallUpdateRequested(sim.now, target, redirect=Callback("/moved")))
    sim.run()
    assert sim.event_types(target) == ["answer", "redirect", "disconnect"]
    assert sim.event_types(bridger) == ["answer", "bridgeComplete", "disconnect"]
    assert sim.events("bridgeComplete")[0].at == moved_at
    assert not sim.events("bridgeTargetComplete")
    assert_engine_invariants(sim)


def test_bridge_api_redirect_of_bridging_call_sends_bridge_target_complete() -> None:
    """Redirecting the bridging call: the target gets bridgeTargetComplete (spec §5.6)."""
    sim, target, bridger = simulate(
        bridge_to(bridge_complete_url=COMPLETE, bridge_target_complete_url=TARGET_COMPLETE),
        {TARGET_COMPLETE: response(Hangup()), "/moved": response(Hangup())},
        until=3,
    )
    sim.feed(f.CallUpdateRequested(sim.now, bridger, redirect=Callback("/moved")))
    sim.run()
    assert sim.event_types(bridger) == ["answer", "redirect", "disconnect"]
    assert sim.event_types(target) == ["answer", "bridgeTargetComplete", "disconnect"]
    assert not sim.events("bridgeComplete")
    assert_engine_invariants(sim)


def test_bridge_answers_an_unanswered_inbound_target() -> None:
    """An inbound call ringing without an answer (`<Ring answerCall="false">`) is answered by
    the bridge, its ring cancelled."""
    table: dict[str, str | Callable[[Webhook], Reply]] = {
        "/initiate": response(Ring(duration=60, answer_call=False)),
    }
    sim = Simulation(Routes(table))
    target = sim.receive_call("http://app.test/initiate", caller=hangs_up_after(30))
    table["/bridger"] = response(Bridge(target))
    sim.run(until=sim.now + 5)
    sim.place_call(BRIDGER_ANSWER, to=BRIDGER_NUMBER)
    sim.run()
    call = sim.call(target)
    assert call.answer_time == pytest.approx(sim.events("answer")[0].at)
    assert "<Ring> interrupted" in [e.summary for e in sim.timeline if e.call_id == target]
    assert_engine_invariants(sim)
