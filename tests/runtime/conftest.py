"""A real application server on loopback, and a running Platform on a real SQLite file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from ringback.engine.requests import Callback, OutboundCallRequest
from ringback.runtime import Platform, PlatformConfig
from ringback.store import Store

Handler = Callable[[dict[str, Any]], str | web.Response]


@dataclass
class App:
    """A voice app on 127.0.0.1: BXML by path; every webhook it received, in order."""

    routes: dict[str, Handler | str] = field(default_factory=dict)
    received: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    url: str = ""
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        if request.method == "GET":
            payload: dict[str, Any] = dict(request.query)
        else:
            payload = await request.json()
        self.received.append((request.method, request.path, payload))
        self.arrived.set()
        route = self.routes.get(request.path, "")
        reply = route(payload) if callable(route) else route
        if isinstance(reply, web.Response):
            return reply
        return web.Response(text=reply, content_type="application/xml")

    def events(self) -> list[str]:
        """The eventTypes received, in order."""
        return [payload["eventType"] for _, _, payload in self.received]


@pytest.fixture
async def app() -> AsyncIterator[App]:
    """Start the app server; stop it after the test."""
    voice_app = App()
    server = web.Server(voice_app.handle)
    runner = web.ServerRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    voice_app.url = f"http://127.0.0.1:{port}"
    yield voice_app
    await runner.cleanup()


def make_platform(path: Path, **options: Any) -> Platform:
    """A platform on a SQLite file at `path` (virtual clock unless told otherwise)."""
    return Platform(PlatformConfig(**{"start_time": 1_700_000_000.0, **options}), Store(path))


@pytest.fixture
async def platform(tmp_path: Path) -> AsyncIterator[Platform]:
    """A started platform with a virtual clock; closed after the test."""
    running = make_platform(tmp_path / "ringback.sqlite3")
    await running.start()
    yield running
    await running.close()
    running.store.close()


def outbound(app: App, path: str = "/answer", **options: object) -> OutboundCallRequest:
    """A POST /calls request to the test app (options override the defaults)."""
    fields: dict[str, object] = {
        "to": "+15553334444",
        "from_": "+15551112222",
        "application_id": "app-1",
        "answer": Callback(app.url + path),
        "disconnect": Callback(app.url + "/disconnect"),
    }
    fields.update(options)
    return OutboundCallRequest(**fields)  # type: ignore[arg-type]
