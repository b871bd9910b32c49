"""The crash run: `ringback serve` killed with SIGKILL at random points, restarted on the same
file, and checked for what survived (issue 9, items 3 and 8).

Each round: calls whose recordings have ended a moment ago are listed; then calls are placed
as fast as the REST API acknowledges them, and the server is killed at a random moment. After
the restart every acknowledged call is there, every listed recording's audio downloads, no id
is handed out twice and SQLite's integrity check passes. `make soak` runs 50 rounds
(RINGBACK_CRASH_ROUNDS); the suite runs one.
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

ROUNDS = int(os.environ.get("RINGBACK_CRASH_ROUNDS", "1"))
ACCOUNT = "9900000"
AUTH = {"Authorization": "Basic " + base64.b64encode(b"ringback:ringback").decode()}
RECORD = '<Response><Record maxDuration="1"/></Response>'
START_TIMEOUT_S = 30.0


@dataclass
class Server:
    """A `ringback serve` process and its URL."""

    process: asyncio.subprocess.Process
    url: str

    def calls_url(self, *parts: str) -> str:
        """A REST URL under the account's calls."""
        return "/".join((self.url, "api/v2/accounts", ACCOUNT, "calls", *parts))


async def serve(db: Path) -> Server:
    """Start `ringback serve` on `db` (virtual clock, no pacing) and read its URL."""
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "ringback.cli", "serve", "--port", "0", "--db", str(db)),
        *("--clock", "virtual", "--idle", "0", "--calls-per-second", "0"),
        *("--max-concurrent-calls", "0"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT_S)
    url = line.decode().split("serving on ", 1)[1].split(" ", 1)[0]
    return Server(process, url)


async def kill(server: Server) -> None:
    """SIGKILL: no shutdown, no flush, nothing but what is on disk survives."""
    server.process.send_signal(signal.SIGKILL)
    await server.process.wait()


@pytest.fixture
async def app() -> AsyncIterator[str]:
    """The voice app: every call records a second of the silent default phone."""

    async def handle(_request: web.Request) -> web.Response:
        return web.Response(text=RECORD, content_type="application/xml")

    runner = web.ServerRunner(web.Server(handle))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}"
    await runner.cleanup()


async def place(http: aiohttp.ClientSession, server: Server, app: str) -> str:
    """POST /calls; the acknowledged call's id."""
    body = {"to": "+15553334444", "from": "+15551112222", "applicationId": "a"}
    body["answerUrl"] = app + "/answer"
    async with http.post(server.calls_url(), json=body, headers=AUTH) as response:
        assert response.status == 201, await response.text()
        return str((await response.json())["callId"])


async def place_until_killed(
    http: aiohttp.ClientSession, server: Server, app: str, acknowledged: list[str]
) -> None:
    """Place calls back to back; the ones answered 201 are acknowledged."""
    try:
        while True:
            acknowledged.append(await place(http, server, app))
    except (aiohttp.ClientError, AssertionError):
        return  # the server died under the request


async def ended_recordings(
    http: aiohttp.ClientSession, server: Server, app: str
) -> list[tuple[str, str]]:
    """Calls that recorded and ended: (call id, recording id), once the audio had time to go."""
    calls = [await place(http, server, app) for _ in range(3)]
    for call_id in calls:
        async with http.get(f"{server.url}/_ringback/calls/{call_id}/wait?timeout=20") as waited:
            assert waited.status == 200
    await asyncio.sleep(0.3)  # rendering and the commit after it take milliseconds
    ended = []
    for call_id in calls:
        async with http.get(server.calls_url(call_id, "recordings"), headers=AUTH) as listed:
            ended += [(call_id, recording["recordingId"]) for recording in await listed.json()]
    assert ended
    return ended


async def test_crash_kill_9_loses_nothing_acknowledged(app: str, tmp_path: Path) -> None:
    """Killed at random points, Ringback keeps every acknowledged call and every recording."""
    db = tmp_path / "crash.sqlite3"
    chance = random.Random(os.environ.get("RINGBACK_CRASH_SEED", "9"))
    acknowledged: list[str] = []
    recordings: list[tuple[str, str]] = []
    async with aiohttp.ClientSession() as http:
        for _ in range(ROUNDS):
            server = await serve(db)
            try:
                recordings += await ended_recordings(http, server, app)
                before = len(acknowledged)
                placing = asyncio.create_task(place_until_killed(http, server, app, acknowledged))
                await asyncio.sleep(chance.uniform(0.05, 0.5))
            finally:
                await kill(server)
            await placing
            assert len(acknowledged) > before
        server = await serve(db)
        try:
            for call_id in acknowledged:
                async with http.get(server.calls_url(call_id), headers=AUTH) as response:
                    assert response.status == 200, call_id
            for call_id, recording_id in recordings:
                url = server.calls_url(call_id, "recordings", recording_id, "media")
                async with http.get(url, headers=AUTH) as response:
                    assert response.status == 200, url
                    assert (await response.read())[:4] == b"RIFF"
            fresh = await place(http, server, app)
            assert fresh not in acknowledged
        finally:
            server.process.send_signal(signal.SIGINT)
            await asyncio.wait_for(server.process.wait(), START_TIMEOUT_S)
    assert len(set(acknowledged)) == len(acknowledged)
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
