"""`<Conference>`: create, join, leave and complete; conference BXML heard by every member."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest
from bandwidth import (
    ConferenceCompletedCallback,
    ConferenceCreatedCallback,
    ConferenceMemberExitCallback,
    ConferenceMemberJoinCallback,
)
from bandwidth.models.bxml import Conference, Hangup, PlayAudio, SpeakSentence
from hypothesis import given, settings
from hypothesis import strategies as st

from ringback.engine import facts as f
from ringback.engine.actions import AppendTimeline, EndCall, SendWebhook
from ringback.engine.conference import MAX_MEMBERS
from ringback.engine.media import Side, Sound
from ringback.engine.requests import Callback
from ringback.engine.sim import Failure, Reply, Routes, Simulation, Webhook
from ringback.engine.verbs.prompt import TTS_SECONDS_PER_WORD
from ringback.phones.script import PhoneScript, parse_script

from ..documents import response

APP = "http://app.test"
EVENTS = f"{APP}/conf/events"
SDK_MODELS = {
    "conferenceCreated": ConferenceCreatedCallback,
    "conferenceMemberJoin": ConferenceMemberJoinCallback,
    "conferenceMemberExit": ConferenceMemberExitCallback,
    "conferenceCompleted": ConferenceCompletedCallback,
}

ConferenceReplies = Mapping[str, Reply | Callable[[Webhook], Reply]]


def app(
    answers: Mapping[str, str | Callable[[Webhook], Reply]],
    conference: ConferenceReplies | None = None,
) -> Routes:
    """Answer BXML by path; conference events by event type (empty reply when not listed)."""
    replies = dict(conference or {})

    def conference_event(webhook: Webhook) -> Reply:
        reply = replies.get(webhook.event_type)
        return reply(webhook) if callable(reply) else reply

    return Routes({**answers, "/conf/events": conference_event})


def phone(hang_up_after_s: float | None = None, answer_after_s: float = 1.0) -> PhoneScript:
    """A far end that answers, stays silent, and hangs up after a while (or never)."""
    steps: list[dict[str, object]] = []
    if hang_up_after_s is not None:
        steps = [{"wait": hang_up_after_s}, {"hangup": True}]
    return parse_script({"answerAfter": answer_after_s, "steps": steps})


def conference_hooks(sim: Simulation) -> list[Webhook]:
    """The conference webhooks sent, in order."""
    return [w for w in sim.webhooks if w.event_type.startswith("conference")]


def conference_sends(sim: Simulation) -> list[SendWebhook]:
    """The SendWebhook actions of conference events."""
    return [
        a
        for a in sim.actions
        if isinstance(a, SendWebhook) and a.event.event_type.startswith("conference")
    ]


def test_conference_create_join_exit_complete_in_order() -> None:
    """Two members: created, join, join, exit, exit, completed; each parses with the SDK."""
    room = Conference("room", conference_event_url="/conf/events")
    sim = Simulation(app({"/a": response(room), "/b": response(Conference("room"))}))
    first = sim.place_call(f"{APP}/a", to="+15550000001", phone=phone(10), tag="creator")
    second = sim.place_call(f"{APP}/b", to="+15550000002", phone=phone(5, answer_after_s=3))
    sim.run()
    hooks = conference_hooks(sim)
    assert [(h.event_type, h.payload.get("callId")) for h in hooks] == [
        ("conferenceCreated", None),
        ("conferenceMemberJoin", first),
        ("conferenceMemberJoin", second),
        ("conferenceMemberExit", second),
        ("conferenceMemberExit", first),
        ("conferenceCompleted", None),
    ]
    conference_id = hooks[0].payload["conferenceId"]
    assert conference_id.startswith("conf-")
    assert len(conference_id) == 50
    for hook in hooks:
        SDK_MODELS[hook.event_type].from_dict(hook.payload)
        assert hook.url == EVENTS
        assert hook.payload["conferenceId"] == conference_id
        assert hook.payload["name"] == "room"
        assert hook.payload["tag"] == "creator"
        assert hook.sync is (hook.event_type != "conferenceCompleted")
    assert set(hooks[0].payload) == {"eventType", "eventTime", "conferenceId", "name", "tag"}
    join = hooks[2].payload
    assert set(join) == {"eventType", "eventTime", "conferenceId", "name", "tag"} | {
        "callId",
        "from",
        "to",
    }
    assert (join["from"], join["to"]) == ("+15551112222", "+15550000002")
    # The second call leaves the account's queue 0.2 s after the first (5 calls a second).
    offsets = [h.at - sim.webhooks[0].at for h in hooks]
    assert offsets == pytest.approx([0, 0, 2.2, 7.2, 10, 10])
    assert all(
        a.call_id is None and a.conference_id == conference_id for a in conference_sends(sim)
    )
    state = sim.engine.conferences[conference_id]
    assert state.completed_time == hooks[-1].at
    assert not state.members


def test_conference_later_joiners_callback_settings_ignored() -> None:
    """URL, credentials, timeout and tag come from the creator; a joiner's are ignored."""
    creator = Conference("room", conference_event_url="/conf/events", username="u", password="p")
    joiner = Conference(
        "room", conference_event_url="/elsewhere", callback_timeout="2", tag="joiner"
    )
    sim = Simulation(app({"/a": response(creator), "/b": response(joiner)}))
    sim.place_call(f"{APP}/a", phone=phone(6), callback_timeout_s=7.0, tag="boss")
    sim.place_call(f"{APP}/b", phone=phone(2, answer_after_s=2))
    sim.run()
    sends = conference_sends(sim)
    assert len(sends) == 6
    for send in sends:
        assert send.callback == Callback(EVENTS, username="u", password="p")
        assert send.timeout_s == 7.0
        assert send.event.to_wire()["tag"] == "boss"


