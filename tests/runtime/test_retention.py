"""Ended calls leave memory; the store keeps them and the API reads them there (issue 9,
item 7). `make soak` runs the memory test over 20,000 calls (RINGBACK_SOAK_CALLS)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from loopback import make_platform
from ringback.errors import CallStateError
from ringback.runtime import Platform

from .conftest import App, outbound

HANGUP = "<Response><Hangup/></Response>"
KEPT = 20
SOAK_CALLS = int(os.environ.get("RINGBACK_SOAK_CALLS", "200"))
BATCH = 100


async def calls(platform: Platform, app: App, count: int) -> list[str]:
    """Place `count` calls, `BATCH` at a time, and wait for each to settle."""
    ids: list[str] = []
    while len(ids) < count:
        batch = [platform.place_call(outbound(app)) for _ in range(min(BATCH, count - len(ids)))]
        for call_id in batch:
            assert await platform.wait(call_id, timeout_s=30)
        app.received.clear()  # the test's app keeps what it got: not the platform's memory
        ids += batch
    return ids


MEASURE = """
import asyncio, gc, json, sys, tempfile, tracemalloc
from pathlib import Path
from aiohttp import web
from ringback.engine.requests import Callback, OutboundCallRequest
from ringback.runtime import Platform, PlatformConfig
from ringback.store import Store

KEPT, CALLS, BATCH = (int(arg) for arg in sys.argv[1:4])

async def main():
    async def answer(request):
        return web.Response(text="<Response><Hangup/></Response>", content_type="application/xml")
    runner = web.ServerRunner(web.Server(answer))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    with tempfile.TemporaryDirectory() as folder:
        config = PlatformConfig(start_time=1.7e9, ended_calls_kept=KEPT)
        platform = Platform(config, Store(Path(folder) / "db.sqlite3"))
        await platform.start()
        async def calls(count):
            for _ in range(count // BATCH):
                ids = [platform.place_call(OutboundCallRequest(
                    to="+15553334444", from_="+15551112222", application_id="app-1",
                    answer=Callback(f"http://{host}:{port}/answer"), disconnect=None,
                )) for _ in range(BATCH)]
                for call_id in ids:
                    assert await platform.wait(call_id, 30)
        async def heap_after(count):
            await calls(count)
            platform.store.flush()
            await asyncio.sleep(0.1)
            gc.collect()
            return tracemalloc.get_traced_memory()[0]
        await calls(2 * BATCH)
        tracemalloc.start()
        # Growth between two points in the same state: what is in flight at each cancels out.
        first = await heap_after(CALLS)
        grown = await heap_after(CALLS) - first
        print(json.dumps({"perCall": grown / CALLS, "live": len(platform.engine.calls),
                          "seqs": len(platform.store._call_seqs),
                          "events": len(platform.deliveries._settled)}))
        await platform.close()
        platform.store.close()
    await runner.cleanup()

asyncio.run(main())
"""


def test_retention_memory_stays_flat_over_many_calls() -> None:
    """After a warm-up, hundreds more calls leave the heap about where it was (each call kept
    about 5 KB before, for ever). Measured in a fresh interpreter: what other tests leave in
    this process (loggers turned up, hooks) is not the platform's memory."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(KEPT), str(SOAK_CALLS), str(BATCH)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    measured = json.loads(done.stdout)
    assert measured["live"] <= KEPT
    assert measured["seqs"] <= KEPT
    assert measured["events"] == 0
    # What still grows is bounded: the cache of formatted timestamps (4,096 entries) fills
    # over the first thousand calls or so; over 20,000 (`make soak`) it is a few bytes.
    assert measured["perCall"] < 1500, f"{measured['perCall']:.0f} bytes a call"


async def test_retention_evicted_calls_are_read_from_the_store(app: App, tmp_path: Path) -> None:
    """State, timeline, wait and the call list still answer for an evicted call; updating it
    is refused as for any ended call."""
    app.routes["/answer"] = HANGUP
    platform = make_platform(tmp_path / "db.sqlite3", ended_calls_kept=2)
    await platform.start()
    try:
        first, *_ = await calls(platform, app, 5)
        assert first not in platform.engine.calls
        state = platform.call_state(first)
        assert state is not None
        assert (state["state"], state["disconnectCause"]) == ("disconnected", "hangup")
        assert [entry["kind"] for entry in platform.timeline(first)].count("webhook") == 2
        assert await platform.wait(first, timeout_s=0.1)
        listed = {state["callId"]: state for _, state in platform.list_calls()}
        assert listed[first]["state"] == "disconnected"
        assert len(listed) == 5
    finally:
        await platform.close()
        platform.store.close()


async def test_retention_update_of_an_evicted_call_is_a_conflict(app: App, tmp_path: Path) -> None:
    """The REST API's check for a call that can no longer change covers evicted calls."""
    from ringback.api.calls import Calls
    from ringback.api.context import RestContext

    app.routes["/answer"] = HANGUP
    platform = make_platform(tmp_path / "db.sqlite3", ended_calls_kept=1)
    await platform.start()
    try:
        first, *_ = await calls(platform, app, 3)
        endpoints = Calls(RestContext.for_platform(platform))
        with pytest.raises(CallStateError, match="cannot be modified"):
            endpoints._require_live(first)
    finally:
        await platform.close()
        platform.store.close()
