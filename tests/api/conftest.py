"""A live Ringback REST server (uvicorn, loopback, ephemeral port) and a voice app, per module.

The server, the Platform and the app's webhook server share one asyncio loop in a background
thread; the tests talk to them through the official SDK, from the main thread, as a user's app
would. The clock is manual unless a module sets `CLOCK`: time moves only when a test calls
`advance`, which fires every timer on the way and waits for the webhooks they set off, so a
call runs as far as the test says, at once, and the same way every run (a virtual clock would
jump ahead whenever the server is idle, even between two SDK calls of one test).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import bandwidth
import pytest
import uvicorn
from aiohttp import web

from ringback.api.rest import create_rest_app
from ringback.engine.clock import ClockMode
from ringback.runtime import Platform, PlatformConfig
from ringback.runtime.clockwork import settle
from ringback.store import Store

T = TypeVar("T")
ACCOUNT = "9900000"
USERNAME = "ringback"
PASSWORD = "ringback"
START = 1_700_000_000.0
RESULT_TIMEOUT_S = 30


@dataclass
class VoiceApp:
    """The customer's app: BXML by path; every webhook it received, in order."""

    routes: dict[str, str] = field(default_factory=dict)
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        payload: dict[str, Any] = (
            dict(request.query) if request.method == "GET" else await request.json()
        )
        self.received.append((request.path, payload))
        reply = self.routes.get(request.path, "")
        return web.Response(text=reply, content_type="application/xml")

    def events(self, path: str | None = None) -> list[dict[str, Any]]:
        """The payloads received (at one path, or all)."""
        return [payload for p, payload in self.received if path is None or p == path]


@dataclass
class LiveServer:
    """Handles to the running server, for tests in the main thread."""

    loop: asyncio.AbstractEventLoop
    platform: Platform
    url: str
    app: VoiceApp

    @property
    def host(self) -> str:
        """The SDK's `host`: the server's /api/v2."""
        return f"{self.url}/api/v2"

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine in the server's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(RESULT_TIMEOUT_S)

    def call(self, function: Callable[[], T]) -> T:
        """Run a plain function in the server's loop (the platform is not thread-safe)."""

        async def wrapped() -> T:
            return function()

        return self.run(wrapped())

    def advance(self, seconds: float) -> None:
        """Move the clock, firing timers and waiting for the webhooks they cause."""
        self.run(self.platform.advance(seconds))

    def settle(self) -> None:
        """Wait until the webhooks in flight (set off by an API request) are delivered."""
        self.run(settle(self.platform))

    def client(self, **options: Any) -> bandwidth.ApiClient:
        """An SDK client for this server (the configured credentials unless told otherwise)."""
        settings: dict[str, Any] = {"username": USERNAME, "password": PASSWORD}
        settings.update(options)
        config = bandwidth.Configuration(host=self.host, ignore_operation_servers=True, **settings)
        return bandwidth.ApiClient(config)


@dataclass
class Running:
    """What the server's loop runs: the platform, uvicorn, and the voice app's server."""

    platform: Platform
    server: uvicorn.Server
    serving: asyncio.Task[None]
    app: VoiceApp
    app_runner: web.AppRunner
    url: str


async def _start(path: Path, clock: ClockMode) -> Running:
    app = VoiceApp()
    app_runner = web.AppRunner(web.Application())
    app_runner.app.router.add_route("*", "/{tail:.*}", app.handle)
    await app_runner.setup()
    site = web.TCPSite(app_runner, "127.0.0.1", 0)
    await site.start()
    app_port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    app.url = f"http://127.0.0.1:{app_port}"

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # an ephemeral port, known before the platform is configured
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = PlatformConfig(base_url=url, clock=clock, start_time=START)
    platform = Platform(config, Store(path))
    await platform.start()
    server = uvicorn.Server(
        uvicorn.Config(create_rest_app(platform), lifespan="off", ws="none", log_level="warning")
    )
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    return Running(platform, server, serving, app, app_runner, url)


async def _stop(running: Running) -> None:
    running.server.should_exit = True
    await running.serving
    await running.platform.close()
    running.platform.store.close()
    await running.app_runner.cleanup()


@pytest.fixture(scope="module")
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A REST server on 127.0.0.1 for the whole module (its `CLOCK`, by default manual)."""
    clock = getattr(request.module, "CLOCK", ClockMode.MANUAL)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="ringback-server", daemon=True)
    thread.start()
    path = tmp_path_factory.mktemp("live") / "ringback.sqlite3"
    running = asyncio.run_coroutine_threadsafe(_start(path, clock), loop).result(RESULT_TIMEOUT_S)
    yield LiveServer(loop, running.platform, running.url, running.app)
    asyncio.run_coroutine_threadsafe(_stop(running), loop).result(RESULT_TIMEOUT_S)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(RESULT_TIMEOUT_S)
    loop.close()
