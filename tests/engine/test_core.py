"""The interpreter: customer mistakes as platform behaviour, interruptions, relative URLs, tags."""

from __future__ import annotations

import gc

import pytest
from bandwidth import DisconnectCallback, RedirectCallback
from bandwidth.models.bxml import Hangup, Pause, Redirect, SpeakSentence

from ringback.engine import facts as f
from ringback.engine.actions import AppendTimeline, EndCall, SendWebhook, StartTimer
from ringback.engine.core import Engine
from ringback.engine.flow import MAX_DOCUMENTS_PER_INSTANT
from ringback.engine.requests import Callback, OutboundCallRequest
from ringback.engine.sim import Failure, Routes, Simulation
from ringback.errors import BxmlError, UnknownCallError

from .documents import response

ANSWER = "http://app.test/ivr/answer"
DISCONNECT = "http://app.test/disconnect"


def test_core_invalid_bxml_ends_call_with_cause_and_message() -> None:
    """Invalid BXML from a webhook: `disconnect` with `invalid-bxml` and where it went wrong."""
    sim = Simulation(Routes({"/ivr/answer": "<Response><Dance/></Response>"}))
    sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    disconnect = sim.events("disconnect")[0].payload
    assert disconnect["cause"] == "invalid-bxml"
    assert disconnect["errorMessage"].startswith(f"Invalid BXML from {ANSWER}: line 1, col ")
    assert "Dance" in disconnect["errorMessage"]
    assert disconnect["errorId"]
    DisconnectCallback.from_dict(disconnect)


def test_core_bxml_past_the_element_limit_is_invalid_bxml() -> None:
    """A reply of more than 500 elements ends the call as any invalid BXML does, naming the
    limit and the element that passed it (issue 9: each element costs work on the loop)."""
    reply = "<Response>" + "<Pause/>" * 501 + "</Response>"
    sim = Simulation(Routes({"/ivr/answer": reply}))
    sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    disconnect = sim.events("disconnect")[0].payload
    assert disconnect["cause"] == "invalid-bxml"
    assert disconnect["errorMessage"].startswith(
        f"Invalid BXML from {ANSWER}: line 1, col 4011: more than 500 elements in one document"
    )


def test_core_failed_sync_webhook_is_callback_error() -> None:
    """A sync webhook that fails for good ends the call with `callback-error`."""
    sim = Simulation(Routes({"/ivr/answer": Failure("HTTP 500 from http://app.test/ivr/answer")}))
    sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    disconnect = sim.events("disconnect")[0].payload
    assert disconnect["cause"] == "callback-error"
    assert disconnect["errorMessage"] == "HTTP 500 from http://app.test/ivr/answer"


def test_core_redirect_verb_resolves_relative_url_and_replaces_program() -> None:
    """`<Redirect redirectUrl="next">` goes to the URL relative to the one that sent the BXML."""
    sim = Simulation(
        Routes(
            {
                "/ivr/answer": response(Redirect("next"), SpeakSentence("never")),
                "/ivr/next": response(Hangup()),
            }
        )
    )
    sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    assert sim.event_types() == ["answer", "redirect", "disconnect"]
    redirect = sim.events("redirect")[0]
    assert redirect.url == "http://app.test/ivr/next"
    RedirectCallback.from_dict(redirect.payload)
    assert not any("SpeakSentence" in e.summary for e in sim.timeline)


def test_core_api_redirect_interrupts_running_verb() -> None:
    """POST /calls/{id} redirect stops the running verb and discards the rest."""
    sim = Simulation(
        Routes(
            {
                "/ivr/answer": response(Pause(60), SpeakSentence("never")),
                "/ivr/goodbye": response(Hangup()),
            }
        )
    )
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run(until=sim.now + 5)
    redirect = Callback("/ivr/goodbye")
    sim.feed(f.CallUpdateRequested(sim.now, call_id, redirect=redirect, tag="moved", set_tag=True))
    sim.run()
    assert sim.event_types() == ["answer", "redirect", "disconnect"]
    hook = sim.events("redirect")[0]
    assert hook.url == "http://app.test/ivr/goodbye"
    assert hook.payload["tag"] == "moved"
    summaries = [e.summary for e in sim.timeline]
    assert "<Pause> interrupted" in summaries
    assert sim.engine.pending_timers == 0


def test_core_put_bxml_replaces_document() -> None:
    """PUT /calls/{id}/bxml runs the new document in place of the old one."""
    sim = Simulation(Routes({"/ivr/answer": response(Pause(60))}))
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run(until=sim.now + 5)
    start = sim.now
    sim.feed(f.CallBxmlReplaced(sim.now, call_id, "<Bxml><Pause duration='2'/></Bxml>"))
    sim.run()
    assert sim.events("disconnect")[0].at == pytest.approx(start + 2.0)


