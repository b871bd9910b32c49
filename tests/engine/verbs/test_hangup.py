"""`<Hangup>`: ends the call now; later verbs never run."""

from __future__ import annotations

from bandwidth.models.bxml import Hangup, Pause

from ringback.engine.sim import Routes, Simulation

from ..documents import response


def test_hangup_ends_call_at_once() -> None:
    """Nothing after `<Hangup>` runs; the cause is `hangup`."""
    sim = Simulation(Routes({"/answer": response(Hangup(), Pause(30))}))
    sim.place_call("http://app.test/answer", disconnect_url="http://app.test/d")
    sim.run()
    answer, disconnect = sim.webhooks
    assert disconnect.at == answer.at
    assert disconnect.payload["cause"] == "hangup"
