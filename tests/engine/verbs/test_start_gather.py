"""`<StartGather>`/`<StopGather>`: one async `dtmf` per digit, in the background of other verbs."""

from __future__ import annotations

from typing import Any

import pytest
from bandwidth import DtmfCallback
from bandwidth.models.bxml import (
    Gather,
    Pause,
    Redirect,
    SpeakSentence,
    StartGather,
    StopGather,
    Tag,
    Verb,
)

from ringback.engine.actions import SendWebhook
from ringback.engine.farend import DTMF_GAP_S, DTMF_TONE_S
from ringback.engine.requests import Callback
from ringback.engine.sim import Routes, Simulation, Webhook
from ringback.phones.script import parse_script

from ..documents import response

ANSWER = "http://app.test/ivr/answer"
DTMF_URL = "http://app.test/ivr/dtmf"
STEP_S = DTMF_TONE_S + DTMF_GAP_S


def run(
    *verbs: Verb, steps: list[dict[str, Any]], routes: dict[str, str] | None = None
) -> tuple[Simulation, str]:
    """Answer a call with these verbs while the phone runs `steps`; every timer must settle."""
    sim = Simulation(Routes({"/ivr/answer": response(*verbs), **(routes or {})}))
    phone = parse_script({"steps": steps})
    call_id = sim.place_call(ANSWER, phone=phone, disconnect_url="http://app.test/d")
    sim.run()
    assert sim.engine.pending_timers == 0
    return sim, call_id


def dtmf(sim: Simulation) -> list[Webhook]:
    """The `dtmf` webhooks sent; each must parse with the SDK's model."""
    hooks = sim.events("dtmf")
    for hook in hooks:
        assert DtmfCallback.from_dict(hook.payload).digit == hook.payload["digit"]
    return hooks


def digits(sim: Simulation) -> str:
    """The digits reported by `dtmf` webhooks, in order."""
    return "".join(hook.payload["digit"] for hook in dtmf(sim))


def test_start_gather_sends_one_async_dtmf_per_digit() -> None:
    """Each digit is sent as it is heard, asynchronously, while the next verbs run."""
    sim, _ = run(StartGather("dtmf"), Pause(5), steps=[{"press": "12"}])
    answered = sim.events("answer")[0].at
    hooks = dtmf(sim)
    assert [(h.payload["digit"], h.at - answered) for h in hooks] == [
        ("1", pytest.approx(DTMF_TONE_S)),
        ("2", pytest.approx(STEP_S + DTMF_TONE_S)),
    ]
    assert all(h.url == DTMF_URL and not h.sync for h in hooks)
    assert sim.events("disconnect")[0].at - answered == pytest.approx(5.0)


def test_start_gather_callback_carries_method_and_credentials_without_fallback() -> None:
    """dtmfMethod, username and password reach the webhook; there is no fallback."""
    verb = StartGather("/hooks/dtmf", dtmf_method="GET", username="u", password="p")
    sim, _ = run(verb, Pause(1), steps=[{"press": "9"}])
    (sent,) = [
        a for a in sim.actions if isinstance(a, SendWebhook) and a.event.event_type == "dtmf"
    ]
    assert sent.callback == Callback(
        url="http://app.test/hooks/dtmf", method="GET", username="u", password="p"
    )
    assert not sent.sync


def test_start_gather_is_paused_while_a_gather_collects() -> None:
    """Digits taken by `<Gather>` (even the one ending it) are not sent as `dtmf`."""
    steps = [{"waitFor": "gather"}, {"press": "12"}, {"wait": 1}, {"press": "3"}]
    gather = Gather(gather_url="gathered", max_digits=2)
    sim, _ = run(
        StartGather("dtmf"), gather, steps=steps, routes={"/ivr/gathered": response(Pause(3))}
    )
    assert sim.events("gather")[0].payload["digits"] == "12"
    assert digits(sim) == "3"


def test_start_gather_started_after_a_gather_misses_the_digit_that_ended_it() -> None:
    """`<Gather maxDigits=1>` then `<StartGather>`: the Gather's digit is not a `dtmf`."""
    steps = [{"waitFor": "gather"}, {"press": "45"}]
    sim, _ = run(Gather(max_digits=1), StartGather("dtmf"), Pause(2), steps=steps)
    assert digits(sim) == "5"


