"""v1 conferences and bridges (v1 spec §2.2, §2.3) on the engine's `<Conference>` and `<Bridge>`.

How this works. A v1 conference is created empty by `POST /conferences` (`conference`
`created`); adding a member runs the engine's `<Conference>` verb on the member's call, with
the v1 conference id as its name, so the engine's conference (audio, recordings, mute and hold)
is shared with v2. Who is a member, and when, is kept here and reported as
`conference-member`; the last member out, or `state: completed`, completes the conference. A v1
bridge (`ringback.engine.v1.bridges`) runs `<Bridge>` on its first call with the second as
target.

Audio to a whole conference plays on the engine's conference (members hear it, conference
recordings hold it) and is reported as `conference-speak`/`conference-playback`; audio to one
member or to a bridge is reported as the calls' own `speak`/`playback`. Both are timed by the
sentence's words or the file's real duration.

Simplifications, stated: `joinTone`, `leavingTone` and the `profile` DTMF menu are stored and
reported but do nothing (digits reach the app as `dtmf` events either way); audio to one
member or to a bridge is not put on the calls' recordings; members do not hear one another
(the engine's conference mixes nothing).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ringback import bxml
from ringback.engine import conferencing, flow
from ringback.engine import facts as f
from ringback.engine.actions import ConferenceEnded
from ringback.engine.conference import MAX_MEMBERS, find_active
from ringback.engine.v1 import requests as r
from ringback.engine.v1.commands import audio_verb, leg
from ringback.engine.v1.leg import enqueue, user_url, v1_now
from ringback.engine.verbs.prompt import speech_seconds
from ringback.errors import V1StateError
from ringback.events_v1 import (
    Conference,
    ConferenceMember,
    ConferencePlayback,
    ConferenceSpeak,
    V1Event,
)

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.core import Engine


@dataclass(eq=False, slots=True)
class V1Member:
    """One call's membership of a v1 conference."""

    member_id: str
    call_id: str
    added: str
    mute: bool = False
    hold: bool = False
    join_tone: bool = False
    leaving_tone: bool = False
    state: str = "active"
    removed: str | None = None
    verb: bxml.Conference | None = None


@dataclass(eq=False, slots=True)
class V1Conference:
    """A v1 conference: its settings, state and members (removed ones stay, `completed`)."""

    conference_id: str
    from_: str
    events: r.Events
    created: str
    profile: str = "interpret_digits"
    tag: str | None = None
    state: str = "created"
    completed: str | None = None
    hold: bool = False
    mute: bool = False
    members: dict[str, V1Member] = field(default_factory=dict)

    @property
    def active_members(self) -> int:
        """How many members are in it now."""
        return sum(1 for member in self.members.values() if member.state == "active")


# ---- conferences ------------------------------------------------------------------------------


def conference(engine: Engine, conference_id: str) -> V1Conference:
    """A v1 conference (404 `conference-not-found`)."""
    found = engine.v1_conferences.get(conference_id)
    if not isinstance(found, V1Conference):
        raise V1StateError(
            f"The conference '{conference_id}' could not be found",
            code="conference-not-found",
            status=404,
        )
    return found


def _live(engine: Engine, conference_id: str) -> V1Conference:
    room = conference(engine, conference_id)
    if room.state == "completed":
        raise V1StateError(
            f"The conference '{conference_id}' is completed and cannot be modified",
            code="conference-invalid-state",
        )
    return room


def member(room: V1Conference, member_id: str) -> V1Member:
    """A member (404 `conference-member-not-found`)."""
    found = room.members.get(member_id)
    if found is None:
        raise V1StateError(
            f"The conference member '{member_id}' could not be found",
            code="conference-member-not-found",
            status=404,
        )
    return found


def _send(engine: Engine, room: V1Conference, event: V1Event) -> None:
    callback = room.events.callback
    if callback is not None:
        engine.send_webhook(
            None,
            event,
            callback,
            sync=False,
            timeout_s=room.events.timeout_s,
            conference_id=room.conference_id,
        )