def test_core_put_invalid_bxml_raises_for_the_api() -> None:
    """PUT /bxml with an invalid document is refused synchronously (400), the call untouched."""
    sim = Simulation(Routes({"/ivr/answer": response(Pause(60))}))
    call_id = sim.place_call(ANSWER)
    sim.run(until=sim.now + 5)
    with pytest.raises(BxmlError):
        sim.feed(f.CallBxmlReplaced(sim.now, call_id, "invalidBXML"))
    assert not sim.call(call_id).ended


def test_core_stale_reply_after_api_redirect_is_discarded() -> None:
    """A reply that arrives after the call was redirected elsewhere is not run."""
    engine = Engine()
    request = OutboundCallRequest(
        to="+15553334444", from_="+15551112222", application_id="app", answer=Callback(ANSWER)
    )
    (timer,) = [
        a
        for a in engine.handle(f.OutboundCallPlaced(0.0, "c-1", request))
        if isinstance(a, StartTimer)
    ]
    (answer,) = [
        a
        for a in engine.handle(f.TimerFired(timer.at, timer.timer_id))
        if isinstance(a, SendWebhook)
    ]
    engine.handle(f.CallUpdateRequested(1.0, "c-1", redirect=Callback("/ivr/other")))
    actions = engine.handle(f.WebhookAnswered(1.0, answer.request_id, response(Hangup()), ANSWER))
    assert not engine.call("c-1").ended
    assert [a.summary for a in actions if isinstance(a, AppendTimeline)] == [
        "reply discarded: the call was redirected meanwhile"
    ]


def test_core_unknown_call_is_refused() -> None:
    """A fact about a call that does not exist raises UnknownCallError (404)."""
    sim = Simulation(Routes({}))
    with pytest.raises(UnknownCallError):
        sim.feed(f.CallUpdateRequested(sim.now, "c-nope", state="completed"))


def test_core_verb_tag_applies_to_its_own_callback() -> None:
    """A verb's `tag` attribute is in its own webhook and all later ones (spec §4.4)."""
    sim = Simulation(
        Routes(
            {
                "/ivr/answer": response(Redirect("/ivr/next", tag="step-2")),
                "/ivr/next": response(Hangup()),
            }
        )
    )
    sim.place_call(ANSWER, disconnect_url=DISCONNECT, tag="step-1")
    sim.run()
    assert [w.payload.get("tag") for w in sim.webhooks] == ["step-1", "step-2", "step-2"]


def test_core_every_call_ends_once_with_no_timer_left() -> None:
    """After a run, one EndCall per call and no live timer."""
    sim = Simulation(Routes({"/ivr/answer": response(Pause(5), Hangup())}))
    ids = [sim.place_call(ANSWER) for _ in range(3)]
    sim.run()
    ends = [a.call_id for a in sim.actions if isinstance(a, EndCall)]
    assert sorted(ends) == sorted(ids)
    assert sim.engine.pending_timers == 0


def test_core_redirect_loop_ends_with_application_error() -> None:
    """A `<Redirect>` to itself would never let virtual time pass: the call ends with an error."""
    loop = response(Redirect("/ivr/answer"))
    sim = Simulation(Routes({"/ivr/answer": loop}))
    sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    assert len(sim.events("redirect")) == MAX_DOCUMENTS_PER_INSTANT - 1
    disconnect = sim.events("disconnect")[0].payload
    assert disconnect["cause"] == "application-error"
    assert disconnect["errorMessage"].startswith("BXML loop: 100 documents fetched")


def test_core_redirects_spread_over_time_are_not_a_loop() -> None:
    """Many documents are fine as long as time passes between them."""
    step = response(Pause(1), Redirect("/ivr/answer"))
    sim = Simulation(Routes({"/ivr/answer": step}))
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run(until=sim.now + 300)
    assert len(sim.events("redirect")) >= 250
    assert not sim.call(call_id).ended


@pytest.mark.parametrize(
    "document",
    [
        response(Hangup()),
        response(SpeakSentence(text="Hello"), Pause(duration=1)),
    ],
    ids=["hangup", "speak-pause"],
)
def test_core_forgotten_call_is_freed_without_the_cycle_collector(document: str) -> None:
    """An ended call the engine forgets is freed by reference counting: no cyclic garbage left
    for the collector's full collections, which pause a busy platform (issue 15)."""
    sim = Simulation(Routes({"/ivr/answer": document}))
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    gc.collect()
    gc.disable()
    try:
        sim.engine.forget(call_id)
        unreachable = gc.collect()
    finally:
        gc.enable()
    assert call_id not in sim.engine.calls
    assert unreachable == 0
