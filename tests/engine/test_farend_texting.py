"""A call's far end skips the phone script's texting steps (the messaging core runs those)."""

from __future__ import annotations

from ringback.engine.sim import Routes, Simulation
from ringback.phones.script import parse_script

APP = "http://app.test"


def test_farend_skips_texting_steps_and_goes_on() -> None:
    """`waitFor text`, `text` and `unreachable` are noted as skipped; the press still happens."""
    phone = parse_script(
        {
            "steps": [
                {"waitFor": "text"},
                {"text": "hi"},
                {"unreachable": True},
                {"waitFor": "gather"},
                {"press": "1"},
            ]
        }
    )
    gather = '<Response><Gather gatherUrl="/g" maxDigits="1"/></Response>'
    sim = Simulation(Routes({"/a": gather, "/g": "<Response><Hangup/></Response>"}))
    call_id = sim.place_call(f"{APP}/a", phone=phone)
    sim.run()
    skipped = [e.summary for e in sim.timeline if "texting step" in e.summary]
    assert len(skipped) == 3
    (gathered,) = sim.events("gather", call_id)
    assert gathered.payload["digits"] == "1"
