"""The SQLite store, on a real file: what is written survives a reopen."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringback.store import Store
from ringback.store import sqlite as sqlite_module


def _call(call_id: str, to: str, start: str, cause: str | None = None) -> dict[str, object]:
    return {
        "callId": call_id,
        "to": to,
        "from": "+15551112222",
        "startTime": start,
        "disconnectCause": cause,
        "state": "disconnected" if cause else "answered",
    }


def test_sqlite_data_survives_reopen(tmp_path: Path) -> None:
    """Calls, timelines, recordings and settings are all there after a restart."""
    path = tmp_path / "ringback.sqlite3"
    store = Store(path)
    store.save_call("c-1", _call("c-1", "+1555", "2026-01-01T00:00:00.000Z", "hangup"), ended=True)
    store.add_timeline("c-1", 1.5, "state", "answered", {"x": 1})
    store.add_timeline("c-1", 2.0, "attempt", "answer → 200", {"status": 200})
    store.save_recording(
        "r-1", {"recordingId": "r-1"}, call_id="c-1", media=b"RIFF", media_type="audio/vnd.wave"
    )
    store.put_setting("phone", "+1555", {"answer": "busy"})
    store.close()

    again = Store(path)
    assert again.call("c-1") == _call("c-1", "+1555", "2026-01-01T00:00:00.000Z", "hangup")
    assert [e["summary"] for e in again.timeline("c-1")] == ["answered", "answer → 200"]
    assert again.timeline("c-1")[1]["detail"] == {"status": 200}
    assert again.recordings(call_id="c-1") == [{"recordingId": "r-1"}]
    assert again.recording_media("r-1") == (b"RIFF", "audio/vnd.wave")
    assert again.setting("phone", "+1555") == {"answer": "busy"}
    assert again.unfinished_calls() == []
    again.close()


def test_sqlite_unflushed_writes_are_read_back_at_once(tmp_path: Path) -> None:
    """Reads see writes before they are committed (one connection, one writer)."""
    store = Store(tmp_path / "db.sqlite3")
    store.save_call("c-1", _call("c-1", "+1", "t"))
    assert store.call("c-1") is not None
    assert store.unfinished_calls() == ["c-1"]
    store.close()


def test_sqlite_calls_filter_and_page_in_creation_order(tmp_path: Path) -> None:
    """Listing keeps creation order, filters by column, pages by sequence number."""
    store = Store(tmp_path / "db.sqlite3")
    for i, (to, cause) in enumerate([("+1", "hangup"), ("+2", "busy"), ("+1", "busy")]):
        store.save_call(f"c-{i}", _call(f"c-{i}", to, f"2026-01-0{i + 1}T00:00:00.000Z", cause))
    store.save_call("c-0", _call("c-0", "+1", "2026-01-01T00:00:00.000Z", "hangup"))  # update
    assert [d["callId"] for _, d in store.calls()] == ["c-0", "c-1", "c-2"]
    assert [d["callId"] for _, d in store.calls(to="+1")] == ["c-0", "c-2"]
    assert [d["callId"] for _, d in store.calls(disconnect_cause="busy")] == ["c-1", "c-2"]
    assert [d["callId"] for _, d in store.calls(min_start_time="2026-01-02")] == ["c-1", "c-2"]
    first_page = store.calls(limit=2)
    assert [d["callId"] for _, d in store.calls(after_seq=first_page[-1][0])] == ["c-2"]
    store.close()


def test_sqlite_reset_and_delete(tmp_path: Path) -> None:
    """Deleting a recording removes its media; reset forgets everything."""
    store = Store(tmp_path / "db.sqlite3")
    store.save_call("c-1", _call("c-1", "+1", "t"))
    store.save_recording("r-1", {"recordingId": "r-1"}, call_id="c-1", media=b"x", media_type="a")
    store.delete_recording("r-1")
    assert store.recording("r-1") is None
    assert store.recording_media("r-1") is None
    store.reset()
    assert store.calls() == []
    store.close()


def test_sqlite_buffered_rows_keep_order_state_and_sequence(tmp_path: Path) -> None:
    """Buffered call states coalesce into the latest; timeline order and call seqs hold."""
    store = Store(tmp_path / "db.sqlite3")
    store.save_call("c-1", _call("c-1", "+1", "t"))
    store.add_timeline("c-1", 1.0, "state", "first", {})
    store.flush()
    store.add_timeline("c-1", 2.0, "state", "second", {})
    store.save_call("c-2", _call("c-2", "+2", "t"))
    store.save_call("c-1", _call("c-1", "+1", "t", "hangup"), ended=True)  # after a flush
    assert [e["summary"] for e in store.timeline("c-1")] == ["first", "second"]
    assert [(d["callId"], d["disconnectCause"]) for _, d in store.calls()] == [
        ("c-1", "hangup"),
        ("c-2", None),
    ]
    assert store.unfinished_calls() == ["c-2"]
    store.close()
    assert [seq for seq, _ in Store(tmp_path / "db.sqlite3").calls()] == [1, 2]


def test_sqlite_reset_drops_unwritten_rows(tmp_path: Path) -> None:
    """Rows still buffered when reset comes are forgotten with the rest."""
    store = Store(tmp_path / "db.sqlite3")
    store.save_call("c-1", _call("c-1", "+1", "t"))
    store.add_timeline("c-1", 1.0, "state", "queued", {})
    store.reset()
    store.save_call("c-2", _call("c-2", "+2", "t"))
    assert [d["callId"] for _, d in store.calls()] == ["c-2"]
    assert store.timeline("c-1") == []
    store.close()


@pytest.mark.parametrize(
    ("nul", "json_each"),
    [("", True), ("\x00", True), ("", False)],
    ids=["as-json", "a-nul-row-by-row", "no-json-functions-row-by-row"],
)
def test_sqlite_batched_rows_keep_every_value_and_their_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nul: str, json_each: bool
) -> None:
    """A batch goes in as one JSON array per table (bound row by row when some text holds a
    NUL, which SQLite's JSON would cut short, or when SQLite has no JSON functions): every value
    comes back as it was (text, floats to the last bit, nulls, nested values), entries in the
    order written."""
    monkeypatch.setattr(sqlite_module, "_has_json_each", lambda: json_each)
    path = tmp_path / "db.sqlite3"
    store = Store(path)
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    awkward = f'quote " backslash \\ nul{nul} tab \t arrow → emoji 📞 <Response/>'
    state = {**_call("c-1", "+1", "2026-01-01T00:00:00.000Z"), "tag": awkward, "n": None}
    store.save_call("c-1", state)
    store.save_call("c-2", lambda: _call("c-2", "+2", "2026-01-02T00:00:00.000Z", "busy"))
    times = [1_700_000_000.123456789 + i / 3 for i in range(450)]
    for i, at in enumerate(times):
        store.add_timeline("c-1", at, "webhook", f"{awkward} {i}", {"i": i, "nested": [awkward]})
    store.flush_soon()  # in the writer thread
    store.close()
    assert any("json_each" in sql for sql in statements) == (json_each and not nul)

    again = Store(path)
    assert again.call("c-1") == state
    assert again.calls(disconnect_cause="busy")[0][1]["callId"] == "c-2"
    entries = again.timeline("c-1")
    assert [e["at"] for e in entries] == times
    assert [e["summary"] for e in entries] == [f"{awkward} {i}" for i in range(450)]
    assert entries[321]["detail"] == {"i": 321, "nested": [awkward]}
    again.close()
