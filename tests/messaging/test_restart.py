"""Messages a stopped server left unfinished are resumed by the next one: nothing accepted is
lost (a real SQLite file, a real callback server on loopback)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from aiohttp import web

from loopback import make_platform, served_app, started_platform
from ringback.engine.clock import ClockMode
from ringback.engine.requests import Callback
from ringback.messaging import InboundRequest, MessagingApplication, SendRequest, Status
from ringback.runtime.clockwork import settle

APP_NUMBER = "+15550001111"
PHONE = "+15552223333"


def _app(received: list[Any], release: asyncio.Event) -> web.Application:
    stalled: list[bool] = []

    async def handle(request: web.Request) -> web.Response:
        if request.path == "/in" and not stalled:  # the first server stops while it waits
            stalled.append(True)
            await release.wait()
        received.append(json.loads(await request.read())[0])
        return web.Response()

    app = web.Application()
    app.router.add_post("/{path}", handle)
    return app


async def test_restart_resumes_unfinished_messages(tmp_path: Path) -> None:
    """A queued outbound message and an inbound one whose callback was unanswered when the
    server stopped are delivered and announced by the next server."""
    received: list[Any] = []
    release = asyncio.Event()
    async with served_app(_app(received, release)) as url:
        try:
            await _restart(tmp_path / "ringback.sqlite3", url, received)
        finally:
            release.set()  # the stalled request returns, so the app's server can stop


async def _restart(db: Path, url: str, received: list[Any]) -> None:
    first = make_platform(db, clock=ClockMode.MANUAL, start_time=1e9)
    await first.start()
    first.texting.put_application(
        MessagingApplication("app", Callback(f"{url}/in"), Callback(f"{url}/out"))
    )
    first.put_number(APP_NUMBER, "app")
    sent = first.texting.send(SendRequest("app", (PHONE,), APP_NUMBER, "hi"))
    (inbound,) = first.texting.receive(InboundRequest(PHONE, (APP_NUMBER,), "yo"))
    await asyncio.sleep(0.2)  # the message-received request is in, its answer is not
    await first.close()  # before a second passed: the outbound message is still QUEUED
    first.store.close()
    assert received == []

    async with started_platform(db, clock=ClockMode.VIRTUAL, start_time=1e9 + 60) as second:
        assert await second.texting.wait(sent.message_id, 10)
        await settle(second)
        assert await second.texting.wait(inbound.message_id, 10)
        await settle(second)
        assert sorted(r["type"] for r in received) == ["message-delivered", "message-received"]
        message = second.texting.message(sent.message_id)
        assert message is not None
        assert message.recipients[PHONE].status is Status.DELIVERED
        again = second.texting.message(inbound.message_id)
        assert again is not None
        assert again.recipients[APP_NUMBER].status is Status.ACCEPTED
