"""The store's messaging tables: messages (with one searchable row per recipient) and media.

Mixed into `Store`, on its connection and transaction. A message is kept whole as JSON (the
messaging core's record form) beside the columns message search filters on (messaging spec
§2.2): one row per recipient, since a group message's recipients each have their own state.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ringback.store.rows import Tables, loads

MESSAGING_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    message_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    api TEXT NOT NULL,
    direction TEXT NOT NULL,
    from_number TEXT NOT NULL,
    time REAL NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS message_rows (
    message_id TEXT NOT NULL,
    recipient TEXT NOT NULL,
    seq INTEGER NOT NULL,
    source_tn TEXT NOT NULL,
    status TEXT NOT NULL,
    direction TEXT NOT NULL,
    message_type TEXT NOT NULL,
    error_code INTEGER NOT NULL,
    receive_time REAL NOT NULL,
    PRIMARY KEY (message_id, recipient)
);
CREATE INDEX IF NOT EXISTS message_rows_by_time ON message_rows (receive_time);
CREATE TABLE IF NOT EXISTS media (
    media_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    content BLOB NOT NULL,
    content_type TEXT NOT NULL,
    cache_control TEXT
);
"""

# (column, SQL operator) of each search filter the store applies.
SEARCH_COLUMNS = {
    "message_id": "message_rows.message_id = ?",
    "status": "status = ?",
    "direction": "message_rows.direction = ?",
    "message_type": "message_type = ?",
    "error_code": "error_code = ?",
    "from_time": "receive_time >= ?",
    "to_time": "receive_time <= ?",
}
SORTABLE = {
    "receiveTime": "receive_time",
    "sourceTn": "source_tn",
    "destinationTn": "recipient",
    "messageStatus": "status",
    "messageId": "message_rows.message_id",
}


