"""The store's recordings table: each recording's metadata (its REST form) and its audio.

Mixed into `Store`, on its connection and transaction. A recording's `seq` comes from the same
counter as the calls', so the two list in one order of creation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ringback.store.rows import Tables, dumps, loads

RECORDINGS_SCHEMA = """
CREATE TABLE IF NOT EXISTS recordings (
    recording_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    call_id TEXT,
    conference_id TEXT,
    data TEXT NOT NULL,
    media BLOB,
    media_type TEXT
);
"""


class RecordingTables(Tables):
    """Recordings; needs the Store's `_db`, `_write` and its `_seq` counter."""

    _seq: int

    def save_recording(
        self,
        recording_id: str,
        data: Mapping[str, Any],
        *,
        call_id: str | None = None,
        conference_id: str | None = None,
        media: bytes | None = None,
        media_type: str | None = None,
    ) -> None:
        """Insert or replace a recording's metadata (its REST form) and, if given, its media."""
        self._seq += 1
        self._write(
            "INSERT OR REPLACE INTO recordings VALUES (?, ?, ?, ?, ?, ?, ?)",
            (recording_id, self._seq, call_id, conference_id, dumps(data), media, media_type),
        )

    def recording(self, recording_id: str) -> dict[str, Any] | None:
        """A recording's metadata, or None."""
        row = self._db.execute(
            "SELECT data FROM recordings WHERE recording_id = ?", (recording_id,)
        ).fetchone()
        return None if row is None else loads(row[0])

    def recordings(
        self, *, call_id: str | None = None, conference_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Recordings' metadata in creation order, for a call, a conference, or all."""
        sql = "SELECT data FROM recordings"
        params: tuple[str, ...] = ()
        if call_id is not None:
            sql, params = sql + " WHERE call_id = ?", (call_id,)
        elif conference_id is not None:
            sql, params = sql + " WHERE conference_id = ?", (conference_id,)
        return [loads(row[0]) for row in self._db.execute(sql + " ORDER BY seq", params)]

    def recording_media(self, recording_id: str) -> tuple[bytes, str] | None:
        """A recording's audio and its media type, or None if there is none."""
        row = self._db.execute(
            "SELECT media, media_type FROM recordings WHERE recording_id = ?", (recording_id,)
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return bytes(row[0]), str(row[1])

    def set_recording_media(
        self, recording_id: str, media: bytes | None, media_type: str | None
    ) -> None:
        """Attach (or, with None, remove) a recording's audio."""
        self._write(
            "UPDATE recordings SET media = ?, media_type = ? WHERE recording_id = ?",
            (media, media_type, recording_id),
        )

    def delete_recording(self, recording_id: str) -> None:
        """Forget a recording, its media and its transcription."""
        self._write("DELETE FROM recordings WHERE recording_id = ?", (recording_id,))
