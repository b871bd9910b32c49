"""Conferences as the APIs read them: the engine's (going on, or ended recently) and the store's.

An ended conference is stored when it ends (`ConferenceEnded`) and, once it is no longer among
the most recent ones, leaves the engine (`retention.py`); a restart starts with none in the
engine. Both answer in one form, `ringback.engine.conference.conference_record`, so the REST
API, the control API and the console cannot tell where a conference was read from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ringback.engine.conference import conference_record

if TYPE_CHECKING:
    from ringback.runtime.platform import Platform


def conference_records(platform: Platform) -> list[dict[str, Any]]:
    """Every conference, live or stored, in order of creation."""
    live = platform.engine.conferences
    config = platform.config
    stored = [r for r in platform.store.conferences() if r["conference"]["id"] not in live]
    current = [conference_record(c, config.base_url, config.account_id) for c in live.values()]
    # A stable sort: stored ones (older) first among those created at the same moment.
    return sorted(stored + current, key=lambda record: float(record["createdAt"]))


def conference_record_of(platform: Platform, conference_id: str) -> dict[str, Any] | None:
    """One conference, live or stored; None if there is no such conference."""
    conference = platform.engine.conferences.get(conference_id)
    if conference is None:
        return platform.store.conference(conference_id)
    config = platform.config
    return conference_record(conference, config.base_url, config.account_id)
