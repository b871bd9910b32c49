"""A 201 (any success of a write request) goes out once what it acknowledges is committed
(issue 9, item 8): read back through a second connection, as a restarted process would."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from aiohttp import web

from .conftest import Live, StartRingback, VoiceApp


def committed(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Rows another process would read from the file now (committed data only)."""
    with sqlite3.connect(path) as db:
        return db.execute(sql, params).fetchall()


async def test_acknowledged_call_is_committed_before_its_201(
    start_ringback: StartRingback, voice_app: VoiceApp, tmp_path: Path
) -> None:
    """A 201 is sent once its call is committed, even while webhooks are in flight (when the
    store commits only every 50 ms)."""
    release = asyncio.Event()
    original = voice_app.handle

    async def slow(request: web.Request) -> web.Response:
        await release.wait()  # keeps a webhook in flight while the calls are created
        return await original(request)

    voice_app.handle = slow  # type: ignore[method-assign]
    live: Live = await start_ringback()
    app = {"callInitiatedCallbackUrl": voice_app.url + "/initiate"}
    assert (await live.put("/_ringback/applications/app-1", app))[0] == 200
    path = tmp_path / "ringback.sqlite3"
    try:
        for number in range(5):
            body = {"from": f"+1555000000{number}", "to": "+15559990000", "applicationId": "app-1"}
            status, created = await live.post("/_ringback/calls", body)
            assert status == 201, created
            rows = committed(path, "SELECT call_id FROM calls WHERE call_id = ?", created["callId"])
            assert rows == [(created["callId"],)]
    finally:
        release.set()
