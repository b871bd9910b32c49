"""The pytest plugin: `ringback` and `app_url` fixtures, options, readable failures.

Registered by the package's `pytest11` entry point, so `pip install ringback` is all it takes.
One platform serves the whole session (started on first use) and is reset before each test, so
ids start over and every test sees only its own calls. A project that defines its own fixture
named `ringback` keeps it: pytest prefers a conftest's fixture to a plugin's, and the hooks
here act only on a `ringback.testing.Ringback`.

Imports of the toolkit are deferred to first use: the plugin loads in every pytest run of every
project that has Ringback installed.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ringback.testing.platform import Ringback

CLOCKS = ("virtual", "real", "manual")
DEFAULT_KEEP_DIR = ".ringback/failed"


def pytest_addoption(parser: pytest.Parser) -> None:
    """The `--ringback-*` options."""
    group = parser.getgroup("ringback", "Ringback (a local Bandwidth platform)")
    group.addoption(
        "--ringback-clock",
        choices=CLOCKS,
        default="virtual",
        help="the platform's clock: virtual (default: time jumps when idle), real or manual",
    )
    group.addoption(
        "--ringback-idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="real seconds of quiet before the virtual clock jumps (default 0; raise it when"
        " the app calls the REST API on its own between webhooks)",
    )
    group.addoption(
        "--ringback-call-wait",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="real seconds a call may take before Ringback hangs it up (default 10)",
    )
    group.addoption(
        "--ringback-keep-db",
        nargs="?",
        const=DEFAULT_KEEP_DIR,
        default=None,
        metavar="DIR",
        help=f"keep the SQLite database of each failed test in DIR (default {DEFAULT_KEEP_DIR})",
    )
    group.addoption(
        "--ringback-faults",
        default="",
        metavar="FAULTS",
        help="deliver every call's webhooks worse than Bandwidth promises: a comma-separated"
        " list of duplicate, reorder, fail-first, delay=SECONDS (docs/testing.md)",
    )
    group.addoption(
        "--ringback-update-goldens",
        action="store_true",
        help="call.assert_matches(path) writes the golden file instead of comparing",
    )


def pytest_configure(config: pytest.Config) -> None:
    """A bad --ringback-faults is a usage error before any test runs."""
    text = config.getoption("--ringback-faults", default="")
    if text:
        from ringback.delivery.faults import parse_faults
        from ringback.errors import FaultError

        try:
            parse_faults(text)
        except FaultError as error:
            raise pytest.UsageError(f"--ringback-faults: {error}") from None


@pytest.fixture(scope="session")
def ringback_session(request: pytest.FixtureRequest) -> Iterator[Ringback]:
    """The session's platform, started on first use (use `ringback`, which resets it)."""
    from ringback.delivery.faults import parse_faults
    from ringback.testing.platform import Ringback

    option = request.config.getoption
    platform = Ringback(
        clock=option("--ringback-clock"),
        idle=option("--ringback-idle"),
        call_wait=option("--ringback-call-wait"),
        update_goldens=bool(option("--ringback-update-goldens")),
        faults=parse_faults(option("--ringback-faults")),
    )
    with platform:
        yield platform


@pytest.fixture
def ringback(ringback_session: Ringback) -> Ringback:
    """A Ringback platform on 127.0.0.1, reset for this test: `ringback.call(...)`."""
    ringback_session.reset()
    return ringback_session


@pytest.fixture
def app_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The base URL of the app under test: your `ringback_app` fixture, served on loopback.

    `ringback_app` may return a URL, an ASGI app (FastAPI, Starlette), a WSGI app (Flask,
    Django) or an aiohttp web.Application.
    """
    from ringback.testing.apps import serve_app

    try:
        app = request.getfixturevalue("ringback_app")
    except pytest.FixtureLookupError:
        pytest.fail(
            "app_url serves the app of a `ringback_app` fixture: define one that returns your"
            " app object (FastAPI, Flask, Django, aiohttp) or its URL",
            pytrace=False,
        )
    with serve_app(app) as url:
        yield url


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test's report shows its calls' timelines (and keeps its database if asked)."""
    report = yield
    _add_ringback_sections(item, report)
    return report


def _add_ringback_sections(item: pytest.Item, report: pytest.TestReport) -> None:
    if report.when != "call" or not report.failed:
        return
    platform = _ringback_of(item)
    if platform is None:
        return
    for result in platform.calls:
        report.sections.append((f"ringback: call {result.call_id}", result.render()))
    keep = item.config.getoption("--ringback-keep-db")
    if keep:
        path = Path(keep) / (re.sub(r"[^\w.-]+", "_", item.nodeid) + ".sqlite3")
        try:
            platform.keep_database(path)
        except Exception as error:  # the report must be made whatever state the platform is in
            report.sections.append(("ringback: database", f"could not be kept: {error!r}"))
            return
        ids = " ".join(result.call_id for result in platform.calls) or "CALL_ID"
        report.sections.append(
            ("ringback: database", f"kept at {path}: ringback timeline {ids} --db {path}")
        )


def _ringback_of(item: pytest.Item) -> Ringback | None:
    funcargs: dict[str, Any] = getattr(item, "funcargs", {})
    candidate = funcargs.get("ringback")
    from ringback.testing.platform import Ringback

    return candidate if isinstance(candidate, Ringback) else None


def pytest_assertrepr_compare(
    config: pytest.Config, op: str, left: object, right: object
) -> list[str] | None:
    """`call.events() == [...]` failing shows the difference, then the call's timeline."""
    from ringback.testing.result import EventList

    events = left if isinstance(left, EventList) else right
    if op != "==" or not isinstance(events, EventList):
        return None
    other = right if events is left else left
    # pytest cuts explanations at 8 lines without -vv: the timeline goes in the report's
    # "ringback: call ..." section instead, whole.
    return [
        f"the call's webhooks {list(events)!r}",
        f"   were expected to be {other!r}",
        f"(call {events.call.call_id}: its timeline is in the 'ringback: call' section below)",
    ]
