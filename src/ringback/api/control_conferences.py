"""Conferences as the control API shows them: who was in each one, and when.

The REST API's conference shows the members present now; a test (and the console) also needs
the members over time — every call that joined, when it joined and left — and the conference's
own webhooks. `GET /_ringback/conferences` and `/_ringback/conferences/{id}` answer with these,
and the console's conference pages draw the same data.
"""

from __future__ import annotations

from typing import Any

from ringback.engine.conference import Conference, conference_view
from ringback.events import timestamp_from_epoch
from ringback.runtime import Platform


def conference_list(platform: Platform) -> list[dict[str, Any]]:
    """Every conference of this run (they live in memory), newest first, with member counts."""
    conferences = sorted(
        platform.engine.conferences.values(), key=lambda c: c.created_time, reverse=True
    )
    return [
        {
            **_view(platform, conference, with_members=False),
            "memberCount": len(conference.membership),
            "activeMemberCount": len(conference.members),
        }
        for conference in conferences
    ]


def conference_story(platform: Platform, conference_id: str) -> dict[str, Any] | None:
    """A conference, each member's time in it, and its timeline (webhooks); None if unknown."""
    conference = platform.engine.conferences.get(conference_id)
    if conference is None:
        return None
    members = [
        {
            "callId": member.call_id,
            "joinedAt": member.joined_at,
            "joinedTime": timestamp_from_epoch(member.joined_at),
            "leftAt": member.left_at,
            "leftTime": None if member.left_at is None else timestamp_from_epoch(member.left_at),
            "mute": member.mute,
            "hold": member.hold,
            "callIdsToCoach": list(member.call_ids_to_coach),
        }
        for member in conference.membership
    ]
    return {
        "conference": _view(platform, conference, with_members=True),
        "createdAt": conference.created_time,
        "completedAt": conference.completed_time,
        "members": members,
        "entries": platform.timeline(conference_id),
    }


def _view(platform: Platform, conference: Conference, *, with_members: bool) -> dict[str, Any]:
    config = platform.config
    return conference_view(
        conference, config.base_url, config.account_id, with_members=with_members
    )
