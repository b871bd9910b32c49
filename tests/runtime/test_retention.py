"""Ended calls leave memory; the store keeps them and the API reads them there (issue 9,
item 7). `make soak` runs the memory test over 20,000 calls (RINGBACK_SOAK_CALLS)."""

from __future__ import annotations

import gc
import os
import tracemalloc
from pathlib import Path

import pytest

from ringback.errors import CallStateError
from ringback.runtime import Platform

from .conftest import App, make_platform, outbound

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


def traced_bytes() -> int:
    """Python heap allocated by Ringback's own code and still in use, after a collection.

    Only Ringback's frames count: what the test process keeps besides (log records pytest
    captures when another test turned a logger up, Hypothesis' caches) is not the platform's.
    """
    gc.collect()
    ours = tracemalloc.take_snapshot().filter_traces(
        [
            tracemalloc.Filter(True, "*/ringback/*", all_frames=True),
            tracemalloc.Filter(False, "*/logging/*", all_frames=True),
        ]
    )
    return sum(stat.size for stat in ours.statistics("filename"))


async def test_retention_memory_stays_flat_over_many_calls(app: App, tmp_path: Path) -> None:
    """After a warm-up, hundreds more calls leave the heap about where it was (each call kept
    about 5 KB before, for ever)."""
    app.routes["/answer"] = HANGUP
    platform = make_platform(tmp_path / "db.sqlite3", ended_calls_kept=KEPT)
    await platform.start()
    try:
        await calls(platform, app, 2 * BATCH)
        tracemalloc.start(8)  # deep tracebacks: a Call is allocated in a dataclass __init__
        try:
            before = traced_bytes()
            await calls(platform, app, SOAK_CALLS)
            grown = traced_bytes() - before
        finally:
            tracemalloc.stop()
        assert len(platform.engine.calls) <= KEPT
        assert not platform._ended
        assert len(platform.store._call_seqs) <= KEPT
        # What still grows is bounded: the cache of formatted timestamps (4,096 entries) fills
        # over the first thousand calls or so; over 20,000 (`make soak`) it is a few bytes.
        per_call = grown / SOAK_CALLS
        assert per_call < 1500, f"{per_call:.0f} bytes a call"
    finally:
        await platform.close()
        platform.store.close()


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
