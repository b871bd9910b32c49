"""Conferences as the APIs read them: the engine's (going on, or ended recently) and the store's.

An ended conference is stored when it ends (`ConferenceEnded`) and, once it is no longer among
the most recent ones, leaves the engine (`retention.py`); a restart starts with none in the
engine. Both answer in one form, `ringback.engine.conference.conference_record`, so the REST
API, the control API and the console cannot tell where a conference was read from. Lists walk
the index (id, name, creation time) and read only the records of the page they answer with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ringback.engine.conference import conference_record

if TYPE_CHECKING:
    from ringback.runtime.platform import Platform


def conference_index(platform: Platform) -> list[tuple[str, str, float]]:
    """(id, name, creation time) of every conference, live or stored, in order of creation."""
    stored = platform.store.conference_index()
    known = {conference_id for conference_id, _, _ in stored}
    live = [
        (c.conference_id, c.name, c.created_time)
        for c in platform.engine.conferences.values()
        if c.conference_id not in known
    ]
    # A stable sort: stored ones (older) first among those created at the same moment.
    return sorted(stored + live, key=lambda row: row[2])


def conference_record_of(platform: Platform, conference_id: str) -> dict[str, Any] | None:
    """One conference, live or stored; None if there is no such conference."""
    conference = platform.engine.conferences.get(conference_id)
    if conference is None:
        return platform.store.conference(conference_id)
    config = platform.config
    return conference_record(conference, config.base_url, config.account_id)
