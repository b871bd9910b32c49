"""`<SendDtmf>`: tones with their durations, intervals and pause characters."""

from __future__ import annotations

import pytest
from bandwidth.models.bxml import SendDtmf

from ringback.bxml import SendDtmf as SendDtmfVerb
from ringback.engine.sim import Routes, Simulation
from ringback.engine.verbs.send_dtmf import tone_schedule

from ..documents import response


def test_send_dtmf_schedule_with_pauses() -> None:
    """`1w2W3`: a pause character replaces the interval after the tone before it."""
    tones, total = tone_schedule(SendDtmfVerb("1w2W3", tone_duration=100, tone_interval=200))
    assert tones == [
        (0.0, pytest.approx(0.1), "1"),
        (pytest.approx(0.6), pytest.approx(0.7), "2"),
        (pytest.approx(1.7), pytest.approx(1.8), "3"),
    ]
    assert total == pytest.approx(1.8)


def test_send_dtmf_call_lasts_for_the_tones() -> None:
    """Three default tones: 3 × 200 ms + 2 × 400 ms."""
    sim = Simulation(Routes({"/answer": response(SendDtmf("123"))}))
    call_id = sim.place_call("http://app.test/answer", disconnect_url="http://app.test/d")
    sim.run()
    answer, disconnect = sim.webhooks
    assert disconnect.at - answer.at == pytest.approx(1.4)
    assert [s.text for s in sim.call(call_id).media.segments] == ["1", "2", "3"]