def _room_event(engine: Engine, room: V1Conference) -> Conference:
    return Conference(
        conference_id=room.conference_id,
        conference_uri=user_url(engine, "conferences", room.conference_id),
        status=room.state if room.state == "completed" else "created",
        created_time=room.created,
        completed_time=room.completed,
        tag=room.tag,
    )


def _member_event(engine: Engine, room: V1Conference, one: V1Member) -> None:
    uri = user_url(engine, "conferences", room.conference_id, "members", one.member_id)
    event = ConferenceMember(
        active_members=room.active_members,
        call_id=one.call_id,
        conference_id=room.conference_id,
        hold=one.hold,
        member_id=one.member_id,
        member_uri=uri,
        mute=one.mute,
        state=one.state,
        time=v1_now(engine),
        tag=room.tag,
    )
    _send(engine, room, event)


def create_conference(engine: Engine, request: r.CreateConference) -> None:
    """POST /conferences: `conference` `created`."""
    room = V1Conference(
        request.conference_id,
        request.from_,
        request.events,
        v1_now(engine),
        profile=request.profile,
        tag=request.tag,
    )
    engine.v1_conferences[room.conference_id] = room
    _send(engine, room, _room_event(engine, room))


def update_conference(engine: Engine, request: r.UpdateConference) -> None:
    """POST /conferences/{id}: end it, hold or mute everyone, change its events or tag."""
    room = _live(engine, request.conference_id)
    if request.events is not None:
        room.events = request.events
    if request.tag is not None:
        room.tag = request.tag or None
    if request.state == "completed":
        _complete(engine, room)
        return
    for name in ("hold", "mute"):
        value = getattr(request, name)
        if value is not None:
            setattr(room, name, value)
            for one in list(room.members.values()):
                if one.state == "active":
                    _set_member(engine, room, one, **{name: value})


def add_member(engine: Engine, request: r.AddMember) -> None:
    """POST /conferences/{id}/members: the call joins (it must have been created for it)."""
    room = _live(engine, request.conference_id)
    call, v1 = leg(engine, request.call_id)
    if v1.conference_id != room.conference_id:
        raise V1StateError(
            f"The call '{call.call_id}' was not created for conference '{room.conference_id}'",
            code="invalid-call-conference-id",
        )
    if not call.answered:
        raise V1StateError(f"The call '{call.call_id}' is not active", code="call-invalid-state")
    if any(m.call_id == call.call_id and m.state == "active" for m in room.members.values()):
        raise V1StateError(
            f"The call '{call.call_id}' is already a member", code="conference-member-exists"
        )
    if room.active_members >= MAX_MEMBERS:
        raise V1StateError(
            f"The conference '{room.conference_id}' has {MAX_MEMBERS} members",
            code="conference-max-members",
        )
    one = V1Member(
        request.member_id,
        call.call_id,
        v1_now(engine),
        mute=request.mute or room.mute,
        hold=request.hold or room.hold,
        join_tone=request.join_tone,
        leaving_tone=request.leaving_tone,
    )
    verb = bxml.Conference(room.conference_id, mute=one.mute, hold=one.hold)
    one.verb = verb
    room.members[one.member_id] = one
    room.state = "active"
    v1.after_verb[id(verb)] = lambda _run, _interrupted: _left(engine, room, one)
    flow.interrupt(engine, call)
    enqueue(engine, call, verb)
    _member_event(engine, room, one)


def update_member(engine: Engine, request: r.UpdateMember) -> None:
    """POST /conferences/{id}/members/{memberId}: remove (`completed`), mute, hold."""
    room = _live(engine, request.conference_id)
    one = member(room, request.member_id)
    if one.state == "completed":
        raise V1StateError(
            f"The conference member '{one.member_id}' has left", code="conference-invalid-state"
        )
    if request.join_tone is not None:
        one.join_tone = request.join_tone
    if request.leaving_tone is not None:
        one.leaving_tone = request.leaving_tone
    if request.state == "completed":
        call = engine.call(one.call_id)
        if call.run is not None and call.run.verb is one.verb:
            flow.stop_run(engine, call, call.run)  # leaving reports `completed` (`_left`)
            flow.advance(engine, call)
        return
    _set_member(engine, room, one, mute=request.mute, hold=request.hold)


