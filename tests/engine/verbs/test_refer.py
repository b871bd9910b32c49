"""`<Refer>`: the target's phone decides; success ends the call, failure runs referComplete BXML."""

from __future__ import annotations

from typing import Any

import pytest
from bandwidth import ReferCompleteCallback
from bandwidth.models.bxml import Hangup, Pause, Refer, SipUri, SpeakSentence

from ringback.engine.sim import Routes, Simulation
from ringback.phones.script import parse_script

from ..documents import response
from ..schemas import assert_matches_schema

INITIATE = "http://app.test/voice/initiate"
STATUS = "http://app.test/voice/status"
SIP_LINE = "sip:support@ringback.test"
AGENT = "sip:agent@pbx.app.test"


def refer(url: str | None = "refer-done", tag: str | None = None) -> Refer:
    """A Refer to the AGENT, with a (relative) referCompleteUrl by default."""
    return Refer(sip_uri=SipUri(AGENT), refer_complete_url=url, tag=tag)


def run(
    *verbs: object,
    agent: dict[str, Any] | None = None,
    to: str = SIP_LINE,
    after_failure: str | None = None,
) -> tuple[Simulation, str]:
    """An inbound call to `to` running `verbs`; the AGENT's phone follows `agent`."""
    routes: dict[str, str] = {"/voice/initiate": response(*verbs)}
    if after_failure is not None:
        routes["/voice/refer-done"] = after_failure
    phones = {AGENT: parse_script(agent)} if agent is not None else {}
    sim = Simulation(Routes(routes), phones=phones)
    call_id = sim.receive_call(INITIATE, to=to, status_url=STATUS)
    sim.run()
    return sim, call_id


def test_refer_success_ends_call_and_notifies() -> None:
    """The agent answers: referComplete success (202/200, not sync), then disconnect `hangup`."""
    sim, call_id = run(Pause(1), refer(tag="refer-1"), SpeakSentence("never"), agent={})
    assert sim.event_types(call_id) == ["initiate", "referComplete", "disconnect"]
    hook = sim.events("referComplete")[0]
    assert hook.url == "http://app.test/voice/refer-done"
    assert not hook.sync
    payload = hook.payload
    assert payload["referCallStatus"] == "success"
    assert payload["referSipResponseCode"] == 202
    assert payload["notifySipResponseCode"] == 200
    assert payload["to"] == SIP_LINE
    assert payload["tag"] == "refer-1"
    assert_matches_schema(payload)
    ReferCompleteCallback.from_dict(payload)
    call = sim.call(call_id)
    assert call.cause == "hangup"
    assert call.end_time is not None
    assert call.answer_time is not None
    # Default phone: answers after 1 s; the Refer started after the 1 s pause.
    assert call.end_time - call.answer_time == pytest.approx(2.0)
    assert not any("SpeakSentence" in e.summary for e in sim.timeline)


@pytest.mark.parametrize(("answer", "notify"), [("busy", 486), ("reject", 603)])
def test_refer_failure_runs_refer_complete_bxml(answer: str, notify: int) -> None:
    """A busy or rejecting agent: sync referComplete failure; its BXML runs on the call."""
    sim, call_id = run(
        refer(),
        SpeakSentence("never"),
        agent={"answer": answer, "answerAfter": 2},
        after_failure=response(SpeakSentence("sorry"), Hangup()),
    )
    assert sim.event_types(call_id) == ["initiate", "referComplete", "disconnect"]
    hook = sim.events("referComplete")[0]
    assert hook.sync
    payload = hook.payload
    assert payload["referCallStatus"] == "failure"
    assert payload["referSipResponseCode"] == 202
    assert payload["notifySipResponseCode"] == notify
    assert_matches_schema(payload)
    ReferCompleteCallback.from_dict(payload)
    summaries = [e.summary for e in sim.timeline]
    assert "<SpeakSentence> started" in summaries
    assert sim.call(call_id).cause == "hangup"
    assert hook.at - sim.call(call_id).answer_time == pytest.approx(2.0)


def test_refer_notify_timeout_after_30_seconds() -> None:
    """An agent that never answers: failure at 30 s, no notifySipResponseCode."""
    sim, call_id = run(refer(), agent={"answer": "no-answer"}, after_failure=response(Hangup()))
    payload = sim.events("referComplete")[0].payload
    assert payload["referCallStatus"] == "failure"
    assert payload["referSipResponseCode"] == 202
    assert "notifySipResponseCode" not in payload
    call = sim.call(call_id)
    assert sim.events("referComplete")[0].at - call.answer_time == pytest.approx(30.0)


def test_refer_failure_without_url_continues() -> None:
    """No referCompleteUrl: after a failure the next verb runs."""
    sim, call_id = run(refer(url=None), SpeakSentence("still here"), agent={"answer": "busy"})
    assert sim.event_types(call_id) == ["initiate", "disconnect"]
    assert "<SpeakSentence> started" in [e.summary for e in sim.timeline]
    assert sim.call(call_id).cause == "hangup"


def test_refer_on_phone_number_call_fails_at_once() -> None:
    """A call to an E.164 number cannot be referred: failure, 405, no NOTIFY, no waiting."""
    sim, call_id = run(refer(), to="+15553334444", after_failure=response(Hangup()))
    payload = sim.events("referComplete")[0].payload
    assert payload["referCallStatus"] == "failure"
    assert payload["referSipResponseCode"] == 405
    assert "notifySipResponseCode" not in payload
    assert sim.events("referComplete")[0].at == sim.call(call_id).answer_time


def test_refer_on_outbound_call_fails() -> None:
    """Refer is for inbound calls only: an outbound call to a SIP URI gets 405."""
    sim = Simulation(Routes({"/a": response(refer()), "/refer-done": response(Hangup())}))
    sim.place_call("http://app.test/a", to="sip:someone@far.test")
    sim.run()
    assert sim.events("referComplete")[0].payload["referSipResponseCode"] == 405
