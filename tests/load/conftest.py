"""A voice app on loopback whose answers take a known time, or fail in known ways."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from loopback import served_handler

HANGUP = "<Response><Hangup/></Response>"


@dataclass
class SlowApp:
    """Answers the n-th webhook on each path after `delays[path](n)` seconds, with `reply`."""

    delays: dict[str, Callable[[int], float]] = field(default_factory=dict)
    replies: dict[str, Callable[[int], web.Response]] = field(default_factory=dict)
    url: str = ""
    counters: dict[str, itertools.count[int]] = field(default_factory=dict)

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        number = next(self.counters.setdefault(request.path, itertools.count()))
        delay = self.delays.get(request.path, lambda _: 0.0)(number)
        if delay:
            await asyncio.sleep(delay)
        reply = self.replies.get(request.path)
        if reply is not None:
            return reply(number)
        return web.Response(text=HANGUP, content_type="application/xml")


@pytest.fixture
async def slow_app() -> AsyncIterator[SlowApp]:
    """Start the app on 127.0.0.1; stop it after the test."""
    app = SlowApp()
    async with served_handler(app.handle) as url:
        app.url = url
        yield app