class MessageTables(Tables):
    """Messages and media; needs the Store's `_db`, `_write` and `_write_pending`."""

    def _write_pending(self) -> None:  # pragma: no cover - Store's
        raise NotImplementedError

    def _next_seq(self, table: str) -> int:
        row = self._db.execute(f"SELECT coalesce(max(seq), 0) + 1 FROM {table}").fetchone()
        return int(row[0])

    # ---- messages --------------------------------------------------------------------------

    def save_message(self, record: Mapping[str, Any]) -> None:
        """Insert or replace a message (its record form) and its per-recipient search rows."""
        message_id = record["messageId"]
        row = self._db.execute(
            "SELECT seq FROM messages WHERE message_id = ?", (message_id,)
        ).fetchone()
        seq = row[0] if row else self._next_seq("messages")
        self._write(
            "INSERT OR REPLACE INTO messages VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                message_id,
                seq,
                record["api"],
                record["direction"],
                record["from"],
                record["time"],
                json.dumps(record),
            ),
        )
        kind = "mms" if record["media"] else "sms"
        direction = "OUTBOUND" if record["direction"] == "out" else "INBOUND"
        for recipient in record["recipients"]:
            self._write(
                "INSERT OR REPLACE INTO message_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    message_id,
                    recipient["number"],
                    seq,
                    record["from"],
                    recipient["status"],
                    direction,
                    kind,
                    recipient["errorCode"] or 0,
                    record["time"],
                ),
            )

    def message_count(self) -> int:
        """How many messages the store holds."""
        return int(self._db.execute("SELECT count(*) FROM messages").fetchone()[0])

    def message(self, message_id: str) -> dict[str, Any] | None:
        """A message's record, or None."""
        row = self._db.execute(
            "SELECT data FROM messages WHERE message_id = ?", (message_id,)
        ).fetchone()
        return None if row is None else loads(row[0])

    def unfinished_messages(self) -> list[dict[str, Any]]:
        """Records of messages a recipient of which is not final (QUEUED, SENDING, RECEIVED)."""
        rows = self._db.execute(
            "SELECT data FROM messages WHERE message_id IN (SELECT message_id FROM message_rows"
            " WHERE status IN ('QUEUED', 'SENDING', 'RECEIVED')) ORDER BY seq"
        )
        return [loads(row[0]) for row in rows]

    def messages(
        self, *, api: str | None = None, after_seq: int = 0, limit: int = 1000
    ) -> list[tuple[int, dict[str, Any]]]:
        """Messages in creation order (of one API's), with their sequence numbers."""
        sql = "SELECT seq, data FROM messages WHERE seq > ?"
        params: list[object] = [after_seq]
        if api is not None:
            sql += " AND api = ?"
            params.append(api)
        rows = self._db.execute(f"{sql} ORDER BY seq LIMIT ?", (*params, limit))
        return [(seq, loads(data)) for seq, data in rows]

    def search_messages(
        self,
        filters: Mapping[str, Any],
        *,
        sources: Sequence[str] = (),
        source_part: str | None = None,
        destinations: Sequence[str] = (),
        destination_part: str | None = None,
        sort: tuple[str, bool] = ("receiveTime", True),
        offset: int = 0,
        limit: int = 100,
    ) -> tuple[int, list[tuple[dict[str, Any], str]]]:
        """Search rows: (total count, [(message record, recipient)]) for one page."""
        clauses = ["1 = 1"]
        params: list[object] = []
        for key, value in filters.items():
            if value is not None:
                clauses.append(SEARCH_COLUMNS[key])
                params.append(value)
        for column, numbers, part in (
            ("source_tn", sources, source_part),
            ("recipient", destinations, destination_part),
        ):
            if numbers:
                clauses.append(f"{column} IN ({', '.join('?' * len(numbers))})")
                params.extend(numbers)
            if part is not None:
                clauses.append(f"instr({column}, ?) > 0")
                params.append(part)
        where = " AND ".join(clauses)
        total = self._db.execute(
            f"SELECT count(*) FROM message_rows WHERE {where}", params
        ).fetchone()[0]
        column, descending = SORTABLE[sort[0]], sort[1]
        order = f"{column} {'DESC' if descending else 'ASC'}, message_rows.seq DESC, recipient"
        rows = self._db.execute(
            "SELECT messages.data, recipient FROM message_rows JOIN messages"
            f" ON messages.message_id = message_rows.message_id WHERE {where}"
            f" ORDER BY {order} LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return int(total), [(loads(data), recipient) for data, recipient in rows]

    # ---- media -----------------------------------------------------------------------------

    def put_media(
        self, media_id: str, content: bytes, content_type: str, cache_control: str | None = None
    ) -> None:
        """Store (or overwrite) a media file."""
        row = self._db.execute("SELECT seq FROM media WHERE media_id = ?", (media_id,)).fetchone()
        seq = row[0] if row else self._next_seq("media")
        self._write(
            "INSERT OR REPLACE INTO media VALUES (?, ?, ?, ?, ?)",
            (media_id, seq, content, content_type, cache_control),
        )

    def media(self, media_id: str) -> tuple[bytes, str, str | None] | None:
        """A media file's bytes, type and Cache-Control, or None."""
        row = self._db.execute(
            "SELECT content, content_type, cache_control FROM media WHERE media_id = ?",
            (media_id,),
        ).fetchone()
        return None if row is None else (bytes(row[0]), str(row[1]), row[2])

    def media_size(self, media_id: str) -> int | None:
        """A media file's size in bytes, or None if there is none."""
        row = self._db.execute(
            "SELECT length(content) FROM media WHERE media_id = ?", (media_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def media_list(self, after: str = "", limit: int = 1000) -> list[tuple[str, int]]:
        """(media id, size) in id order, after `after` (the continuation token)."""
        rows = self._db.execute(
            "SELECT media_id, length(content) FROM media WHERE media_id > ?"
            " ORDER BY media_id LIMIT ?",
            (after, limit),
        )
        return [(media_id, int(size)) for media_id, size in rows]

    def delete_media(self, media_id: str) -> None:
        """Forget a media file (nothing happens if there is none)."""
        self._write("DELETE FROM media WHERE media_id = ?", (media_id,))
