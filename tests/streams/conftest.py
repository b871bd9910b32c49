"""A voice app with a real WebSocket endpoint (aiohttp) on loopback; placing a call to it.

The running Platform is the suite's `platform` fixture (tests/conftest.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from loopback import served_handler
from ringback.engine.requests import Callback, OutboundCallRequest
from ringback.phones.script import parse_script
from ringback.runtime import Platform

SocketHandler = Callable[["Session", web.WebSocketResponse], Awaitable[None]]


@dataclass
class Session:
    """One WebSocket connection the platform made to the app, and everything it sent."""

    path_qs: str
    headers: dict[str, str]
    messages: list[dict[str, Any]] = field(default_factory=list)
    close_code: int | None = None
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        """The messages of one eventType, in order."""
        return [m for m in self.messages if m.get("eventType") == event_type]

    def payloads(self, track: str) -> list[str]:
        """The base64 payloads of one track's media messages, in order."""
        return [m["payload"] for m in self.of_type("media") if m["track"] == track]


@dataclass
class VoiceApp:
    """Webhooks by path (BXML answers) and a WebSocket endpoint at /ws, on 127.0.0.1."""

    bxml: dict[str, str] = field(default_factory=dict)
    webhooks: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    on_socket: SocketHandler | None = None  # what the app does once connected (else: listen)
    refuse_with: int | None = None  # answer the handshake with this HTTP status instead
    read_after: asyncio.Event | None = None  # set: the app reads its socket only from then on
    url: str = ""

    @property
    def ws_url(self) -> str:
        """The WebSocket endpoint, as ws://."""
        return self.url.replace("http://", "ws://") + "/ws"

    def events(self) -> list[str]:
        """The eventTypes of the webhooks received, in order."""
        return [payload["eventType"] for _, payload in self.webhooks]

    def webhook(self, event_type: str) -> dict[str, Any]:
        """The one webhook of this eventType."""
        found = [p for _, p in self.webhooks if p["eventType"] == event_type]
        assert len(found) == 1, (event_type, self.events())
        return found[0]

    async def handle_http(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/ws":
            return await self.handle_ws(request)
        payload = await request.json()
        self.webhooks.append((request.path, payload))
        return web.Response(text=self.bxml.get(request.path, ""), content_type="application/xml")

    async def handle_ws(self, request: web.Request) -> web.StreamResponse:
        if self.refuse_with is not None:
            return web.Response(status=self.refuse_with, text="go away")
        ws = web.WebSocketResponse(max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        session = Session(request.path_qs, dict(request.headers))
        self.sessions.append(session)
        listener = asyncio.create_task(self._listen(session, ws))
        if self.on_socket is not None:
            await self.on_socket(session, ws)
        await listener
        return ws

    async def _listen(self, session: Session, ws: web.WebSocketResponse) -> None:
        if self.read_after is not None:
            await self.read_after.wait()
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                session.messages.append(json.loads(message.data))
        session.close_code = ws.close_code
        session.closed.set()


@pytest.fixture
async def voice_app() -> AsyncIterator[VoiceApp]:
    """The app, serving until the test ends."""
    app = VoiceApp()
    async with served_handler(app.handle_http) as url:
        app.url = url
        yield app


def call_app(app: VoiceApp, platform: Platform, answer_bxml: str, phone: Any = None) -> str:
    """Place a call whose `answer` gets `answer_bxml`; the far end runs `phone` (a script)."""
    app.bxml["/answer"] = answer_bxml
    request = OutboundCallRequest(
        to="+15553334444",
        from_="+15551112222",
        application_id="app-1",
        answer=Callback(app.url + "/answer"),
        disconnect=Callback(app.url + "/disconnect"),
        phone=parse_script(phone) if phone is not None else parse_script({"answerAfter": 0}),
    )
    return platform.place_call(request)


async def finished(platform: Platform, call_id: str) -> None:
    """Wait until the call, its webhooks and its sockets are done."""
    assert await platform.wait(call_id, timeout_s=10)
