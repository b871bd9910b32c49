"""A real application server on loopback (the running Platform: `platform`, tests/conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from loopback import served_handler
from ringback.engine.requests import Callback, OutboundCallRequest

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
    async with served_handler(voice_app.handle) as url:
        voice_app.url = url
        yield voice_app


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