def test_conference_callback_timeout_attribute_wins() -> None:
    """`<Conference callbackTimeout>` sets the timeout of every conference webhook."""
    room = Conference("room", conference_event_url="/conf/events", callback_timeout="3")
    sim = Simulation(app({"/a": response(room)}))
    sim.place_call(f"{APP}/a", phone=phone(1), callback_timeout_s=20.0)
    sim.run()
    assert [s.timeout_s for s in conference_sends(sim)] == [3.0] * 4


def test_conference_without_event_url_sends_no_conference_events() -> None:
    """No `conferenceEventUrl`: the conference exists, but no conference webhook goes out."""
    sim = Simulation(app({"/a": response(Conference("quiet"))}))
    sim.place_call(f"{APP}/a", phone=phone(3), disconnect_url=f"{APP}/d")
    sim.run()
    assert sim.event_types() == ["answer", "disconnect"]
    (conference,) = sim.engine.conferences.values()
    assert conference.name == "quiet"
    assert not conference.active


def test_conference_bxml_heard_by_all_members_in_order() -> None:
    """Replies queue up and play one after another, on the media log of every member present."""
    created = response(SpeakSentence("welcome to the room"))
    joined = response(SpeakSentence("someone joined"), PlayAudio("/audio/chime.wav"))

    def on_join(webhook: Webhook) -> Reply:
        return joined if webhook.payload["callId"] == second else None

    room = Conference("room", conference_event_url="/conf/events")
    sim = Simulation(
        app(
            {"/a": response(room), "/b": response(room)},
            {"conferenceCreated": created, "conferenceMemberJoin": on_join},
        ),
        media={f"{APP}/audio/chime.wav": 2.0},
    )
    first = sim.place_call(f"{APP}/a", phone=phone(30))
    second = sim.place_call(f"{APP}/b", phone=phone(30, answer_after_s=1.5))
    sim.run()
    heard_first = [(s.sound, s.text) for s in sim.call(first).media.segments]
    heard_second = [(s.sound, s.text) for s in sim.call(second).media.segments]
    chime = (Sound.AUDIO, f"{APP}/audio/chime.wav")
    assert heard_first == [
        (Sound.PROMPT, "welcome to the room"),
        (Sound.PROMPT, "someone joined"),
        chime,
    ]
    assert heard_second == [(Sound.PROMPT, "someone joined"), chime]
    welcome, joined_prompt, audio = sim.call(first).media.segments
    assert all(s.side is Side.PLATFORM for s in (welcome, joined_prompt, audio))
    # Queued behind the welcome (4 words) although B joined half a second after A.
    assert joined_prompt.start == welcome.end
    assert welcome.end - welcome.start == pytest.approx(4 * TTS_SECONDS_PER_WORD)
    assert audio.start == joined_prompt.end
    assert audio.end - audio.start == pytest.approx(2.0)
    assert sim.engine.pending_timers == 0


