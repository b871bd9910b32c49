"""What many tests start in their own event loop: an app served on loopback, a running Platform.

The suite-wide `platform` fixture (tests/conftest.py) is `started_platform` on the test's SQLite
file; a test that needs the parts themselves (two platforms on one file, an app's server)
imports them from here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import web

from ringback.runtime import Platform, PlatformConfig
from ringback.store import Store

# The virtual clock's start in tests: a fixed instant, so timestamps repeat run after run.
START = 1_700_000_000.0


def served_handler(
    handler: Callable[[web.BaseRequest], Any],
) -> AbstractAsyncContextManager[str]:
    """Serve a low-level aiohttp handler on 127.0.0.1 in the running loop; yields its URL."""
    return _served(web.ServerRunner(web.Server(handler)))


def served_app(app: web.Application) -> AbstractAsyncContextManager[str]:
    """Serve an aiohttp Application (routes by path) on 127.0.0.1 in the running loop."""
    return _served(web.AppRunner(app, access_log=None))


@asynccontextmanager
async def _served(runner: web.BaseRunner) -> AsyncIterator[str]:
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def make_platform(path: Path, **options: Any) -> Platform:
    """A platform on a SQLite file at `path` (virtual clock unless told otherwise)."""
    return Platform(PlatformConfig(**{"start_time": START, **options}), Store(path))


@asynccontextmanager
async def started_platform(path: Path, **options: Any) -> AsyncIterator[Platform]:
    """A started platform (`make_platform`), closed with its store at the end."""
    running = make_platform(path, **options)
    await running.start()
    try:
        yield running
    finally:
        await running.close()
        running.store.close()
