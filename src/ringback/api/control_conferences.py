"""Conferences as the control API shows them: who was in each one, and when.

The REST API's conference shows the members present now; a test (and the console) also needs
the members over time — every call that joined, when it joined and left — and the conference's
own webhooks. `GET /_ringback/conferences` and `/_ringback/conferences/{id}` answer with these,
and the console's conference pages draw the same data.
"""

from __future__ import annotations

from typing import Any

from ringback.runtime import Platform
from ringback.runtime.conference_records import conference_index, conference_record_of

MAX_LISTED = 1000  # conferences in the control API's list (and the console's), the newest


def conference_list(platform: Platform) -> list[dict[str, Any]]:
    """The newest `MAX_LISTED` conferences (live, or stored once ended), newest first, with
    member counts."""
    newest = list(reversed(conference_index(platform)))[:MAX_LISTED]
    records = (conference_record_of(platform, conference_id) for conference_id, _, _ in newest)
    return [
        {
            **listed(record["conference"]),
            "memberCount": len(record["members"]),
            "activeMemberCount": sum(1 for m in record["members"] if m["leftAt"] is None),
        }
        for record in records
        if record is not None
    ]


def conference_story(platform: Platform, conference_id: str) -> dict[str, Any] | None:
    """A conference, each member's time in it, and its timeline (webhooks); None if unknown."""
    record = conference_record_of(platform, conference_id)
    if record is None:
        return None
    return {**record, "entries": platform.timeline(conference_id)}


def listed(view: dict[str, Any]) -> dict[str, Any]:
    """A conference's view as lists show it: without `activeMembers`."""
    return {key: value for key, value in view.items() if key != "activeMembers"}
