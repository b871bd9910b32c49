"""The app under test, on a loopback port for as long as a test needs it.

`serve_app(app)` takes what a test has: a URL (used as it is), an ASGI app (FastAPI, Starlette,
Django's ASGI handler: served by uvicorn), a WSGI app (Flask, Django's WSGI handler: a2wsgi's
adapter, served by uvicorn) or an aiohttp `web.Application` (served by aiohttp). Each runs in a
thread of its own, so the test, Ringback and the app never share an event loop: a sync test can
block on a call while the app answers its webhooks.

Why a2wsgi for WSGI, by measurement (a Flask app answering 500 webhook-like POSTs from aiohttp,
median of 3 runs, on this 2-core machine while it was busy): the standard library's threading
WSGI server (HTTP/1.0, a connection per request) 529 requests/s one at a time and 397 with 20
at once; a2wsgi under uvicorn 782 and 1,235. It is also one serving path for ASGI and WSGI.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Literal
from urllib.parse import urlsplit

import uvicorn
from a2wsgi import WSGIMiddleware
from aiohttp import web

from ringback.errors import AppServingError
from ringback.hosting.server import bind, url_of

Interface = Literal["auto", "asgi", "wsgi", "aiohttp"]

STARTUP_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0
LOOPBACK = "127.0.0.1"


@contextlib.contextmanager
def serve_app(app: object, interface: Interface = "auto") -> Iterator[str]:
    """Serve `app` on 127.0.0.1 (any free port) until the block ends; yields its base URL."""
    if isinstance(app, str):
        yield _checked_url(app)
        return
    kind = interface if interface != "auto" else interface_of(app)
    serve = {"asgi": _serve_asgi, "wsgi": _serve_wsgi, "aiohttp": _serve_aiohttp}[kind]
    with serve(app) as url:
        yield url


def interface_of(app: object) -> Literal["asgi", "wsgi", "aiohttp"]:
    """Which kind of app this is: an async `__call__(scope, receive, send)` is ASGI."""
    if isinstance(app, web.Application):
        return "aiohttp"
    if not callable(app):
        raise AppServingError(
            f"cannot serve {app!r}: give a URL, an ASGI app (FastAPI, Starlette), a WSGI app"
            " (Flask, Django) or an aiohttp web.Application"
        )
    call = app if inspect.isfunction(app) or inspect.ismethod(app) else type(app).__call__
    if inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(app):
        return "asgi"
    return "wsgi"


def _checked_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AppServingError(f"the app's URL must be an absolute http(s) URL, got {url!r}")
    return url.rstrip("/")


def _wait_until(started: Callable[[], bool], thread: threading.Thread, what: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not started():
        if not thread.is_alive():
            raise AppServingError(f"{what} failed to start; see the log above")
        if time.monotonic() > deadline:
            raise AppServingError(f"{what} did not start within {STARTUP_TIMEOUT_S:g} s")
        time.sleep(0.005)


# ---- ASGI: uvicorn ---------------------------------------------------------------------------


@contextlib.contextmanager
def _serve_asgi(app: Any) -> Iterator[str]:
    sock = bind(LOOPBACK, 0)
    config = uvicorn.Config(
        app,
        lifespan="auto",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="ringback-app-asgi", daemon=True
    )
    thread.start()
    try:
        _wait_until(lambda: server.started, thread, "the ASGI app")
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT_S)
        sock.close()


# ---- WSGI: a2wsgi under uvicorn --------------------------------------------------------------


@contextlib.contextmanager
def _serve_wsgi(app: Any) -> Iterator[str]:
    # a2wsgi runs the WSGI app in a thread pool, as a WSGI server would in threads.
    with _serve_asgi(WSGIMiddleware(app)) as url:
        yield url


# ---- aiohttp ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _serve_aiohttp(app: web.Application) -> Iterator[str]:
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)

    async def start() -> str:
        await runner.setup()
        site = web.TCPSite(runner, LOOPBACK, 0)
        await site.start()
        return f"http://{LOOPBACK}:{runner.addresses[0][1]}"

    # Started from its own thread, so a caller whose thread already runs a loop (an async test,
    # Playwright's sync API) can serve an app too.
    thread = threading.Thread(target=loop.run_forever, name="ringback-app-aiohttp", daemon=True)
    thread.start()
    url = asyncio.run_coroutine_threadsafe(start(), loop).result(STARTUP_TIMEOUT_S)
    try:
        yield url
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(STOP_TIMEOUT_S)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(STOP_TIMEOUT_S)
        loop.close()
