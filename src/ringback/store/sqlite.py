"""The SQLite store: calls and their timelines (delivery attempts included); the other tables.

How this works. One connection, one writer: the runtime's event loop. Writes go into an open
transaction and `flush()` commits them, so a burst of calls costs one fsync rather than one per
row; the runtime flushes when it goes idle and on shutdown. Call states and timeline entries,
the rows every webhook adds, wait in memory and go in a few statements per batch (a call's
states, saved at every change, coalesce into its latest, rendered once when written); every
read writes them first. A busy platform's batches are written and committed in the store's
writer thread (`flush_soon`). Reads use the same connection, so they see every write at once,
committed or not. WAL mode lets other processes (`ringback timeline` while `serve` runs) read
committed data without blocking the writer.

Rows keep their REST/wire form as JSON next to the few columns that are filtered on, so what was
stored is what the API serves back, byte for byte in meaning, after a restart.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeAlias

import msgspec

from ringback.store.conferences import CONFERENCES_SCHEMA, ConferenceTables
from ringback.store.messages import MESSAGING_SCHEMA, MessageTables
from ringback.store.recordings import RECORDINGS_SCHEMA, RecordingTables
from ringback.store.rows import dumps, loads
from ringback.store.settings import SETTINGS_SCHEMA, SettingTables

SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    call_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    to_number TEXT NOT NULL,
    from_number TEXT NOT NULL,
    start_time TEXT,
    disconnect_cause TEXT,
    ended INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_by_seq ON calls (seq);
CREATE TABLE IF NOT EXISTS timeline (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id TEXT NOT NULL,
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS timeline_by_call ON timeline (call_id, seq);
CREATE TABLE IF NOT EXISTS starts (
    start INTEGER PRIMARY KEY AUTOINCREMENT
);
"""


# A call's state, or a function that renders it when the row is written (Store.save_call).
CallData: TypeAlias = Mapping[str, Any] | Callable[[], Mapping[str, Any]]
_TIMELINE_INSERT = "INSERT INTO timeline (call_id, at, kind, summary, detail)"


# A batch of rows goes in as one statement per table: the rows as one JSON array, read back by
# `json_each`. Why: the writer thread needs the GIL back after every call into SQLite, and while
# the event loop is busy it gets it only when the loop is made to let go (the 5 ms switch
# interval); each handover cost the loop, not just the writer. Statements of 200 bound rows
# (`VALUES (?, ...), ...`) took it back about 15 times a batch, `executemany` once a row. SQLite
# spends about a quarter more CPU per row reading JSON, but that runs beside the loop with the
# GIL released, and one statement text per table keeps the statement cache small whatever the
# batch size. JSON numbers come back as the same doubles (shortest round-trip form both ways);
# a text holding a NUL would come back cut short at it, so a batch with one is bound row by row,
# as every batch is where SQLite was built without its JSON functions.
_ROWS_ENCODER = msgspec.json.Encoder()
_ESCAPED_NUL = b"\\u0000"


@functools.cache
def _has_json_each() -> bool:
    """Whether this SQLite has its JSON functions (built in since 3.38, optional before);
    asked once, when the first batch is written. Without them every batch is bound row by row."""
    with contextlib.closing(sqlite3.connect(":memory:")) as probe:
        try:
            probe.execute("SELECT value FROM json_each('[1]')")
        except sqlite3.OperationalError:
            return False
    return True


@functools.lru_cache(maxsize=16)
def _insert(head: str, width: int) -> str:
    """`head SELECT ... FROM json_each(?)` for rows of `width` columns."""
    columns = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(width))
    return f"{head} SELECT {columns} FROM json_each(?)"


def _insert_rows(conn: sqlite3.Connection, head: str, rows: list[tuple[Any, ...]]) -> None:
    width = len(rows[0])
    if _has_json_each():
        encoded = _ROWS_ENCODER.encode(rows)
        if _ESCAPED_NUL not in encoded:  # (a JSON column's escaped NUL is a false alarm)
            conn.execute(_insert(head, width), (encoded,))
            return
    conn.executemany(f"{head} VALUES ({', '.join('?' * width)})", rows)


