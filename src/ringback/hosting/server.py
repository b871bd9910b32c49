"""Serving Ringback over HTTP with uvicorn, in the foreground (`ringback serve`) or a thread.

This is the platform's host, not the command line: `ringback serve`, test suites and load runs
all import it from here (`ringback.hosting`), and it imports nothing of `ringback.cli`.

How this works. The listening socket is bound first, so the platform knows its own URL (it goes
into `callUrl` and recordings' `mediaUrl`) even with port 0. uvicorn then runs the app on that
socket, with uvloop when it is installed and httptools through `LingeringHttpToolsProtocol`
(lingering.py: a connection whose request body was refused is closed as nginx does). The
app's lifespan starts and closes the platform; the store is closed here, after the server has
stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib.util
import signal
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from ringback.api.app import Setup, create_app
from ringback.api.auth import listens_beyond_loopback
from ringback.api.control_bodies import ANY_NUMBER, read_application
from ringback.hosting.lingering import LingeringHttpToolsProtocol
from ringback.runtime import Platform, PlatformConfig, collector
from ringback.store import Store

STARTUP_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0
# Long-polling `wait` requests must not hold a stopping server for long.
GRACEFUL_SHUTDOWN_S = 2


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The base URL clients use for a bound socket (a wildcard host becomes loopback)."""
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@dataclass
class Prepared:
    """A bound socket and the platform, store and server that will serve on it."""

    url: str
    sock: socket.socket
    platform: Platform
    store: Store
    server: uvicorn.Server


def prepare(
    config: PlatformConfig,
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    setup: Setup | None = None,
    log_level: str = "warning",
) -> Prepared:
    """Bind, then build the platform (knowing its URL), its store and a uvicorn server."""
    sock = bind(host, port)
    url = url_of(sock)
    try:
        store = Store(db)
    except BaseException:  # sqlite3.Error: not a database, or a folder that does not exist
        sock.close()
        raise
    platform = Platform(dataclasses.replace(config, base_url=url), store)
    app = create_app(platform, setup, require_credentials=listens_beyond_loopback(host))
    uv_config = uvicorn.Config(
        app,
        loop="uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        http=LingeringHttpToolsProtocol,
        lifespan="on",
        log_level=log_level,
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    server = uvicorn.Server(uv_config)
    # The console's live streams end when the server starts to stop, not 2 s after.
    app.state.stopping = lambda: server.should_exit
    return Prepared(url, sock, platform, store, server)


def run(prepared: Prepared) -> None:
    """Serve in this thread until stopped (Ctrl-C or SIGTERM); the store is closed after."""
    try:
        prepared.server.run(sockets=[prepared.sock])
    finally:
        prepared.sock.close()
        prepared.store.close()


def run_until_stopped(prepared: Prepared) -> None:
    """Serve in the main thread; Ctrl-C or SIGTERM stop it cleanly and return normally."""
    # uvicorn shuts down gracefully on a signal, then raises it again; by then the platform is
    # closed and the store flushed, so the re-raised signal only has to end `serve` quietly.
    previous = signal.signal(signal.SIGTERM, lambda _sig, _frame: None)
    try:
        with contextlib.suppress(KeyboardInterrupt), collector.settled():
            run(prepared)
    finally:
        signal.signal(signal.SIGTERM, previous)


class _EmbeddedServer(uvicorn.Server):
    """uvicorn inside a command's own event loop: Ctrl-C and SIGTERM stay the command's."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def serving(app: ASGIApp, sock: socket.socket) -> AsyncIterator[None]:
    """Serve `app` on `sock` from the running event loop while the block runs, then stop.

    No lifespan: whoever made the app starts and closes what it serves (`local_platform`).
    """
    server = _EmbeddedServer(
        uvicorn.Config(
            app,
            http=LingeringHttpToolsProtocol,
            lifespan="off",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        )
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                await task  # raises what stopped it
                raise RuntimeError(f"the API did not start on {url_of(sock)}")
            await asyncio.sleep(0.005)
        yield
    finally:
        server.should_exit = True
        await task
        sock.close()


def default_application(
    application_id: str, initiate_url: str, status_url: str | None = None
) -> Setup:
    """Settings that route every number without its own route to one application.

    Raises ValueError (naming the setting) for a malformed URL.
    """
    settings = {"callInitiatedCallbackUrl": initiate_url, "callStatusCallbackUrl": status_url}
    app = read_application(application_id, settings)

    def setup(platform: Platform) -> None:
        platform.put_application(app)
        platform.put_number(ANY_NUMBER, application_id)

    return setup


class BackgroundServer:
    """Ringback serving from a thread: `url` while it runs, `stop()` to end it cleanly."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.url = prepared.url
        self._thread = threading.Thread(target=run, args=(prepared,), name="ringback-server")

    def start(self) -> BackgroundServer:
        """Start serving; return once the app has started (lifespan done)."""
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self.prepared.server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"Ringback failed to start on {self.url}; see the log")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Ringback did not start on {self.url} within 10 s")
            time.sleep(0.01)
        return self

    @property
    def running(self) -> bool:
        """Whether the server thread is still up."""
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop serving, close the platform and the store; wait for the thread."""
        self.prepared.server.should_exit = True
        self._thread.join(STOP_TIMEOUT_S)
        if self._thread.is_alive():
            raise RuntimeError(f"Ringback on {self.url} did not stop within 10 s")


def start_in_thread(
    config: PlatformConfig,
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    setup: Setup | None = None,
) -> BackgroundServer:
    """Serve Ringback from a background thread; returns once it answers at `.url`."""
    return BackgroundServer(prepare(config, db, host=host, port=port, setup=setup)).start()