def test_conference_far_end_hears_conference_prompt() -> None:
    """A member's phone waiting for words played to the conference hears them."""
    script = parse_script({"steps": [{"waitFor": {"heard": "goodbye all"}}, {"hangup": True}]})
    room = Conference("room", conference_event_url="/conf/events")
    sim = Simulation(
        app(
            {"/a": response(room)},
            {"conferenceMemberJoin": response(SpeakSentence("goodbye all"))},
        )
    )
    call_id = sim.place_call(f"{APP}/a", phone=script, disconnect_url=f"{APP}/d")
    sim.run()
    disconnect = sim.events("disconnect", call_id)[0]
    assert disconnect.payload["cause"] == "hangup"
    assert disconnect.at - sim.webhooks[0].at == pytest.approx(2 * TTS_SECONDS_PER_WORD)


def test_conference_member_on_hold_hears_nothing() -> None:
    """`hold="true"`: conference audio does not reach the member."""
    room = Conference("room", conference_event_url="/conf/events")
    held = Conference("room", hold=True)
    sim = Simulation(
        app(
            {"/a": response(room), "/b": response(held)},
            {"conferenceMemberJoin": response(SpeakSentence("hello"))},
        )
    )
    first = sim.place_call(f"{APP}/a", phone=phone(10))
    second = sim.place_call(f"{APP}/b", phone=phone(10))
    sim.run()
    assert len(sim.call(first).media.segments) == 2  # one "hello" per join
    assert sim.call(second).media.segments == []


def test_conference_invalid_bxml_rejected_completely() -> None:
    """A reply with a verb outside the conference context is dropped whole; the calls go on."""
    bad = response(SpeakSentence("never heard"), Hangup())
    room = Conference("room", conference_event_url="/conf/events")
    sim = Simulation(app({"/a": response(room)}, {"conferenceCreated": bad}))
    call_id = sim.place_call(f"{APP}/a", phone=phone(5), disconnect_url=f"{APP}/d")
    sim.run()
    assert sim.call(call_id).media.segments == []
    (note,) = [e for e in sim.timeline if "rejected completely" in e.summary]
    assert note.call_id == call_id
    assert "<Hangup> is not allowed in conference BXML" in note.summary
    disconnect = sim.events("disconnect")[0]
    assert disconnect.payload["cause"] == "hangup"
    assert disconnect.at - sim.webhooks[0].at == pytest.approx(5)


def test_conference_failed_webhook_changes_nothing() -> None:
    """A conference webhook that fails for good is noted; no member is hung up."""
    room = Conference("room", conference_event_url="/conf/events")
    sim = Simulation(app({"/a": response(room)}, {"conferenceCreated": Failure("HTTP 500")}))
    sim.place_call(f"{APP}/a", phone=phone(4), disconnect_url=f"{APP}/d")
    sim.run()
    assert any("conferenceCreated webhook failed: HTTP 500" in e.summary for e in sim.timeline)
    assert sim.events("disconnect")[0].at - sim.webhooks[0].at == pytest.approx(4)


def test_conference_21st_call_does_not_join_and_goes_on() -> None:
    """Twenty members fill a conference; the 21st skips `<Conference>` to its next verb."""
    room = Conference("room", conference_event_url="/conf/events")
    sim = Simulation(app({"/a": response(room, SpeakSentence("sorry it is full"))}))
    calls = [
        sim.place_call(f"{APP}/a", to=f"+1555000{n:04d}", phone=phone(60))
        for n in range(MAX_MEMBERS + 1)
    ]
    sim.run(until=sim.now + 30)
    (conference,) = sim.engine.conferences.values()
    assert list(conference.members) == calls[:MAX_MEMBERS]
    joins = [h.payload["callId"] for h in sim.events("conferenceMemberJoin")]
    assert joins == calls[:MAX_MEMBERS]
    last = calls[-1]
    assert any(e.call_id == last and "is full (20 members)" in e.summary for e in sim.timeline)
    assert sim.call(last).media.segments[0].text == "sorry it is full"
    assert last in sim.ended  # implicit hangup after its next verb
    sim.run()
    assert len(sim.events("conferenceCompleted")) == 1


def test_conference_name_reused_after_completion_gets_new_id() -> None:
    """After the conference completed, the same name creates a new conference with a new id."""
    room = Conference("room", conference_event_url="/conf/events")
    sim = Simulation(app({"/a": response(room)}))
    sim.place_call(f"{APP}/a", phone=phone(2))
    sim.place_call(f"{APP}/a", phone=phone(2, answer_after_s=10))
    sim.run()
    created = [h.payload["conferenceId"] for h in sim.events("conferenceCreated")]
    assert len(created) == 2
    assert created[0] != created[1]
    assert [c.name for c in sim.engine.conferences.values()] == ["room", "room"]
    assert sim.event_types()[-2:] == ["conferenceMemberExit", "conferenceCompleted"]


