"""A live Ringback (REST and control API, uvicorn on loopback) and a messaging app on loopback.

The server, its Platform and the app's callback server share one asyncio loop in a background
thread; tests talk to them from the main thread through the official SDK and plain HTTP, as a
user's test suite would. The clock is virtual with no idle grace, so a message's fate (and a day
of callback retries) is settled in milliseconds; `wait` waits until nothing more will happen.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import bandwidth
import pytest
import uvicorn
from aiohttp import web

from loopback import START, served_handler
from ringback.api.app import create_app
from ringback.engine.clock import ClockMode
from ringback.runtime import Platform, PlatformConfig
from ringback.runtime.clockwork import settle
from ringback.store import Store

T = TypeVar("T")
ACCOUNT = "9900000"
USERNAME = "ringback"
PASSWORD = "ringback"
TIMEOUT_S = 30
APP_NUMBER = "+15550001111"
APP_ID = "msg-app"

Handler = Callable[["MessagingApp", str, Any], Awaitable[None]]


@dataclass
class MessagingApp:
    """The customer's messaging app: records every callback (path, parsed JSON or query)."""

    url: str = ""
    received: list[tuple[str, Any]] = field(default_factory=list)
    statuses: dict[str, list[int]] = field(default_factory=dict)  # path → statuses to answer
    on_callback: Handler | None = None
    challenge: tuple[str, str] | None = None  # Basic credentials required, challenge-first
    headers: list[dict[str, str]] = field(default_factory=list)
    on_media: Callable[[web.Request], Awaitable[web.Response]] | None = None  # GET: media files

    async def handle(self, request: web.Request) -> web.Response:
        if request.method == "GET" and self.on_media is not None:
            return await self.on_media(request)
        self.headers.append(dict(request.headers))
        if self.challenge is not None:
            import base64

            user, password = self.challenge
            expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
            if request.headers.get("Authorization") != expected:
                return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="app"'})
        if request.method == "GET":
            payload: Any = list(request.query.items())
        else:
            payload = json.loads(await request.read())
        self.received.append((request.path, payload))
        planned = self.statuses.get(request.path)
        status = planned.pop(0) if planned else 200
        if status == 200 and self.on_callback is not None:
            await self.on_callback(self, request.path, payload)
        return web.Response(status=status)

    def callbacks(self, path: str | None = None) -> list[dict[str, Any]]:
        """Every callback element received (v2 arrays flattened), at one path or all."""
        out: list[dict[str, Any]] = []
        for p, payload in self.received:
            if path is None or p == path:
                out.extend(payload if isinstance(payload, list) else [payload])
        return out

    def types(self, path: str | None = None) -> list[str]:
        """The `type` of each v2 callback received."""
        return [c.get("type", c.get("eventType")) for c in self.callbacks(path)]


@dataclass
class Live:
    """Handles to the running server and app, for the main thread."""

    loop: asyncio.AbstractEventLoop
    platform: Platform
    url: str
    app: MessagingApp
    http: aiohttp.ClientSession

    @property
    def host(self) -> str:
        """The SDK's `host`."""
        return f"{self.url}/api/v2"

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine in the server's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(TIMEOUT_S)

    def client(self, **options: Any) -> bandwidth.ApiClient:
        """An SDK client for this server."""
        settings: dict[str, Any] = {"username": USERNAME, "password": PASSWORD}
        settings.update(options)
        config = bandwidth.Configuration(host=self.host, ignore_operation_servers=True, **settings)
        return bandwidth.ApiClient(config)

    def request(self, method: str, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        """An HTTP request to the server; (status, JSON body or None)."""

        async def go() -> tuple[int, Any]:
            if body is not None:
                kw["json"] = body
            async with self.http.request(method, self.url + path, **kw) as response:
                text = await response.text()
                try:
                    return response.status, json.loads(text) if text else None
                except ValueError:
                    return response.status, text

        return self.run(go())

    def wait(self, message_id: str, timeout_s: float = 10) -> None:
        """Until nothing more will happen to the message (its callbacks delivered)."""
        assert self.run(self.platform.texting.wait(message_id, timeout_s)), message_id
        self.run(settle(self.platform))

    def settle(self) -> None:
        """Until nothing is in flight and every message is idle (replies and their replies)."""

        async def quiet() -> None:
            core = self.platform.texting
            for _ in range(1000):
                await settle(self.platform)
                if all(core.core.idle(m) for m in list(core.core.messages)):
                    await asyncio.sleep(0.02)  # an app acting on its last callback, in a thread
                    if self.platform.in_flight == 0 and all(
                        core.core.idle(m) for m in list(core.core.messages)
                    ):
                        return
                await asyncio.sleep(0.01)
            raise AssertionError("messages still in progress")

        self.run(quiet())

    def setup_app(self, **settings: Any) -> None:
        """The messaging application `msg-app` on APP_NUMBER, callbacks to the test app."""
        body = {
            "inboundCallbackUrl": f"{self.app.url}/inbound",
            "outboundCallbackUrl": f"{self.app.url}/status",
            **settings,
        }
        status, answer = self.request("PUT", f"/_ringback/applications/{APP_ID}", body)
        assert status == 200, answer
        status, answer = self.request(
            "PUT", f"/_ringback/numbers/{APP_NUMBER}", {"applicationId": APP_ID}
        )
        assert status == 200, answer


async def _start(
    path: Path,
) -> tuple[
    Platform,
    uvicorn.Server,
    asyncio.Task[None],
    MessagingApp,
    AsyncExitStack,
    str,
    aiohttp.ClientSession,
]:
    app = MessagingApp()
    app_server = AsyncExitStack()  # the app's callback server, stopped with the platform
    app.url = await app_server.enter_async_context(served_handler(app.handle))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = PlatformConfig(base_url=url, clock=ClockMode.VIRTUAL, start_time=START)
    platform = Platform(config, Store(path))
    server = uvicorn.Server(
        uvicorn.Config(create_app(platform), lifespan="on", ws="none", log_level="warning")
    )
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    return platform, server, serving, app, app_server, url, aiohttp.ClientSession()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    """A Ringback with a virtual clock and a messaging app, for one test."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="ringback-messaging", daemon=True)
    thread.start()
    started = asyncio.run_coroutine_threadsafe(_start(tmp_path / "ringback.sqlite3"), loop)
    platform, server, serving, app, app_server, url, http = started.result(TIMEOUT_S)
    yield Live(loop, platform, url, app, http)

    async def stop() -> None:
        await http.close()
        server.should_exit = True
        await serving
        platform.store.close()
        await app_server.aclose()

    asyncio.run_coroutine_threadsafe(stop(), loop).result(TIMEOUT_S)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(TIMEOUT_S)
    loop.close()