def test_start_gather_second_replaces_the_first() -> None:
    """A second `<StartGather>` takes over: digits go to its URL only."""
    sim, _ = run(StartGather("first"), StartGather("second"), Pause(1), steps=[{"press": "7"}])
    assert [h.url for h in dtmf(sim)] == ["http://app.test/ivr/second"]


def test_start_gather_stop_gather_ends_it() -> None:
    """No `dtmf` after `<StopGather>`."""
    steps = [{"press": "1"}, {"wait": 1}, {"press": "2"}]
    sim, _ = run(StartGather("dtmf"), Pause(0.5), StopGather(), Pause(2), steps=steps)
    assert digits(sim) == "1"


def test_start_gather_stop_gather_without_start_gather_does_nothing() -> None:
    """`<StopGather>` alone is harmless; the timeline says there was nothing to stop."""
    sim, _ = run(StopGather(), Pause(1), steps=[{"press": "1"}])
    assert sim.event_types() == ["answer", "disconnect"]
    assert any("no <StartGather> to stop" in e.summary for e in sim.timeline)


def test_start_gather_keeps_working_across_verbs_and_documents() -> None:
    """It outlives the document that started it: a `<Redirect>` keeps it running."""
    steps = [{"wait": 1}, {"press": "8"}]
    sim, _ = run(
        StartGather("dtmf"),
        Redirect("next"),
        steps=steps,
        routes={"/ivr/next": response(SpeakSentence("one two three four five six seven"))},
    )
    assert digits(sim) == "8"


def test_start_gather_tag_and_later_tags_apply_to_dtmf() -> None:
    """Its `tag` is the call's tag from then on (spec §4.4); a later `<Tag>` changes `dtmf` too."""
    steps = [{"press": "1"}, {"wait": 1}, {"press": "2"}]
    sim, _ = run(StartGather("dtmf", tag="menu"), Pause(0.5), Tag("billing"), Pause(2), steps=steps)
    assert [h.payload["tag"] for h in dtmf(sim)] == ["menu", "billing"]


def test_start_gather_meets_wait_for_gather() -> None:
    """A phone waiting `{"waitFor": "gather"}` presses once `<StartGather>` runs."""
    steps = [{"waitFor": "gather"}, {"press": "5"}]
    sim, _ = run(Pause(2), StartGather("dtmf"), Pause(1), steps=steps)
    (hook,) = dtmf(sim)
    assert hook.at - sim.events("answer")[0].at == pytest.approx(2 + DTMF_TONE_S)


def test_start_gather_stays_collecting_after_a_gather_ends() -> None:
    """After a `<Gather>` ends, an active `<StartGather>` still meets `waitFor gather`."""
    steps = [{"waitFor": "gather"}, {"press": "1"}, {"waitFor": "gather"}, {"press": "2"}]
    sim, _ = run(StartGather("dtmf"), Gather(max_digits=1), Pause(3), steps=steps)
    (hook,) = dtmf(sim)
    assert hook.payload["digit"] == "2"
    assert hook.at - sim.events("answer")[0].at == pytest.approx(STEP_S + DTMF_TONE_S)


def test_start_gather_stop_gather_ends_collecting() -> None:
    """After `<StopGather>` a phone waiting for `gather` waits on."""
    steps = [{"wait": 1}, {"waitFor": "gather"}, {"press": "3"}]
    sim, _ = run(
        StartGather("dtmf"), StopGather(), Pause(3), StartGather("dtmf"), Pause(1), steps=steps
    )
    (hook,) = dtmf(sim)
    assert hook.at - sim.events("answer")[0].at == pytest.approx(3 + DTMF_TONE_S)


def test_start_gather_nothing_after_the_call_ends() -> None:
    """Digits after the call ended send nothing; the last webhook is `disconnect`."""
    sim, _ = run(StartGather("dtmf"), Pause(0.2), steps=[{"press": "123"}])
    assert digits(sim) == "1"
    assert sim.event_types()[-1] == "disconnect"
