"""Live Ringback servers (uvicorn, loopback, ephemeral port) and a voice app on loopback.

`live` (REST tests, per module) is described here; `start_ringback`/`ringback` (control API
tests) run `ringback.hosting.server` in its own thread, one server per test, with a `voice_app`
in the test's loop, and talk HTTP to it with aiohttp.


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
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import bandwidth
import pytest
import uvicorn
from aiohttp import web

from loopback import START, served_app, served_handler
from ringback.api.app import Setup
from ringback.api.rest import create_rest_app
from ringback.engine.clock import ClockMode
from ringback.hosting.server import BackgroundServer, start_in_thread
from ringback.runtime import Platform, PlatformConfig
from ringback.runtime.clockwork import settle
from ringback.store import Store

T = TypeVar("T")
ACCOUNT = "9900000"
USERNAME = "ringback"
PASSWORD = "ringback"
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
    app_server: AsyncExitStack  # the voice app's server, stopped with it
    url: str


async def _start(path: Path, clock: ClockMode) -> Running:
    app = VoiceApp()
    routes = web.Application()
    routes.router.add_route("*", "/{tail:.*}", app.handle)
    app_server = AsyncExitStack()
    app.url = await app_server.enter_async_context(served_app(routes))

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
    return Running(platform, server, serving, app, app_server, url)


async def _stop(running: Running) -> None:
    running.server.should_exit = True
    await running.serving
    await running.platform.close()
    running.platform.store.close()
    await running.app_server.aclose()


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


# ---- the control API's tests: ringback.hosting.server in a thread, one per test -----------------


@pytest.fixture
async def voice_app() -> AsyncIterator[VoiceApp]:
    """The voice app's server, for one test."""
    app = VoiceApp()
    async with served_handler(app.handle) as url:
        app.url = url
        yield app


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
