"""Conference pages' data: the list, and one conference's members over time as a waterfall.

Each member is a lane from when it joined to when it left; the conference's own webhooks are
the first lane. The data is the control API's (`ringback.api.control_conferences`).
"""

from __future__ import annotations

from typing import Any

from ringback.api.control_conferences import conference_list, conference_story
from ringback.console import waterfall
from ringback.runtime import Platform


def conference_rows(platform: Platform) -> list[dict[str, Any]]:
    """The conferences of this run, newest first."""
    return conference_list(platform)


def conference_page(platform: Platform, conference_id: str) -> dict[str, Any] | None:
    """What a conference's page shows; None when the conference is unknown."""
    story = conference_story(platform, conference_id)
    if story is None:
        return None
    ended = story["completedAt"] is not None
    lanes = [
        waterfall.CallTimeline(
            conference_id,
            "conference",
            {"state": "disconnected" if ended else "active"},
            story["entries"] or [_mark(story["createdAt"], "created")],
        )
    ]
    for member in story["members"]:
        marks = [_mark(member["joinedAt"], "joined")]
        if member["leftAt"] is not None:
            marks.append(_mark(member["leftAt"], "left"))
        state = "disconnected" if member["leftAt"] is not None else "active"
        lanes.append(waterfall.CallTimeline(member["callId"], "member", {"state": state}, marks))
    drawn = waterfall.build(lanes, now=None if ended else platform.now())
    return {"story": story, "conference": story["conference"], "waterfall": drawn, "up": not ended}


def _mark(at: float, what: str) -> dict[str, Any]:
    return {"at": at, "kind": "conference", "summary": what, "detail": {}}
