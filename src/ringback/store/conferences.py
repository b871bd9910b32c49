"""The store's conferences table: each ended conference, as the APIs show it.

Mixed into `Store`, on its connection and transaction. A conference is written once, when it
ends (it changes no more), whole as JSON (`ringback.engine.conference.conference_record`), beside
the columns the REST API's list filters and orders on. The running engine keeps the conferences
that are going on and the most recent ended ones; the APIs read older ones here, and every
ended one after a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ringback.store.rows import Tables, dumps, loads

CONFERENCES_SCHEMA = """
CREATE TABLE IF NOT EXISTS conferences (
    conference_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at REAL NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conferences_by_creation ON conferences (created_at);
"""


class ConferenceTables(Tables):
    """Ended conferences; needs the Store's `_db` and `_write`."""

    def save_conference(self, record: Mapping[str, Any]) -> None:
        """Insert or replace an ended conference (its record form)."""
        view = record["conference"]
        self._write(
            "INSERT OR REPLACE INTO conferences VALUES (?, ?, ?, ?)",
            (view["id"], view["name"], record["createdAt"], dumps(record)),
        )

    def conference(self, conference_id: str) -> dict[str, Any] | None:
        """An ended conference's record, or None."""
        row = self._db.execute(
            "SELECT data FROM conferences WHERE conference_id = ?", (conference_id,)
        ).fetchone()
        return None if row is None else loads(row[0])

    def conference_index(self) -> list[tuple[str, str, float]]:
        """(id, name, creation time) of every ended conference, in order of creation: what a
        list filters and pages on, without reading the records."""
        rows = self._db.execute(
            "SELECT conference_id, name, created_at FROM conferences ORDER BY created_at, rowid"
        )
        return [(str(i), str(name), float(at)) for i, name, at in rows]
