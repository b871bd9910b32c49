"""A conference's state inside the engine, and its REST form (spec §4.6 `<Conference>`, §5.9).

A conference is created by the first `<Conference>` that names it and completes when its last
member leaves or the API ends it; a name used again afterwards makes a new conference with a new
id. The creating call fixes the event callback, the `callbackTimeout` and the `tag` of every
conference webhook. Conference BXML waits in `queue` and plays one verb at a time
(`now_playing`); the behaviour lives in `conferencing` and `conference_bxml`, this module only
holds the data and renders it the way GET /conferences answers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ringback.engine.media import Segment
from ringback.engine.payloads import timestamp
from ringback.engine.requests import Callback

MAX_MEMBERS = 20  # spec §4.6: "A maximum of 20 calls may be in a particular conference"


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

    @property
    def coaching(self) -> bool:
        """Whether this member is the conference's coach."""
        return bool(self.call_ids_to_coach)


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
    queue: deque[QueuedVerb] = field(default_factory=deque)
    now_playing: NowPlaying | None = None
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
