"""The far end: `press` timing, `waitFor gather`, and steps injected through the control API."""

from __future__ import annotations

from typing import Any

import pytest
from bandwidth.models.bxml import Gather, Hangup, Pause, Verb

from ringback.engine import facts as f
from ringback.engine.farend import DTMF_GAP_S, DTMF_TONE_S
from ringback.engine.media import Side, Sound
from ringback.engine.sim import Routes, Simulation
from ringback.errors import CallStateError
from ringback.phones.script import parse_script, parse_steps

from .documents import response

ANSWER = "http://app.test/answer"


def start(*verbs: Verb, steps: list[dict[str, Any]] | None = None) -> tuple[Simulation, str]:
    """A call answered with these verbs (`/gathered` hangs up); the phone runs `steps`."""
    routes = {"/answer": response(*verbs), "/gathered": response(Hangup())}
    sim = Simulation(Routes(routes))
    phone = parse_script({"steps": steps or []})
    call_id = sim.place_call(ANSWER, phone=phone, disconnect_url="http://app.test/d")
    return sim, call_id


def answered_at(sim: Simulation) -> float:
    """When the `answer` webhook went out."""
    return sim.events("answer")[0].at


def tones(sim: Simulation, call_id: str) -> list[tuple[str, float, float]]:
    """The far end's DTMF tones: digit, start and end, relative to the answer."""
    t0 = answered_at(sim)
    return [
        (s.text, s.start - t0, s.end - t0)
        for s in sim.call(call_id).media.segments
        if s.side is Side.FAR and s.sound is Sound.DTMF
    ]


def test_farend_press_tone_then_gap_per_digit() -> None:
    """Each digit sounds DTMF_TONE_S, then DTMF_GAP_S of silence; the next step follows."""
    sim, call_id = start(Pause(60), steps=[{"press": "123"}, {"hangup": True}])
    sim.run()
    step_s = DTMF_TONE_S + DTMF_GAP_S
    assert tones(sim, call_id) == [
        (digit, pytest.approx(i * step_s), pytest.approx(i * step_s + DTMF_TONE_S))
        for i, digit in enumerate("123")
    ]
    hangup = sim.events("disconnect")[0]
    assert hangup.at - answered_at(sim) == pytest.approx(3 * step_s)
    assert hangup.payload["cause"] == "hangup"


def test_farend_press_digit_is_heard_at_the_end_of_its_tone() -> None:
    """The platform hears a digit when its tone ends (a Gather with maxDigits=1 ends then)."""
    sim, _ = start(
        Gather(gather_url="/gathered", max_digits=1), steps=[{"waitFor": "gather"}, {"press": "4"}]
    )
    sim.run()
    assert sim.events("gather")[0].at - answered_at(sim) == pytest.approx(DTMF_TONE_S)


def test_farend_wait_for_gather_blocks_until_collecting() -> None:
    """`waitFor gather` waits through a `<Pause>` and presses as the `<Gather>` starts."""
    steps = [{"waitFor": "gather"}, {"press": "7"}]
    sim, call_id = start(Pause(3), Gather(gather_url="/gathered", max_digits=1), steps=steps)
    sim.run()
    assert tones(sim, call_id) == [("7", pytest.approx(3.0), pytest.approx(3 + DTMF_TONE_S))]
    assert sim.events("gather")[0].payload["digits"] == "7"


def test_farend_wait_for_gather_met_at_once_while_collecting() -> None:
    """A `waitFor gather` reached while a Gather already collects does not wait."""
    steps = [{"wait": 2}, {"waitFor": "gather"}, {"press": "8"}]
    sim, call_id = start(Gather(gather_url="/gathered", first_digit_timeout=10), steps=steps)
    sim.run()
    assert [t[1] for t in tones(sim, call_id)] == [pytest.approx(2.0)]


def test_farend_wait_for_gather_without_a_gather_never_presses() -> None:
    """No Gather ever runs: the phone stays blocked and the call ends with its BXML."""
    sim, call_id = start(Pause(5), steps=[{"waitFor": "gather"}, {"press": "1"}])
    sim.run()
    assert tones(sim, call_id) == []
    assert any(e.summary == "waitFor gather" for e in sim.timeline)
    assert sim.engine.pending_timers == 0


def test_farend_injected_steps_run_now() -> None:
    """PhoneStepsAdded mid-Gather: the digits are pressed at once and collected."""
    sim, call_id = start(Gather(gather_url="/gathered", max_digits=2, first_digit_timeout=30))
    sim.run(until=sim.now + 5)
    sim.feed(f.PhoneStepsAdded(sim.now, call_id, parse_steps({"press": "56"})))
    injected_at = sim.now
    sim.run()
    gather = sim.events("gather")[0]
    assert gather.payload["digits"] == "56"
    assert gather.at - injected_at == pytest.approx(DTMF_TONE_S + DTMF_GAP_S + DTMF_TONE_S)


def test_farend_injected_steps_run_alongside_a_blocked_script() -> None:
    """The script waits for words never said; injected steps do not wait for it."""
    script = [{"waitFor": {"heard": "never said"}}, {"press": "9"}]
    gather = Gather(gather_url="/gathered", max_digits=1, first_digit_timeout=30)
    sim, call_id = start(gather, steps=script)
    sim.run(until=sim.now + 2)
    sim.feed(f.PhoneStepsAdded(sim.now, call_id, parse_steps([{"wait": 1}, {"press": "3"}])))
    sim.run()
    assert sim.events("gather")[0].payload["digits"] == "3"


def test_farend_injected_steps_for_an_ended_call_are_refused() -> None:
    """Steps for a call that has ended: CallStateError (the control API answers 409)."""
    sim, call_id = start(Hangup())
    sim.run()
    with pytest.raises(CallStateError):
        sim.feed(f.PhoneStepsAdded(sim.now, call_id, parse_steps({"press": "1"})))
