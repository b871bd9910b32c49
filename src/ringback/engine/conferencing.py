"""Conference lifecycle (`<Conference>`, its events, its REST API): create, join, leave.

The first `<Conference>` naming a conference creates it (`conferenceCreated`, sync) and joins
(`conferenceMemberJoin`, sync); later ones only join. A member leaves when its call hangs up or
is redirected (its `<Conference>` is interrupted), or when the conference is ended through the
API; each leaving sends `conferenceMemberExit` (sync). The last member out completes the
conference (`conferenceCompleted`, async). Conference webhooks go to the creator's event
callback with the creator's `callbackTimeout` and `tag`; they are about no one call, so their
SendWebhook has no call id but the conference's id. Their answers are conference BXML
(`conference_bxml`).

Choices where Bandwidth does not say (stated for the coverage table):
- A 21st call does not join: its `<Conference>` ends at once, with a note on its timeline and
  no webhooks, and its BXML goes on with the next verb.
- A conference webhook that fails for good (after retries and fallback) changes nothing: it is
  noted on the members' timelines, no call is hung up.
- `conferenceCompleted` is sent right after the last `conferenceMemberExit`, without waiting for
  the exit's answer; BXML answering that exit is dropped (nobody is left to hear it).
- A second coach from BXML (`<Conference callIdsToCoach>` while another member coaches) joins
  without the coach role, noted on its timeline; through the REST API it is an error.
- mute, hold and coaching are stored and reported; hold keeps conference audio from a member;
  mute and hold leave the member out of conference recordings. Members do not hear one another
  in this emulation (no mixing between member calls), so coaching changes no audio.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ringback import bxml
from ringback.engine import conference_bxml, conference_recording
from ringback.engine.actions import ConferenceEnded
from ringback.engine.conference import (
    MAX_MEMBERS,
    Conference,
    Member,
    coach_ids,
    conference_record,
    find_active,
    note_members,
)
from ringback.engine.payloads import timestamp
from ringback.engine.requests import Callback
from ringback.errors import CallStateError, EngineError, UnknownConferenceError
from ringback.events import (
    ConferenceCompletedEvent,
    ConferenceCreatedEvent,
    ConferenceEvent,
    ConferenceMemberExitEvent,
    ConferenceMemberJoinEvent,
    ConferenceRedirectEvent,
)

if TYPE_CHECKING:
    from ringback.engine import facts as f
    from ringback.engine.call import Call
    from ringback.engine.core import Engine


# ---- joining and leaving -------------------------------------------------------------------


def join(
    engine: Engine,
    call: Call,
    verb: bxml.Conference,
    event_callback: Callback | None,
    resume: Callable[[], None],
) -> Conference | None:
    """Put the call in the conference named by `verb`, creating it; None if it is full."""
    conference = find_active(engine.conferences, verb.name)
    if conference is not None and len(conference.members) >= MAX_MEMBERS:
        engine.note(
            call,
            "conference",
            f"conference {verb.name!r} is full ({MAX_MEMBERS} members): not joined, "
            "going on with the next verb",
            conferenceId=conference.conference_id,
        )
        return None
    if conference is None:
        conference = _create(engine, call, verb, event_callback)
    coaching = coach_ids(verb.call_ids_to_coach)
    coach = conference.coach
    if coaching and coach is not None:
        engine.note(
            call,
            "conference",
            f"callIdsToCoach ignored: {coach.call_id} already coaches in conference "
            f"{conference.conference_id} (one coach per conference)",
        )
        coaching = ()
    member = Member(call.call_id, engine.now, resume, verb.mute, verb.hold, coaching)
    conference.members[call.call_id] = member
    conference.membership.append(member)
    engine.note(
        call,
        "conference",
        f"joined conference {conference.name!r} ({conference.conference_id})",
        conferenceId=conference.conference_id,
        mute=member.mute,
        hold=member.hold,
        callIdsToCoach=list(coaching),
    )
    send_event(
        engine,
        conference,
        ConferenceMemberJoinEvent,
        call_id=call.call_id,
        from_=call.from_,
        to=call.to,
    )
    return conference


def leave(engine: Engine, conference: Conference, call: Call) -> None:
    """A member's `<Conference>` was interrupted (hangup, redirect, new BXML): it leaves."""
    member = conference.members.pop(call.call_id, None)
    if member is None:
        return
    member.left_at = engine.now
    conference_bxml.member_left(engine, conference, call)
    engine.note(
        call,
        "conference",
        f"left conference {conference.name!r} ({conference.conference_id})",
        conferenceId=conference.conference_id,
    )
    _send_exit(engine, conference, call)
    if not conference.members and conference.active:
        _complete(engine, conference)


def end(engine: Engine, conference: Conference) -> None:
    """End the conference now: every member leaves and goes on after its `<Conference>`."""
    members = list(conference.members.values())
    # Completed first, so that a member whose next verb names the conference again gets a new one.
    conference.completed_time = engine.now
    conference_bxml.stop(engine, conference)
    for member in members:
        member.left_at = engine.now
        call = engine.calls[member.call_id]
        engine.note(
            call,
            "conference",
            f"conference {conference.name!r} ended: removed",
            conferenceId=conference.conference_id,
        )
        _send_exit(engine, conference, call)
    conference.members.clear()
    send_event(engine, conference, ConferenceCompletedEvent)
    conference_recording.finish(engine, conference)
    _ended(engine, conference)
    for member in members:
        member.resume()


