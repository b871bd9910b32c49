"""`<PlayAudio>`: lasts as long as the file; unplayable media is an application error."""

from __future__ import annotations

import pytest
from bandwidth.models.bxml import Hangup, PlayAudio

from ringback.engine.actions import FetchMedia
from ringback.engine.sim import Routes, Simulation

from ..documents import response


def test_play_lasts_as_long_as_the_audio() -> None:
    """A 7.5 s file keeps the call 7.5 s; its relative URL is resolved first."""
    sim = Simulation(
        Routes(
            {
                "/app/answer": response(
                    PlayAudio("media/hello.wav", username="u", password="p"), Hangup()
                )
            }
        ),
        media={"http://app.test/app/media/hello.wav": 7.5},
    )
    sim.place_call("http://app.test/app/answer", disconnect_url="http://app.test/d")
    sim.run()
    answer, disconnect = sim.webhooks
    assert disconnect.at - answer.at == pytest.approx(7.5)
    (fetch,) = [a for a in sim.actions if isinstance(a, FetchMedia)]
    assert (fetch.url, fetch.username, fetch.password) == (
        "http://app.test/app/media/hello.wav",
        "u",
        "p",
    )


def test_play_unsupported_media_is_application_error() -> None:
    """Media the runtime cannot play ends the call with `application-error`."""
    sim = Simulation(Routes({"/answer": response(PlayAudio("http://app.test/x.ogg"))}))
    sim.place_call("http://app.test/answer", disconnect_url="http://app.test/d")
    sim.run()
    disconnect = sim.events("disconnect")[0].payload
    assert disconnect["cause"] == "application-error"
    assert "x.ogg" in disconnect["errorMessage"]
