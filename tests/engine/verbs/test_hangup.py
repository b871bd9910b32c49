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


def test_hangup_is_noted_as_ended_not_interrupted() -> None:
    """The timeline says `<Hangup>` ended: it completed by ending the call."""
    sim = Simulation(Routes({"/answer": response(Hangup())}))
    sim.place_call("http://app.test/answer")
    sim.run()
    summaries = [e.summary for e in sim.timeline if e.kind == "verb"]
    assert "<Hangup> ended" in summaries
    assert "<Hangup> interrupted" not in summaries
