"""Engine invariants under random call flows (Hypothesis).

Random BXML documents (built with the official SDK), random far-end scripts and random API
interruptions at random times; whatever happens, the engine must keep its promises:
no action about a call after it ended, every timer fired or cancelled, exactly one `disconnect`
per call, and the simulation settles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bandwidth.models.bxml import (
    Gather,
    Hangup,
    Pause,
    Redirect,
    Ring,
    SendDtmf,
    SpeakSentence,
    Tag,
    Verb,
)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ringback.engine import facts as f
from ringback.engine.actions import AppendTimeline, EndCall, SendWebhook
from ringback.engine.requests import Callback
from ringback.engine.sim import Failure, Routes, Simulation, Webhook
from ringback.errors import CallStateError
from ringback.phones.script import parse_script

from .documents import response

PATHS = ["/a", "/b", "/c"]

words = st.lists(st.sampled_from(["press", "one", "for", "sales", "two", "goodbye"]), min_size=1)
simple_verbs: st.SearchStrategy[Verb] = st.one_of(
    words.map(lambda w: SpeakSentence(" ".join(w))),
    st.integers(1, 30).map(Pause),
    st.tuples(st.integers(1, 10), st.booleans()).map(lambda a: Ring(a[0], answer_call=a[1])),
    st.text("abc", max_size=3).map(Tag),
    st.text("0123456789*#w", min_size=1, max_size=6).map(SendDtmf),
    st.sampled_from(PATHS).map(Redirect),
    st.just(Hangup()),
)
gathers: st.SearchStrategy[Verb] = st.builds(
    lambda url, max_digits, term, first: Gather(
        audio_verbs=[SpeakSentence("enter your code")],
        gather_url=url,
        max_digits=max_digits,
        terminating_digits=term,
        first_digit_timeout=first,
    ),
    st.one_of(st.none(), st.sampled_from(PATHS)),
    st.integers(1, 5),
    st.sampled_from(["", "#", "*"]),
    st.integers(0, 10),
)
documents = st.lists(st.one_of(simple_verbs, gathers), max_size=5).map(lambda v: response(*v))
replies = st.one_of(documents, st.just("<Response><Nope/></Response>"), st.just(Failure("500")))

steps = st.lists(
    st.one_of(
        st.sampled_from(["answer", "gather", "speak"]).map(lambda c: {"waitFor": c}),
        st.text("0123456789#*", min_size=1, max_size=5).map(lambda d: {"press": d}),
        st.floats(0, 20).map(lambda s: {"wait": s}),
        words.map(lambda w: {"say": " ".join(w)}),
        st.just({"hangup": True}),
    ),
    max_size=6,
)
scripts = st.fixed_dictionaries(
    {
        "answer": st.sampled_from(["human", "machine", "busy", "reject", "no-answer"]),
        "answerAfter": st.floats(0, 40),
        "steps": steps,
    }
)
interruptions = st.lists(
    st.tuples(st.floats(0, 60), st.sampled_from(["redirect", "hangup", "press"])), max_size=3
)


def _app(routes: dict[str, Any]) -> Callable[[Webhook], Any]:
    return Routes({"/answer": routes["/answer"], **{p: routes[p] for p in PATHS}})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answer=replies,
    others=st.tuples(replies, replies, replies),
    script=scripts,
    interrupts=interruptions,
    inbound=st.booleans(),
)
# Found with a random seed: the caller hangs up as the call is answered by <SpeakSentence>,
# which then still ran ("<SpeakSentence> ended" after EndCall).
@example(
    answer=response(SpeakSentence("one")),
    others=(response(), response(), response()),
    script={
        "answer": "human",
        "answerAfter": 0.0,
        "steps": [{"waitFor": "answer"}, {"hangup": True}],
    },
    interrupts=[],
    inbound=True,
)
def test_invariants_hold_for_random_flows(
    answer: Any,
    others: tuple[Any, Any, Any],
    script: dict[str, Any],
    interrupts: list[tuple[float, str]],
    inbound: bool,
) -> None:
    """Random documents, phones and API interruptions never break the engine's promises."""
    routes = {"/answer": answer, **dict(zip(PATHS, others, strict=True))}
    sim = Simulation(_app(routes))
    phone = parse_script(script)
    if inbound:
        call_id = sim.receive_call(
            "http://app.test/answer", caller=phone, status_url="http://app.test/d"
        )
    else:
        call_id = sim.place_call(
            "http://app.test/answer", phone=phone, disconnect_url="http://app.test/d"
        )
    for at, kind in sorted(interrupts):
        sim.run(until=sim.now + at)
        fact: f.Fact
        if kind == "redirect":
            fact = f.CallUpdateRequested(sim.now, call_id, redirect=Callback("/b"))
        elif kind == "hangup":
            fact = f.CallUpdateRequested(sim.now, call_id, state="completed")
        else:
            fact = f.PhoneStepsAdded(
                sim.now, call_id, parse_script({"steps": [{"press": "1#"}]}).steps
            )
        try:
            sim.feed(fact)
        except CallStateError:
            assert sim.call(call_id).ended or kind == "redirect"
    # An app can keep a call going for ever (a Gather whose reply is the same Gather): give it
    # four hours, then hang up through the API as a test would.
    sim.run(until=sim.now + 4 * 3600)
    if not sim.call(call_id).ended:
        sim.feed(f.CallUpdateRequested(sim.now, call_id, state="completed"))
    sim.run()

    call = sim.call(call_id)
    assert call.ended, "every call ends"
    assert sim.engine.pending_timers == 0, "every timer fired or cancelled"
    assert len(sim.timers) == 0
    disconnects = sim.events("disconnect", call_id)
    assert len(disconnects) == 1, "exactly one disconnect per call"
    assert disconnects[0].payload["cause"] == call.cause
    ends = [i for i, a in enumerate(sim.actions) if isinstance(a, EndCall)]
    assert len(ends) == 1
    after_end = sim.actions[ends[0] + 1 :]
    assert not [a for a in after_end if isinstance(a, SendWebhook | AppendTimeline)], (
        "no action about a call after it ended"
    )
    for gather in sim.events("gather", call_id):
        assert len(gather.payload["digits"]) <= 5, (
            "no gather returns more than the largest maxDigits generated"
        )
