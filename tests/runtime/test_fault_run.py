"""The fault run: calls against an app that fails at random in every way an app can, each
call ending with the cause Bandwidth gives (issue 9, "keep them fixed").

The answer webhook of each call meets one way of failing, chosen by a seeded draw: a 500, no
answer within `callbackTimeout`, a connection closed without an answer, BXML that is not valid,
a reply over 64 KB; the rest answer `<Hangup/>`. Every call must end, with its cause, its
webhook on its timeline, and nothing logged as an error. `make soak` places 2,000 calls
(RINGBACK_FAULT_CALLS); the suite places 30.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from pathlib import Path

import pytest
from aiohttp import web

from loopback import served_app, started_platform
from ringback.engine.requests import Callback, OutboundCallRequest

CALLS = int(os.environ.get("RINGBACK_FAULT_CALLS", "30"))
CALLBACK_TIMEOUT_S = 1.0
EXPECTED_CAUSE = {
    "ok": "hangup",
    "status-500": "callback-error",
    "timeout": "callback-error",
    "closed": "callback-error",
    "invalid-bxml": "invalid-bxml",
    "oversized": "invalid-bxml",
}
FAULTS = [mode for mode in EXPECTED_CAUSE if mode != "ok"]


async def answer(request: web.Request) -> web.StreamResponse:
    """The app: fails in the way its path names."""
    mode = request.match_info["mode"]
    if mode == "status-500":
        return web.Response(status=500, text="boom")
    if mode == "timeout":
        await asyncio.sleep(CALLBACK_TIMEOUT_S * 3)
    if mode == "closed":
        assert request.transport is not None
        request.transport.close()
        return web.Response()
    if mode == "invalid-bxml":
        return web.Response(text="<Response><Bogus/></Response>", content_type="application/xml")
    if mode == "oversized":
        body = "<Response>" + " " * 200_000 + "<Hangup/></Response>"
        return web.Response(text=body, content_type="application/xml")
    return web.Response(text="<Response><Hangup/></Response>", content_type="application/xml")


async def test_fault_run_every_call_ends_with_its_cause(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Random faults, seeded: each call ends as Bandwidth ends it; nothing is logged as an error."""
    server = web.Application()
    server.router.add_route("*", "/answer/{mode}", answer)
    chance = random.Random(os.environ.get("RINGBACK_FAULT_SEED", "9"))
    modes = ["ok" if chance.random() < 0.8 else chance.choice(FAULTS) for _ in range(CALLS)]
    modes[: len(FAULTS)] = FAULTS  # every way at least once, whatever the draw
    async with (
        served_app(server) as url,
        started_platform(
            tmp_path / "db.sqlite3", calls_per_second=0, max_concurrent_calls=0
        ) as platform,
    ):
        with caplog.at_level(logging.ERROR, logger="ringback"):
            calls = {
                platform.place_call(
                    OutboundCallRequest(
                        to="+15553334444",
                        from_="+15551112222",
                        application_id="app-1",
                        answer=Callback(f"{url}/answer/{mode}"),
                        disconnect=None,
                        # Only the timeout's calls race the clock: a loaded machine may be slow.
                        callback_timeout_s=CALLBACK_TIMEOUT_S if mode == "timeout" else 25.0,
                    )
                ): mode
                for mode in modes
            }
            for call_id, mode in calls.items():
                assert await platform.wait(call_id, timeout_s=30), (call_id, mode)
                state = platform.call_state(call_id)
                assert state is not None
                assert state["disconnectCause"] == EXPECTED_CAUSE[mode], (
                    mode,
                    state["errorMessage"],
                )
                kinds = [entry["kind"] for entry in platform.timeline(call_id)]
                assert "webhook" in kinds, mode
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert platform._driver is not None
        assert not platform._driver.done()
