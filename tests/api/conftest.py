"""A live Ringback server (uvicorn in a thread, a real SQLite file) and a voice app on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from ringback.api.app import Setup
from ringback.engine.clock import ClockMode
from ringback.runtime import PlatformConfig
from ringback.server import BackgroundServer, start_in_thread

START = 1_700_000_000.0  # 2023-11-14T22:13:20Z: the virtual clock starts here in these tests


@dataclass
class VoiceApp:
    """A voice app on 127.0.0.1: BXML by path; every webhook it received, in order."""

    routes: dict[str, str] = field(default_factory=dict)
    received: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        payload = dict(request.query) if request.method == "GET" else await request.json()
        self.received.append((request.method, request.path, payload))
        reply = self.routes.get(request.path, "<Response/>")
        return web.Response(text=reply, content_type="application/xml")

    def events(self) -> list[str]:
        """The eventTypes received, in order."""
        return [payload["eventType"] for _, _, payload in self.received]


@pytest.fixture
async def voice_app() -> AsyncIterator[VoiceApp]:
    """The voice app's server, for one test."""
    app = VoiceApp()
    runner = web.ServerRunner(web.Server(app.handle))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    app.url = f"http://127.0.0.1:{port}"
    yield app
    await runner.cleanup()


@dataclass
class Live:
    """A running Ringback and an HTTP client for it; each call returns (status, JSON body)."""

    server: BackgroundServer
    http: aiohttp.ClientSession

    async def call(self, method: str, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        """Send a request; `body` goes as JSON, a str as the raw body."""
        if isinstance(body, str):
            kw["data"] = body
        elif body is not None:
            kw["json"] = body
        async with self.http.request(method, self.server.url + path, **kw) as response:
            text = await response.text()
            return response.status, (await response.json()) if text else None

    async def get(self, path: str, **kw: Any) -> tuple[int, Any]:
        """GET path."""
        return await self.call("GET", path, **kw)

    async def put(self, path: str, body: Any) -> tuple[int, Any]:
        """PUT path with a JSON body."""
        return await self.call("PUT", path, body)

    async def post(self, path: str, body: Any = None) -> tuple[int, Any]:
        """POST path with a JSON body."""
        return await self.call("POST", path, body)


StartRingback = Callable[..., Awaitable[Live]]


@pytest.fixture
async def start_ringback(tmp_path: Path) -> AsyncIterator[StartRingback]:
    """Start Ringback servers on the test's SQLite file (PlatformConfig options)."""
    servers: list[BackgroundServer] = []
    async with aiohttp.ClientSession() as http:

        async def start(setup: Setup | None = None, **options: Any) -> Live:
            if "clock" in options:
                options["clock"] = ClockMode(options["clock"])
            config = PlatformConfig(start_time=START, **options)
            db = tmp_path / "ringback.sqlite3"
            server = await asyncio.to_thread(start_in_thread, config, db, setup=setup)
            servers.append(server)
            return Live(server, http)

        yield start
        for server in servers:
            if server.running:
                await asyncio.to_thread(server.stop)


@pytest.fixture
async def ringback(start_ringback: StartRingback) -> Live:
    """A live Ringback with a virtual clock (no idle grace)."""
    return await start_ringback()
