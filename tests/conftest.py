"""Suite-wide settings, and the example IVR app on a real loopback port for the CLI tests."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from aiohttp import web
from hypothesis import settings

from loopback import started_platform
from ringback.cli.demo import load_ivr_app
from ringback.runtime import Platform
from ringback.testing import serve_app

# `pytester` runs sample test files through the Ringback pytest plugin (tests/testing).
pytest_plugins = ["pytester"]

# In CI, Hypothesis runs the same examples every time, so a red build is reproducible.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@dataclass
class RunningApp:
    """An aiohttp app served from a thread of its own, so a test can run CLIs that asyncio.run."""

    url: str
    app: web.Application
    module: ModuleType

    @property
    def log(self) -> Any:
        """The example app's IvrLog: voicemails, transcriptions, ended calls."""
        return self.app[self.module.IVR_LOG]


@pytest.fixture(scope="session")
def ivr_module() -> ModuleType:
    """examples/ivr_app.py, imported by its path."""
    return load_ivr_app()


@contextlib.contextmanager
def served_in_thread(app: web.Application) -> Iterator[str]:
    """Serve an aiohttp app on 127.0.0.1 from a thread of its own; yields its base URL."""
    with serve_app(app) as url:
        yield url


@pytest.fixture
def ivr_app(ivr_module: ModuleType) -> Iterator[RunningApp]:
    """The example IVR app on 127.0.0.1 (agent +15557770001); stopped after the test."""
    app = ivr_module.create_app()
    with served_in_thread(app) as url:
        yield RunningApp(url, app, ivr_module)


@pytest.fixture
def serve_in_thread() -> Callable[[web.Application], AbstractContextManager[str]]:
    """`with serve_in_thread(app) as url:` runs an aiohttp app on loopback for a CLI to call."""
    return served_in_thread


@pytest.fixture
async def platform(tmp_path: Path) -> AsyncIterator[Platform]:
    """A started platform on the virtual clock and the test's SQLite file; closed after it."""
    async with started_platform(tmp_path / "ringback.sqlite3") as running:
        yield running


@pytest.fixture
def closed_url() -> Iterator[str]:
    """A loopback URL whose connections are refused, for the whole test.

    The port stays bound (never listened on) until the test ends: a port that was merely
    released could be taken by another process meanwhile, and then something would answer.
    """
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}"


INVALID_BXML = "<Response><SpeakSentence>hi</Response>"


@pytest.fixture
def bad_app() -> Iterator[str]:
    """An app whose /boom answers 500 and whose /broken answers BXML that does not parse."""

    async def boom(_request: web.Request) -> web.Response:
        return web.Response(status=500, text="KeyError: 'callId'")

    async def broken(_request: web.Request) -> web.Response:
        return web.Response(text=INVALID_BXML, content_type="application/xml")

    app = web.Application()
    app.router.add_post("/boom", boom)
    app.router.add_post("/broken", broken)
    with served_in_thread(app) as url:
        yield url