def _create(
    engine: Engine, call: Call, verb: bxml.Conference, event_callback: Callback | None
) -> Conference:
    timeout = verb.callback_timeout
    conference = Conference(
        conference_id=engine.ids.conference(),
        name=verb.name,
        created_time=engine.now,
        creator_call_id=call.call_id,
        tag=call.tag,  # the <Conference tag> (if any) was already applied to the call
        event_callback=event_callback,
        callback_timeout_s=timeout if timeout is not None else call.callback_timeout_s,
        base_url=event_callback.url if event_callback else call.base_url,
    )
    engine.conferences[conference.conference_id] = conference
    engine.note(
        call,
        "conference",
        f"created conference {conference.name!r} ({conference.conference_id})",
        conferenceId=conference.conference_id,
    )
    send_event(engine, conference, ConferenceCreatedEvent)
    return conference


def _complete(engine: Engine, conference: Conference) -> None:
    conference.completed_time = engine.now
    conference_bxml.stop(engine, conference)
    send_event(engine, conference, ConferenceCompletedEvent)
    conference_recording.finish(engine, conference)
    _ended(engine, conference)


def _ended(engine: Engine, conference: Conference) -> None:
    config = engine.config
    record = conference_record(conference, config.base_url, config.account_id)
    engine.emit(ConferenceEnded(conference.conference_id, "conference", record))


def _send_exit(engine: Engine, conference: Conference, call: Call) -> None:
    send_event(
        engine,
        conference,
        ConferenceMemberExitEvent,
        call_id=call.call_id,
        from_=call.from_,
        to=call.to,
    )


# ---- webhooks --------------------------------------------------------------------------------


def send_event(
    engine: Engine,
    conference: Conference,
    cls: type[ConferenceEvent],
    callback: Callback | None = None,
    **fields: Any,
) -> None:
    """Send a conference event to `callback` (default: the conference's event callback)."""
    target = callback or conference.event_callback
    if target is None:
        return  # no conferenceEventUrl: Bandwidth sends no conference events
    event = cls(
        event_time=timestamp(engine.now),
        conference_id=conference.conference_id,
        name=conference.name,
        tag=conference.tag,
        **fields,
    )
    sync = cls is not ConferenceCompletedEvent

    def answered(body: str, url: str) -> None:
        conference_bxml.deliver(engine, conference, body, url, event.event_type)

    def failed(message: str) -> None:
        note_members(
            engine, conference, f"{event.event_type} webhook failed: {message}", url=target.url
        )

    engine.send_webhook(
        None,
        event,
        target,
        sync=sync,
        timeout_s=conference.callback_timeout_s,
        on_answer=answered,
        on_fail=failed,
        conference_id=conference.conference_id,
    )


# ---- REST requests (spec §5.9) -----------------------------------------------------------------


def known(engine: Engine, conference_id: str) -> Conference:
    """The conference with this id (UnknownConferenceError if none)."""
    try:
        return engine.conferences[conference_id]
    except KeyError:
        raise UnknownConferenceError(f"Conference [{conference_id}] not found") from None


def _live(engine: Engine, conference_id: str) -> Conference:
    conference = known(engine, conference_id)
    if not conference.active:
        raise CallStateError(f"Conference [{conference_id}] has completed and cannot be modified")
    return conference


def update_by_api(engine: Engine, fact: f.ConferenceUpdateRequested) -> None:
    """POST /conferences/{id}: `completed` ends it; `active` with a redirect asks for BXML."""
    conference = _live(engine, fact.conference_id)
    if fact.status == "completed":
        note_members(engine, conference, "conference ended through the API")
        end(engine, conference)
    elif fact.status == "active":
        if fact.redirect is not None:
            callback = engine.resolve(fact.redirect, conference.base_url)
            note_members(
                engine, conference, "conference redirected through the API", url=callback.url
            )
            send_event(engine, conference, ConferenceRedirectEvent, callback)
    else:
        raise EngineError(f"conference status must be 'active' or 'completed', not {fact.status!r}")


def add_bxml_by_api(engine: Engine, conference_id: str, text: str) -> None:
    """PUT /conferences/{id}/bxml: queue the document (BxmlError if invalid: the API says 400)."""
    conference = _live(engine, conference_id)
    document = bxml.parse(text, context=conference_bxml.CONFERENCE_CONTEXT)
    note_members(engine, conference, "conference BXML added through the API")
    for note in document.notes:  # attributes written as `None`, read as absent
        note_members(engine, conference, note)
    conference_bxml.enqueue(engine, conference, document.verbs, conference.base_url)


def update_member_by_api(engine: Engine, fact: f.ConferenceMemberUpdateRequested) -> None:
    """PUT /conferences/{id}/members/{callId}: change mute, hold or coaching (None: unchanged)."""
    conference = _live(engine, fact.conference_id)
    member = conference.members.get(fact.call_id)
    if member is None:
        raise UnknownConferenceError(
            f"Call [{fact.call_id}] is not a member of conference [{fact.conference_id}]"
        )
    if fact.call_ids_to_coach:
        coach = conference.coach
        if coach is not None and coach is not member:
            raise CallStateError(
                f"Conference [{conference.conference_id}] already has a coach "
                f"([{coach.call_id}]); only one member may coach at a time"
            )
    member.set_flags(engine.now, mute=fact.mute, hold=fact.hold)
    if fact.call_ids_to_coach is not None:
        member.call_ids_to_coach = tuple(fact.call_ids_to_coach)
    engine.note(
        engine.calls[member.call_id],
        "conference",
        "member updated through the API",
        conferenceId=conference.conference_id,
        mute=member.mute,
        hold=member.hold,
        callIdsToCoach=list(member.call_ids_to_coach),
    )