def test_conference_redirected_member_leaves_others_stay() -> None:
    """POST /calls/{id} redirect takes one member out; the conference goes on without it."""
    room = Conference("room", conference_event_url="/conf/events")
    sim = Simulation(
        app(
            {"/a": response(room), "/moved": response(SpeakSentence("you left"))},
        )
    )
    first = sim.place_call(f"{APP}/a", phone=phone(20))
    second = sim.place_call(f"{APP}/a", phone=phone(20))
    sim.run(until=sim.now + 5)
    sim.feed(f.CallUpdateRequested(sim.now, second, redirect=Callback(f"{APP}/moved")))
    sim.run(until=sim.now + 1)
    (conference,) = sim.engine.conferences.values()
    assert list(conference.members) == [first]
    assert conference.active
    types = [(h.event_type, h.payload.get("callId")) for h in sim.webhooks[-2:]]
    assert types == [("conferenceMemberExit", second), ("redirect", second)]
    assert sim.call(second).media.segments[0].text == "you left"
    sim.run()
    assert sim.event_types().count("conferenceCompleted") == 1


def test_conference_second_coach_from_bxml_joins_without_coaching() -> None:
    """One coach per conference: a second `callIdsToCoach` is ignored, with a note."""
    calls: list[str] = []

    def coach_document(_webhook: Webhook) -> Reply:
        return response(Conference("room", call_ids_to_coach=calls[0]))

    sim = Simulation(app({"/plain": response(Conference("room")), "/coach": coach_document}))
    calls.append(sim.place_call(f"{APP}/plain", phone=phone(9)))
    coach = sim.place_call(f"{APP}/coach", phone=phone(9))
    other = sim.place_call(f"{APP}/coach", phone=phone(9))
    sim.run(until=sim.now + 5)
    (conference,) = sim.engine.conferences.values()
    assert conference.members[calls[0]].call_ids_to_coach == ()
    assert conference.members[coach].call_ids_to_coach == (calls[0],)
    assert conference.members[other].call_ids_to_coach == ()
    assert conference.coach is conference.members[coach]
    assert any(e.call_id == other and "callIdsToCoach ignored" in e.summary for e in sim.timeline)
    sim.run()


def test_conference_answers_inbound_call() -> None:
    """An inbound call's `<Conference>` answers it."""
    sim = Simulation(app({"/in": response(Conference("room"))}))
    call_id = sim.receive_call(f"{APP}/in", caller=phone(3, answer_after_s=0))
    sim.run()
    call = sim.call(call_id)
    assert call.answer_time is not None
    assert call.cause == "hangup"


@settings(max_examples=40, deadline=None)
@given(
    hangups=st.lists(st.floats(min_value=0.5, max_value=20), min_size=1, max_size=4),
    prompts=st.lists(st.sampled_from(["one", "one two three", "a b c d e"]), max_size=4),
)
def test_conference_invariants(hangups: list[float], prompts: list[str]) -> None:
    """Every join has one exit, one completion, no action after EndCall, no timer left."""
    reply = response(*(SpeakSentence(p) for p in prompts)) if prompts else None
    room = Conference("room", conference_event_url="/conf/events")
    sim = Simulation(app({"/a": response(room)}, {"conferenceMemberJoin": reply}))
    calls = [
        sim.place_call(
            f"{APP}/a", phone=phone(after, answer_after_s=1 + i), disconnect_url=f"{APP}/d"
        )
        for i, after in enumerate(hangups)
    ]
    sim.run()
    assert sim.engine.pending_timers == 0
    joins = sorted(h.payload["callId"] for h in sim.events("conferenceMemberJoin"))
    exits = sorted(h.payload["callId"] for h in sim.events("conferenceMemberExit"))
    assert joins == exits == sorted(calls)
    created = len(sim.events("conferenceCreated"))
    assert created == len(sim.events("conferenceCompleted")) == len(sim.engine.conferences)
    ended_at: dict[str, int] = {}
    for index, action in enumerate(sim.actions):
        if isinstance(action, EndCall):
            ended_at[action.call_id] = index
        elif isinstance(action, AppendTimeline | SendWebhook) and action.call_id in ended_at:
            raise AssertionError(f"action after EndCall: {action}")
    assert len(sim.events("disconnect")) == len(calls)