class Store(RecordingTables, SettingTables, MessageTables, ConferenceTables):
    """Calls, timelines, recordings, messages, media and control-API settings in one file."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._writer: ThreadPoolExecutor | None = None  # the background committer, on first use
        self._background: Future[None] | None = None  # its batch under way
        # Held while rows are on their way to the writer (taken, not yet handed over), so a
        # reader on another thread (a test beside a served platform) never misses them.
        self._handoff = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(
            SCHEMA + RECORDINGS_SCHEMA + SETTINGS_SCHEMA + MESSAGING_SCHEMA + CONFERENCES_SCHEMA
        )
        self._seq = self._max_seq()
        # A call id not seen by this Store is new unless the file held calls when opened (or
        # since a reset): only then is it looked up, so a new call costs no read.
        self._may_hold_unseen = self.call_count() > 0
        self._dirty = False
        self._call_seqs: dict[str, int] = {}
        # call id → (seq, its latest state or what renders it, ended): see save_call
        self._pending_calls: dict[str, tuple[int, CallData, bool]] = {}
        self._pending_timeline: list[tuple[Any, ...]] = []

    @property
    def _db(self) -> sqlite3.Connection:
        """The connection, for the caller's thread: a background commit under way ends first,
        so the connection is never used by two threads at once and reads see every write."""
        with self._handoff:  # not between flush_soon taking the rows and handing them over
            background, self._background = self._background, None
        if background is not None:
            background.result()  # what the writer raised is raised here
        return self._conn

    def _max_seq(self) -> int:
        row = self._db.execute(
            "SELECT max(s) FROM"
            " (SELECT max(seq) s FROM calls UNION ALL SELECT max(seq) FROM recordings)"
        ).fetchone()
        return int(row[0] or 0)

    def _begin(self) -> None:
        if not self._dirty:
            self._db.execute("BEGIN")
            self._dirty = True

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        self._begin()
        self._db.execute(sql, params)

    def _take_pending(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        # On the caller's thread (the loop's): a state rendered late reads the live call here.
        pending, self._pending_calls = self._pending_calls, {}
        calls = []
        for call_id, (seq, source, ended) in pending.items():
            data = source() if callable(source) else source
            calls.append(
                (
                    call_id,
                    seq,
                    data.get("to", ""),
                    data.get("from", ""),
                    data.get("startTime"),
                    data.get("disconnectCause"),
                    int(ended),
                    data,
                )
            )
        timeline, self._pending_timeline = self._pending_timeline, []
        return calls, timeline

    def _write_rows(self, calls: list[tuple[Any, ...]], timeline: list[tuple[Any, ...]]) -> None:
        # On the connection itself: called by a thread that owns it (see `_db`).
        if not calls and not timeline:
            return
        if not self._dirty:
            self._conn.execute("BEGIN")
            self._dirty = True
        if calls:
            rows = [(*row[:-1], dumps(row[-1])) for row in calls]
            _insert_rows(self._conn, "INSERT OR REPLACE INTO calls", rows)
        if timeline:
            _insert_rows(self._conn, _TIMELINE_INSERT, timeline)

    def _commit_rows(self, calls: list[tuple[Any, ...]], timeline: list[tuple[Any, ...]]) -> None:
        self._write_rows(calls, timeline)
        if self._dirty:
            self._conn.execute("COMMIT")
            self._dirty = False

    def _write_pending(self) -> None:
        """Write the buffered call states and timeline entries (before any read, and at flush)."""
        self._db  # noqa: B018 - a background commit under way ends first
        if self._pending_calls or self._pending_timeline:
            self._write_rows(*self._take_pending())

    def flush(self) -> None:
        """Commit what was written since the last flush; committed when this returns."""
        self._db  # noqa: B018 - a background commit under way ends first
        self._commit_rows(*self._take_pending())

    def flush_soon(self) -> None:
        """Commit what was written so far in the store's writer thread, off the event loop.

        Why: a busy platform commits every 50 ms, and writing and committing its rows was a
        sixth of a whole call's CPU, all of it on the loop. The rows are taken now, in order;
        SQLite's own work (inserting, writing the WAL) runs beside the loop, as the sqlite3
        module releases the GIL for it (one statement per table: see _insert_rows). Anything
        that uses the connection waits for the batch first (`_db`); `flush()` is still the one
        to call when the commit must be done.
        """
        if self._background is not None and not self._background.done():
            return  # one batch at a time: these rows go with the next
        self._db  # noqa: B018 - collects the previous batch's outcome
        with self._handoff:
            calls, timeline = self._take_pending()
            if not calls and not timeline and not self._dirty:
                return
            if self._writer is None:
                self._writer = ThreadPoolExecutor(1, thread_name_prefix="ringback-store")
            self._background = self._writer.submit(self._commit_rows, calls, timeline)

    def close(self) -> None:
        """Commit and close."""
        self.flush()
        if self._writer is not None:
            self._writer.shutdown()
            self._writer = None
        self._conn.close()

    def reset(self) -> None:
        """Forget every call, timeline and recording (settings too): POST /_ringback/reset."""
        self._pending_calls.clear()
        self._pending_timeline.clear()
        self._call_seqs.clear()
        tables = (
            "calls",
            "timeline",
            "recordings",
            "settings",
            "messages",
            "message_rows",
            "media",
            "conferences",
        )
        for table in tables:
            self._write(f"DELETE FROM {table}", ())
        self.flush()
        self._may_hold_unseen = False

    # ---- calls -----------------------------------------------------------------------------

    def save_call(self, call_id: str, data: CallData, *, ended: bool = False) -> None:
        """Insert or replace a call's state (its REST CallState form).

        `data` may be what renders the state instead (a function of the live call): a call's
        state changes four or five times in a second of its life, and only the latest is
        written, so it is rendered once, when written (on the caller's thread).
        """
        seq = self._call_seqs.get(call_id)
        if seq is None:
            existing = None
            if self._may_hold_unseen:
                existing = self._db.execute(
                    "SELECT seq FROM calls WHERE call_id = ?", (call_id,)
                ).fetchone()
            if existing is None:
                self._seq += 1
                seq = self._seq
            else:
                seq = existing[0]
            self._call_seqs[call_id] = seq
        # A mapping is copied: it is encoded when written, as it is now.
        self._pending_calls[call_id] = (seq, data if callable(data) else dict(data), ended)

    def forget_call(self, call_id: str) -> None:
        """The call will not change again: drop its cached sequence number (memory stays flat)."""
        self._call_seqs.pop(call_id, None)

    def call(self, call_id: str) -> dict[str, Any] | None:
        """A call's stored state, or None."""
        self._write_pending()
        row = self._db.execute("SELECT data FROM calls WHERE call_id = ?", (call_id,)).fetchone()
        return None if row is None else loads(row[0])

    def calls(
        self,
        *,
        to: str | None = None,
        from_: str | None = None,
        min_start_time: str | None = None,
        max_start_time: str | None = None,
        disconnect_cause: str | None = None,
        after_seq: int = 0,
        limit: int = 1000,
    ) -> list[tuple[int, dict[str, Any]]]:
        """Calls in creation order with their sequence numbers (for paging), filtered."""
        self._write_pending()
        clauses: list[str] = ["seq > ?"]
        params: list[object] = [after_seq]
        for column, value, op in (
            ("to_number", to, "="),
            ("from_number", from_, "="),
            ("start_time", min_start_time, ">="),
            ("start_time", max_start_time, "<="),
            ("disconnect_cause", disconnect_cause, "="),
        ):
            if value is not None:
                clauses.append(f"{column} {op} ?")
                params.append(value)
        sql = f"SELECT seq, data FROM calls WHERE {' AND '.join(clauses)} ORDER BY seq LIMIT ?"
        rows = self._db.execute(sql, (*params, limit)).fetchall()
        return [(seq, loads(data)) for seq, data in rows]

    def find_calls(
        self,
        *,
        state: str | None = None,
        cause: str | None = None,
        number: str | None = None,
        application_id: str | None = None,
        parent_call_id: str | None = None,
        id_contains: str | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Calls newest first, filtered as the console filters them (`number`: to or from)."""
        self._write_pending()
        clauses: list[str] = []
        params: list[object] = []
        for clause, value in (
            ("json_extract(data, '$.state') = ?", state),
            ("disconnect_cause = ?", cause),
            ("json_extract(data, '$.applicationId') = ?", application_id),
            ("json_extract(data, '$.parentCallId') = ?", parent_call_id),
            ("instr(call_id, ?) > 0", id_contains),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        if number is not None:
            clauses.append("(to_number = ? OR from_number = ?)")
            params += [number, number]
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = f"SELECT data FROM calls {where} ORDER BY seq DESC LIMIT ?"
        return [loads(row[0]) for row in self._db.execute(sql, (*params, limit))]

    def count_start(self) -> int:
        """Count one more start of this file and commit it at once: 1 the first time. A reset
        keeps the count, so a start number is never given twice."""
        self.flush()
        cursor = self._db.execute("INSERT INTO starts DEFAULT VALUES")
        return int(cursor.lastrowid or 0)

    def call_count(self) -> int:
        """How many calls the store holds."""
        return int(self._db.execute("SELECT count(*) FROM calls").fetchone()[0])

    def unfinished_calls(self) -> list[str]:
        """Ids of calls that never ended (a server stopped while they ran)."""
        self._write_pending()
        rows = self._db.execute("SELECT call_id FROM calls WHERE ended = 0 ORDER BY seq")
        return [row[0] for row in rows]

    def end_unfinished_calls(self, message: str) -> None:
        """Store the calls a stopped server left up as disconnected, cause `unknown`: they cannot
        be resumed (their state lived in memory). Committed when this returns."""
        for call_id in self.unfinished_calls():
            state = self.call(call_id) or {}
            state.update(state="disconnected", disconnectCause="unknown", errorMessage=message)
            self.save_call(call_id, state, ended=True)
        self.flush()

    # ---- timelines -------------------------------------------------------------------------

    def add_timeline(
        self, call_id: str, at: float, kind: str, summary: str, detail: Mapping[str, Any]
    ) -> None:
        """Append an entry to a call's timeline."""
        entry = (call_id, at, kind, summary, dumps(detail))
        self._pending_timeline.append(entry)

    def timeline(self, call_id: str) -> list[dict[str, Any]]:
        """A call's timeline entries in the order they happened."""
        self._write_pending()
        rows = self._db.execute(
            "SELECT seq, at, kind, summary, detail FROM timeline WHERE call_id = ? ORDER BY seq",
            (call_id,),
        )
        return [
            {"seq": seq, "at": at, "kind": kind, "summary": summary, "detail": loads(detail)}
            for seq, at, kind, summary, detail in rows
        ]
