"""A conference's state inside the engine, and its REST form (spec §4.6 `<Conference>`, §5.9).

A conference is created by the first `<Conference>` that names it and completes when its last
member leaves or the API ends it; a name used again afterwards makes a new conference with a new
id. The creating call fixes the event callback, the `callbackTimeout` and the `tag` of every
conference webhook. Conference BXML waits in `queue` and plays one verb at a time
(`now_playing`); the behaviour lives in `conferencing`, `conference_bxml` and
`conference_recording`; this module holds the data, renders it the way GET /conferences answers,
and writes notes on the members' timelines (a conference has no timeline of its own).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ringback.engine.media import MediaLog, Segment
from ringback.engine.payloads import timestamp
from ringback.engine.recordings import Recording
from ringback.engine.requests import Callback

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.core import Engine

MAX_MEMBERS = 20  # spec §4.6: "A maximum of 20 calls may be in a particular conference"

Span = tuple[float, float]


@dataclass(eq=False, slots=True)
class Member:
    """A call in a conference: `mute` (heard by nobody), `hold` (hears nothing), coaching."""

    call_id: str
    joined_at: float
    # Called when the conference ends under the member: its BXML goes on after <Conference>.
    resume: Callable[[], None]
    mute: bool = False
    hold: bool = False
    call_ids_to_coach: tuple[str, ...] = ()
    left_at: float | None = None
    # When the member could not be heard (muted or on hold), for conference recordings.
    silenced_spans: list[Span] = field(default_factory=list)
    silenced_since: float | None = None

    def __post_init__(self) -> None:
        if self.mute or self.hold:
            self.silenced_since = self.joined_at

    @property
    def coaching(self) -> bool:
        """Whether this member is the conference's coach."""
        return bool(self.call_ids_to_coach)

    def set_flags(self, at: float, *, mute: bool | None, hold: bool | None) -> None:
        """Change mute and/or hold (None: unchanged) from `at` on."""
        was_silenced = self.mute or self.hold
        if mute is not None:
            self.mute = mute
        if hold is not None:
            self.hold = hold
        silenced = self.mute or self.hold
        if silenced and not was_silenced:
            self.silenced_since = at
        elif was_silenced and not silenced and self.silenced_since is not None:
            self.silenced_spans.append((self.silenced_since, at))
            self.silenced_since = None

    def audible_spans(self, until: float) -> list[Span]:
        """When the conference could hear this member: in it, neither muted nor on hold."""
        end = self.left_at if self.left_at is not None else until
        silenced = list(self.silenced_spans)
        if self.silenced_since is not None:
            silenced.append((self.silenced_since, end))
        spans: list[Span] = []
        at = self.joined_at
        for quiet_start, quiet_end in sorted(silenced):
            if quiet_start > at:
                spans.append((at, min(quiet_start, end)))
            at = max(at, quiet_end)
        if end > at:
            spans.append((at, end))
        return [(lo, hi) for lo, hi in spans if hi > lo]


@dataclass(frozen=True, slots=True)
class QueuedVerb:
    """A conference BXML verb waiting its turn, with the URL its document came from."""

    verb: Any
    base_url: str


@dataclass(eq=False, slots=True)
class NowPlaying:
    """The conference verb running now; for a prompt, the segment it put on each listener."""

    verb: Any
    segments: dict[str, Segment] = field(default_factory=dict)
    words: str = ""
    timer: int | None = None
    conference_segment: Segment | None = None  # the prompt in the conference's own audio


@dataclass(eq=False, slots=True)
class ConferenceRecording:
    """The conference's `<StartRecording>` recording and where it is announced."""

    recording: Recording
    available: Callback | None