def _set_member(
    engine: Engine, room: V1Conference, one: V1Member, *, mute: bool | None, hold: bool | None
) -> None:
    changed = (mute is not None and mute != one.mute) or (hold is not None and hold != one.hold)
    one.mute = one.mute if mute is None else mute
    one.hold = one.hold if hold is None else hold
    shared = find_active(engine.conferences, room.conference_id)
    if shared is not None and one.call_id in shared.members:
        fact = f.ConferenceMemberUpdateRequested(
            engine.now, shared.conference_id, one.call_id, mute=mute, hold=hold
        )
        conferencing.update_member_by_api(engine, fact)
    if changed:
        _member_event(engine, room, one)


def _left(engine: Engine, room: V1Conference, one: V1Member) -> None:
    """The member's `<Conference>` ended: removed, hung up, or the conference completed."""
    if one.state == "completed":
        return
    one.state, one.removed = "completed", v1_now(engine)
    _member_event(engine, room, one)
    if room.active_members == 0 and room.state != "completed":
        _complete(engine, room)


def _complete(engine: Engine, room: V1Conference) -> None:
    shared = find_active(engine.conferences, room.conference_id)
    if shared is not None:
        conferencing.end(engine, shared)  # members go on: each leaves through `_left`
    for one in room.members.values():
        _left(engine, room, one)
    if room.state != "completed":
        room.state, room.completed = "completed", v1_now(engine)
        _send(engine, room, _room_event(engine, room))
        engine.emit(ConferenceEnded(room.conference_id, "v1-conference"))


# ---- audio without a verb of its own ---------------------------------------------------------


def play_timed(
    engine: Engine,
    call: Call | None,
    audio: r.Audio,
    report: Callable[[str], None],
    conference_id: str | None = None,
) -> None:
    """Report `started` now and `done` when the sentence or file would end."""
    verb = audio_verb(audio)
    report("started")
    if isinstance(verb, bxml.SpeakSentence):
        engine.set_timer(call, speech_seconds(verb), lambda: report("done"))
        return

    def measured(seconds: float) -> None:
        engine.set_timer(call, seconds, lambda: report("done"))

    engine.fetch_media(
        call,
        verb.url,
        None,
        None,
        measured,
        lambda _message: report("done"),
        conference_id=conference_id,
    )


def conference_audio(engine: Engine, request: r.ConferenceAudio) -> None:
    """POST /conferences/{id}/audio: members hear it; `conference-speak`/`-playback`."""
    room = _live(engine, request.conference_id)
    audio = request.audio
    shared = find_active(engine.conferences, room.conference_id)
    if shared is not None and not audio.stops:
        if audio.sentence is not None:
            text = f"<SpeakSentence>{html.escape(audio.sentence, quote=False)}</SpeakSentence>"
        else:
            text = f"<PlayAudio>{html.escape(audio.file_url or '', quote=False)}</PlayAudio>"
        conferencing.add_bxml_by_api(engine, shared.conference_id, f"<Response>{text}</Response>")
    if audio.stops:
        return
    uri = user_url(engine, "conferences", room.conference_id)
    kind = ConferenceSpeak if audio.sentence is not None else ConferencePlayback

    def report(status: str) -> None:
        event = kind(
            conference_id=room.conference_id,
            conference_uri=uri,
            status=status,
            time=v1_now(engine),
            tag=audio.tag,
        )
        _send(engine, room, event)

    play_timed(engine, None, audio, report, conference_id=room.conference_id)


def call_audio_in_place(engine: Engine, call: Call, audio: r.Audio) -> None:
    """Audio to a member or bridged call: the call's own `speak`/`playback` events."""
    _, v1 = leg(engine, call.call_id)
    if audio.stops:
        return

    def report(status: str) -> None:
        if not call.ended:
            v1.audio_event(engine, call, audio.sentence is not None, status, audio.tag)

    play_timed(engine, call, audio, report)


def member_audio(engine: Engine, request: r.MemberAudio) -> None:
    """POST /conferences/{id}/members/{memberId}/audio."""
    room = _live(engine, request.conference_id)
    one = member(room, request.member_id)
    call_audio_in_place(engine, engine.call(one.call_id), request.audio)
