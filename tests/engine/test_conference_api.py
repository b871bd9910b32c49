"""The conference REST requests as engine facts (spec §5.9): end, redirect, BXML, members."""

from __future__ import annotations

import pytest
from bandwidth import Conference as ConferenceModel
from bandwidth import ConferenceMember, ConferenceRedirectCallback
from bandwidth.models.bxml import Bxml, Conference, SpeakSentence

from ringback.engine import facts as f
from ringback.engine.conference import conference_view, member_view
from ringback.engine.media import Sound
from ringback.engine.requests import Callback
from ringback.engine.sim import Routes, Simulation
from ringback.errors import BxmlError, CallStateError, UnknownConferenceError
from ringback.phones.script import parse_script

from .documents import response

APP = "http://app.test"
ROOM = Conference("room", conference_event_url="/conf/events", tag="t1")
STAY = parse_script({"steps": [{"wait": 60}, {"hangup": True}]})


def two_members(
    routes: dict[str, str] | None = None, after: str | None = None
) -> tuple[Simulation, str, str, str]:
    """Two calls in conference `room` at t+1 s; returns the sim, both call ids, the conference."""
    verbs = [ROOM] if after is None else [ROOM, SpeakSentence(after)]
    sim = Simulation(Routes({"/a": response(*verbs), "/conf/events": "", **(routes or {})}))
    first = sim.place_call(f"{APP}/a", phone=STAY, disconnect_url=f"{APP}/d")
    second = sim.place_call(f"{APP}/a", phone=STAY, disconnect_url=f"{APP}/d")
    sim.run(until=sim.now + 2)
    (conference_id,) = sim.engine.conferences
    return sim, first, second, conference_id


def conference_document(*sentences: str) -> str:
    """A `<Bxml>` of SpeakSentences, as the SDK writes it for PUT /conferences/{id}/bxml."""
    return str(Bxml([SpeakSentence(s) for s in sentences]).to_bxml())


def test_conference_api_completed_removes_members_who_go_on() -> None:
    """status=completed: every member exits, the conference completes, each call goes on."""
    sim, first, second, conference_id = two_members(after="back to your call")
    sim.feed(f.ConferenceUpdateRequested(sim.now, conference_id, status="completed"))
    ended_at = sim.now
    hooks = [(h.event_type, h.payload.get("callId")) for h in sim.webhooks[-3:]]
    assert hooks == [
        ("conferenceMemberExit", first),
        ("conferenceMemberExit", second),
        ("conferenceCompleted", None),
    ]
    sim.run()
    for call_id in (first, second):
        (segment,) = sim.call(call_id).media.segments
        assert (segment.text, segment.start) == ("back to your call", ended_at)
        assert sim.call(call_id).cause == "hangup"  # the implicit hangup after its BXML
    assert sim.engine.conferences[conference_id].completed_time == ended_at
    with pytest.raises(CallStateError, match=r"Conference \[conf-.*\] has completed"):
        sim.feed(f.ConferenceUpdateRequested(sim.now, conference_id, status="completed"))


def test_conference_api_completed_then_same_name_is_new_conference() -> None:
    """A member whose next verb names the ended conference starts a new one."""
    sim = Simulation(Routes({"/a": response(ROOM, ROOM), "/conf/events": ""}))
    sim.place_call(f"{APP}/a", phone=STAY)
    sim.run(until=sim.now + 2)
    (old,) = sim.engine.conferences
    sim.feed(f.ConferenceUpdateRequested(sim.now, old, status="completed"))
    types = sim.event_types()[-4:]
    assert types == [
        "conferenceMemberExit",
        "conferenceCompleted",
        "conferenceCreated",
        "conferenceMemberJoin",
    ]
    new = sim.webhooks[-1].payload["conferenceId"]
    assert new != old
    assert sim.engine.conferences[new].active
    sim.run()


def test_conference_api_redirect_sends_conference_redirect_and_plays_reply() -> None:
    """status=active with redirectUrl: `conferenceRedirect` (sync); its BXML is heard by all."""
    routes = {"/conf/moved": response(SpeakSentence("attention please"))}
    sim, first, second, conference_id = two_members(routes)
    redirect = Callback("moved", username="u", password="p")
    sim.feed(f.ConferenceUpdateRequested(sim.now, conference_id, redirect=redirect))
    sim.run(until=sim.now + 5)
    hook = sim.events("conferenceRedirect")[0]
    assert hook.url == f"{APP}/conf/moved"  # relative to the conference's event URL
    assert hook.sync
    ConferenceRedirectCallback.from_dict(hook.payload)
    assert hook.payload == {
        "eventType": "conferenceRedirect",
        "eventTime": hook.payload["eventTime"],
        "conferenceId": conference_id,
        "name": "room",
        "tag": "t1",
    }
    for call_id in (first, second):
        assert [s.text for s in sim.call(call_id).media.segments] == ["attention please"]
    sim.run()