@dataclass(eq=False, slots=True)
class Conference:
    """One conference, from creation to completion. Mutable: the engine is the only writer."""

    conference_id: str
    name: str
    created_time: float
    creator_call_id: str
    tag: str | None
    event_callback: Callback | None
    callback_timeout_s: float
    base_url: str  # where relative URLs of conference BXML resolve (its latest document's URL)
    completed_time: float | None = None
    members: dict[str, Member] = field(default_factory=dict)  # in order of joining
    membership: list[Member] = field(default_factory=list)  # everyone who ever joined
    queue: deque[QueuedVerb] = field(default_factory=deque)
    now_playing: NowPlaying | None = None
    media: MediaLog = field(default_factory=MediaLog)  # what the conference played to all
    recording: ConferenceRecording | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        """Whether the conference is still going on."""
        return self.completed_time is None

    @property
    def coach(self) -> Member | None:
        """The member coaching others, if any (a conference has at most one)."""
        return next((m for m in self.members.values() if m.coaching), None)


def find_active(conferences: Mapping[str, Conference], name: str) -> Conference | None:
    """The conference going on under this name, if any."""
    return next((c for c in conferences.values() if c.active and c.name == name), None)


def members_calls(engine: Engine, conference: Conference) -> list[Call]:
    """The member calls still up, in order of joining."""
    calls = (engine.calls.get(call_id) for call_id in conference.members)
    return [call for call in calls if call is not None and not call.ended]


def note_members(engine: Engine, conference: Conference, summary: str, **detail: Any) -> None:
    """Add an entry to every member's timeline (a conference has no timeline of its own)."""
    for call in members_calls(engine, conference):
        engine.note(call, "conference", summary, conferenceId=conference.conference_id, **detail)


def coach_ids(text: str | None) -> tuple[str, ...]:
    """`callIdsToCoach="c-1, c-2"` as a tuple of ids (empty when absent or blank)."""
    if not text:
        return ()
    return tuple(part.strip() for part in text.split(",") if part.strip())


def conference_url(base_url: str, account_id: str, conference_id: str) -> str:
    """The REST URL of a conference."""
    return f"{base_url}/api/v2/accounts/{account_id}/conferences/{conference_id}"


def member_view(
    conference: Conference, member: Member, base_url: str, account_id: str
) -> dict[str, Any]:
    """A member as GET /conferences/{id}/members/{callId} answers (a `ConferenceMember`)."""
    url = conference_url(base_url, account_id, conference.conference_id)
    return {
        "callId": member.call_id,
        "conferenceId": conference.conference_id,
        "memberUrl": f"{url}/members/{member.call_id}",
        "mute": member.mute,
        "hold": member.hold,
        "callIdsToCoach": list(member.call_ids_to_coach),
    }


def conference_view(
    conference: Conference, base_url: str, account_id: str, *, with_members: bool = True
) -> dict[str, Any]:
    """A conference as GET /conferences/{id} answers; the list leaves out `activeMembers`."""
    callback = conference.event_callback
    view: dict[str, Any] = {
        "id": conference.conference_id,
        "name": conference.name,
        "createdTime": timestamp(conference.created_time),
        "completedTime": (
            None if conference.completed_time is None else timestamp(conference.completed_time)
        ),
        "conferenceEventUrl": callback.url if callback else None,
        "conferenceEventMethod": callback.method if callback else None,
        "tag": conference.tag,
    }
    if with_members:
        view["activeMembers"] = [
            member_view(conference, member, base_url, account_id)
            for member in conference.members.values()
        ]
    return view


def membership_view(conference: Conference) -> list[dict[str, Any]]:
    """Everyone who ever joined, with when they joined and left (the control API's members)."""
    return [
        {
            "callId": member.call_id,
            "joinedAt": member.joined_at,
            "joinedTime": timestamp(member.joined_at),
            "leftAt": member.left_at,
            "leftTime": None if member.left_at is None else timestamp(member.left_at),
            "mute": member.mute,
            "hold": member.hold,
            "callIdsToCoach": list(member.call_ids_to_coach),
        }
        for member in conference.membership
    ]


def conference_record(conference: Conference, base_url: str, account_id: str) -> dict[str, Any]:
    """An ended conference as the store keeps it: what the REST and control APIs answer."""
    return {
        "conference": conference_view(conference, base_url, account_id, with_members=True),
        "createdAt": conference.created_time,
        "completedAt": conference.completed_time,
        "members": membership_view(conference),
    }
