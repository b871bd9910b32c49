"""`<Ring>`: ringback for its duration; `answerCall="false"` leaves an inbound call unanswered."""

from __future__ import annotations

import pytest
from bandwidth.models.bxml import Hangup, Ring

from ringback.engine.sim import Routes, Simulation

from ..documents import response


@pytest.mark.parametrize(("answer_call", "answered"), [(True, True), (False, False)])
def test_ring_answers_only_when_asked(answer_call: bool, answered: bool) -> None:
    """Ring answers an inbound call unless answerCall is false (then Hangup rejects it)."""
    sim = Simulation(Routes({"/init": response(Ring(3, answer_call=answer_call), Hangup())}))
    call_id = sim.receive_call("http://app.test/init", status_url="http://app.test/d")
    sim.run()
    call = sim.call(call_id)
    assert (call.answer_time is not None) is answered
    assert call.end_time is not None
    assert call.start_time is not None
    assert call.end_time - call.start_time == pytest.approx(3.0)
    assert call.cause == ("hangup" if answered else "rejected")
