"""What is acknowledged or finished is on disk without a clean shutdown (issue 9, items 3, 8).

Each test reads the SQLite file through a second connection, as a restarted process would,
while the platform that wrote it is still running: nothing is closed or flushed by the test.
The 201's commit is tested in tests/api/test_acknowledged.py, the crash runs with a real
`kill -9` in tests/test_crash.py.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from ringback.engine.requests import Callback, OutboundCallRequest
from ringback.phones.script import parse_script
from ringback.runtime import Platform

from .conftest import App

WAIT_S = 5.0


def committed(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Rows another process would read from the file now (committed data only)."""
    with sqlite3.connect(path) as db:
        return db.execute(sql, params).fetchall()


async def eventually(check: object, timeout_s: float = WAIT_S) -> None:
    """Poll `check()` until it is true (the render runs in a thread: no event to wait on)."""
    assert callable(check)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not check():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_durability_recording_audio_is_stored_when_the_recording_ends(
    app: App, platform: Platform, tmp_path: Path
) -> None:
    """The audio is in the file without any download or shutdown (it was lost to kill -9)."""
    app.routes["/answer"] = "<Response><Record maxDuration='5'/></Response>"
    call_id = platform.place_call(
        OutboundCallRequest(
            to="+15553334444",
            from_="+15551112222",
            application_id="app-1",
            answer=Callback(app.url + "/answer"),
            disconnect=None,
            phone=parse_script({"steps": [{"waitFor": "record"}, {"say": "hello there"}]}),
        )
    )
    assert await platform.wait(call_id, timeout_s=WAIT_S)
    path = tmp_path / "ringback.sqlite3"
    query = "SELECT length(media) FROM recordings WHERE call_id = ? AND media IS NOT NULL"
    await eventually(lambda: committed(path, query, call_id))
    ((size,),) = committed(path, query, call_id)
    assert isinstance(size, int)
    assert size > 44  # more than a WAV header
