"""`<Pause>`: silence for its duration."""

from __future__ import annotations

import pytest
from bandwidth.models.bxml import Pause

from ringback.engine.sim import Routes, Simulation

from ..documents import response


@pytest.mark.parametrize("seconds", [1, 2.5, 600])
def test_pause_lasts_its_duration(seconds: float) -> None:
    """The call ends `duration` seconds after the answer (then the implicit hangup)."""
    sim = Simulation(Routes({"/answer": response(Pause(seconds))}))
    sim.place_call("http://app.test/answer", disconnect_url="http://app.test/d")
    sim.run()
    answer, disconnect = sim.webhooks
    assert disconnect.at - answer.at == pytest.approx(seconds)