def test_conference_api_bxml_queued_without_overlap() -> None:
    """Two PUT /bxml documents in a row: the second waits for the first to finish."""
    sim, first, _, conference_id = two_members()
    sim.feed(f.ConferenceBxmlReplaced(sim.now, conference_id, conference_document("one two")))
    sim.feed(f.ConferenceBxmlReplaced(sim.now, conference_id, conference_document("three")))
    sim.run(until=sim.now + 5)
    one, three = sim.call(first).media.segments
    assert (one.text, three.text) == ("one two", "three")
    assert three.start == one.end
    assert one.sound is Sound.PROMPT
    sim.run()
    assert sim.engine.pending_timers == 0


def test_conference_api_invalid_or_unknown_is_rejected() -> None:
    """Invalid conference BXML raises (the API answers 400); an unknown id is not found."""
    sim, _, _, conference_id = two_members()
    with pytest.raises(BxmlError, match="<Hangup> is not allowed in conference BXML"):
        sim.feed(f.ConferenceBxmlReplaced(sim.now, conference_id, "<Bxml><Hangup/></Bxml>"))
    with pytest.raises(UnknownConferenceError, match=r"Conference \[conf-nope\] not found"):
        sim.feed(f.ConferenceBxmlReplaced(sim.now, "conf-nope", conference_document("hi")))
    with pytest.raises(UnknownConferenceError, match=r"is not a member of conference"):
        sim.feed(f.ConferenceMemberUpdateRequested(sim.now, conference_id, "c-x", mute=True))
    sim.run()


def test_conference_api_member_mute_hold_and_coach() -> None:
    """Settings change one at a time (None: unchanged); `[]` ends coaching."""
    sim, first, second, conference_id = two_members()
    member = sim.engine.conferences[conference_id].members[first]
    sim.feed(f.ConferenceMemberUpdateRequested(sim.now, conference_id, first, mute=True))
    assert (member.mute, member.hold, member.call_ids_to_coach) == (True, False, ())
    sim.feed(
        f.ConferenceMemberUpdateRequested(
            sim.now, conference_id, first, hold=True, call_ids_to_coach=(second,)
        )
    )
    assert (member.mute, member.hold, member.call_ids_to_coach) == (True, True, (second,))
    sim.feed(f.ConferenceMemberUpdateRequested(sim.now, conference_id, first, call_ids_to_coach=()))
    assert (member.mute, member.hold, member.call_ids_to_coach) == (True, True, ())
    sim.run()


def test_conference_api_second_coach_is_an_error() -> None:
    """Only one member may coach: asking a second one fails and changes nothing."""
    sim, first, second, conference_id = two_members()
    coach = f.ConferenceMemberUpdateRequested(
        sim.now, conference_id, first, call_ids_to_coach=(second,)
    )
    sim.feed(coach)
    second_coach = f.ConferenceMemberUpdateRequested(
        sim.now, conference_id, second, mute=True, call_ids_to_coach=(first,)
    )
    with pytest.raises(CallStateError, match=r"already has a coach \(\[c-.*\]\)"):
        sim.feed(second_coach)
    member = sim.engine.conferences[conference_id].members[second]
    assert (member.mute, member.call_ids_to_coach) == (False, ())
    sim.run()


def test_conference_api_hold_stops_conference_audio() -> None:
    """A member put on hold does not hear the next conference prompt."""
    sim, first, second, conference_id = two_members()
    sim.feed(f.ConferenceMemberUpdateRequested(sim.now, conference_id, second, hold=True))
    sim.feed(f.ConferenceBxmlReplaced(sim.now, conference_id, conference_document("hello")))
    sim.run(until=sim.now + 5)
    assert [s.text for s in sim.call(first).media.segments] == ["hello"]
    assert sim.call(second).media.segments == []
    sim.run()


def test_conference_api_views_parse_with_sdk() -> None:
    """GET /conferences/{id} and its member, as rendered, parse with the SDK's models."""
    sim, first, second, conference_id = two_members()
    sim.feed(f.ConferenceMemberUpdateRequested(sim.now, conference_id, first, mute=True))
    conference = sim.engine.conferences[conference_id]
    base, account = sim.engine.config.base_url, sim.engine.config.account_id
    view = conference_view(conference, base, account)
    model = ConferenceModel.from_dict(view)
    assert model.id == conference_id
    assert model.conference_event_url == f"{APP}/conf/events"
    assert model.tag == "t1"
    assert model.completed_time is None
    assert [m.call_id for m in model.active_members or []] == [first, second]
    member = ConferenceMember.from_dict(
        member_view(conference, conference.members[first], base, account)
    )
    assert member.mute is True
    assert (
        member.member_url
        == f"{base}/api/v2/accounts/{account}/conferences/{conference_id}/members/{first}"
    )
    assert "activeMembers" not in conference_view(conference, base, account, with_members=False)
    sim.run()
