"""Calls run to their end on an in-process platform: what `ringback call`, `inbound` and `demo`
do, and what a test suite can do without a server.

The platform runs on this process's event loop, on the virtual clock with `idle_s` 0 (time may
jump as soon as nothing is in flight), and on a temporary SQLite file unless a database is
named. Its REST API (and the control API) are served on a loopback port for as long as the
platform runs, so the `callUrl` and `mediaUrl` an app receives work: it can update the call or
download a recording while it handles a webhook. `follow` waits, in real seconds, for a call and
the legs it started (transfers) to end and collects what the store kept of them.

Ids are deterministic: the same calls get the same ids every run; the Platform gives
a run into a database that already holds calls a seed of its own, so ids never collide.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ringback.api.app import create_app
from ringback.engine import facts as f
from ringback.engine.clock import ClockMode
from ringback.errors import EngineError
from ringback.hosting.server import bind, serving, url_of
from ringback.media.sources import AudioSources
from ringback.runtime import Platform, PlatformConfig
from ringback.store import Store

NORMAL_CAUSE = "hangup"
API_HOST = "127.0.0.1"
DEFAULT_WAIT_S = 60.0  # real seconds `ringback call` waits for a call to end
_COUNT_ALL_CALLS = 1 << 62  # a LIMIT larger than any store
HANGUP_GRACE_S = 5.0  # real seconds for a call Ringback hangs up to finish its webhooks
STALL_CHECK_S = 0.05  # real seconds between looks at a call that has not ended
STALL_CHECKS = 2  # looks in a row with nothing pending before a call counts as stalled
STALLED = (
    "nothing left to happen, with no timer set and no webhook in flight: both sides would stay"
    " on the line for ever (give the phone a hangup step, e.g. --hangup-after S)"
)


@dataclass
class CallReport:
    """One call to show: its REST state, its timeline, and the legs it started (transfers)."""

    call_id: str
    state: dict[str, Any]
    timeline: list[dict[str, Any]]
    legs: list[CallReport] = field(default_factory=list)
    cut_short: str | None = None  # why Ringback hung up a call that did not end by itself

    @property
    def cause(self) -> str | None:
        """The disconnect cause, if the call has ended."""
        cause = self.state.get("disconnectCause")
        return str(cause) if cause else None

    @property
    def ended_normally(self) -> bool:
        """True when the call ended by itself with cause `hangup`: exit status 0."""
        return self.cut_short is None and self.cause == NORMAL_CAUSE


@contextlib.asynccontextmanager
async def local_platform(
    db_path: Path | None = None,
    clock: ClockMode = ClockMode.VIRTUAL,
    api_port: int = 0,
    *,
    audio: AudioSources | None = None,
    idle_s: float = 0.0,
) -> AsyncIterator[Platform]:
    """A started platform on `db_path` (or a temporary file), its API on 127.0.0.1:`api_port`
    (0: a free port; OSError when it cannot listen there); closed and committed on exit.
    `idle_s`: the virtual clock's grace for an app that calls the API back (v1 apps)."""
    sock = bind(API_HOST, api_port)
    with tempfile.TemporaryDirectory(prefix="ringback-") as scratch:
        try:
            store = Store(db_path or Path(scratch) / "ringback.sqlite3")
        except BaseException:
            sock.close()
            raise
        config = PlatformConfig(
            clock=clock, idle_s=idle_s, base_url=url_of(sock), audio_sources=audio or AudioSources()
        )
        platform = Platform(config, store)
        try:
            await platform.start()
            async with serving(create_app(platform), sock):
                yield platform
        finally:
            sock.close()
            await platform.close()
            store.close()


async def follow(platform: Platform, call_id: str, timeout_s: float = DEFAULT_WAIT_S) -> CallReport:
    """Wait up to `timeout_s` real seconds for the call to end; report it and its legs.

    A call still up at the limit, or one that nothing can end any more, is hung up by Ringback
    and the report says why.
    """
    cut_short = await wait_or_stall(platform, call_id, timeout_s)
    if cut_short is not None:
        await hang_up(platform, call_id)
    for leg_id in legs_of(platform, call_id):
        if not await platform.wait(leg_id, HANGUP_GRACE_S):
            await hang_up(platform, leg_id)
    platform.store.flush()
    return report(platform, call_id, cut_short=cut_short)


async def wait_or_stall(platform: Platform, call_id: str, timeout_s: float) -> str | None:
    """None once the call has ended; else why it was given up on (time limit, or a stall).

    With no timer set, no webhook in flight and no API request for a moment, nothing is left to
    happen but an API request that may never come: both sides would stay on the line for ever.
    Waiting out the whole time limit would only make the user wait, so the stall ends the wait.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    quiet_checks = 0
    while not await platform.wait(call_id, min(STALL_CHECK_S, timeout_s)):
        requested_lately = loop.time() - platform.last_activity < STALL_CHECK_S
        stalled = (
            platform.in_flight == 0 and platform.timers.next_due() is None and not requested_lately
        )
        quiet_checks = quiet_checks + 1 if stalled else 0
        if quiet_checks >= STALL_CHECKS:
            return STALLED
        if loop.time() >= deadline:
            return f"still up after {timeout_s:g} s (--timeout)"
    return None


async def hang_up(platform: Platform, call_id: str) -> None:
    """End a call as POST /calls/{id} {"state": "completed"} would, and let it finish."""
    with contextlib.suppress(EngineError):  # it may have ended meanwhile
        platform.request(
            f.CallUpdateRequested, call_id=call_id, state="completed", by="by Ringback"
        )
    await platform.wait(call_id, HANGUP_GRACE_S)


def legs_of(platform: Platform, call_id: str) -> list[str]:
    """Ids of the calls this call started (transfer and forward legs), in creation order."""
    return [leg.call_id for leg in platform.engine.calls.values() if leg.parent_call_id == call_id]


def report(platform: Platform, call_id: str, *, cut_short: str | None = None) -> CallReport:
    """What the platform knows of a call and its legs."""
    return CallReport(
        call_id=call_id,
        state=platform.call_state(call_id) or {},
        timeline=platform.timeline(call_id),
        legs=[report(platform, leg_id) for leg_id in legs_of(platform, call_id)],
        cut_short=cut_short,
    )


def stored_report(store: Store, call_id: str) -> CallReport | None:
    """A call and its legs as a store kept them (`ringback timeline --db`), or None."""
    state = store.call(call_id)
    if state is None:
        return None
    legs = [
        stored_report(store, leg["callId"])
        for _, leg in store.calls(limit=_COUNT_ALL_CALLS)
        if leg.get("parentCallId") == call_id
    ]
    return CallReport(
        call_id, state, store.timeline(call_id), [leg for leg in legs if leg is not None]
    )
