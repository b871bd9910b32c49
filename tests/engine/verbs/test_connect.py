"""`<Connect>` (BRTC beta): accepted; the call holds on a silent endpoint until it is ended."""

from __future__ import annotations

import pytest
from bandwidth.models.bxml import Connect, Endpoint, Hangup, SpeakSentence

from ringback.engine import facts as f
from ringback.engine.requests import Callback
from ringback.engine.sim import Routes, Simulation
from ringback.phones.script import parse_script

from ..documents import response

INITIATE = "http://app.test/voice/initiate"
STATUS = "http://app.test/voice/status"
CONNECT = Connect(
    destination=[Endpoint("e-1234"), Endpoint("e-5678")],
    event_callback_url="http://app.test/brtc",
)


def test_connect_holds_call_until_caller_hangs_up() -> None:
    """The call is answered and stays up, silent, until the caller hangs up 42 s later."""
    caller = parse_script({"steps": [{"wait": 42}, {"hangup": True}]})
    sim = Simulation(Routes({"/voice/initiate": response(CONNECT, SpeakSentence("never"))}))
    call_id = sim.receive_call(INITIATE, caller=caller, status_url=STATUS)
    sim.run()
    assert sim.event_types() == ["initiate", "disconnect"]  # no Connect status event
    call = sim.call(call_id)
    assert call.answer_time == call.start_time
    assert call.end_time - call.start_time == pytest.approx(42.0)
    assert call.cause == "hangup"
    summaries = [e.summary for e in sim.timeline]
    assert "connected to BRTC endpoint(s) e-1234, e-5678 (emulated: silent)" in summaries
    assert not any("SpeakSentence" in s for s in summaries)
    assert sim.engine.pending_timers == 0


def test_connect_is_interrupted_by_api_redirect() -> None:
    """A REST redirect ends the connection and runs the new BXML."""
    sim = Simulation(Routes({"/a": response(CONNECT), "/next": response(Hangup())}))
    call_id = sim.place_call("http://app.test/a", disconnect_url=STATUS)
    sim.run(until=sim.now + 30)
    assert not sim.call(call_id).ended
    sim.feed(f.CallUpdateRequested(sim.now, call_id, redirect=Callback("http://app.test/next")))
    sim.run()
    assert sim.event_types() == ["answer", "redirect", "disconnect"]
    assert "<Connect> interrupted" in [e.summary for e in sim.timeline]
