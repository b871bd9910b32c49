"""The clock's driver outlives anything a client makes happen, and the clock stays in range
(issue 9, item 2)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from loopback import make_platform
from ringback.engine import facts as f
from ringback.engine.clock import ClockMode
from ringback.runtime import Platform
from ringback.runtime.clockwork import MAX_CLOCK_EPOCH_S

from .conftest import App, outbound

PAUSE_THEN_HANGUP = '<Response><Pause duration="5"/><Hangup/></Response>'


async def test_clock_driver_goes_on_after_a_timer_fails(
    app: App, platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    """A timer whose fact raises is logged, and the clock goes on firing the others."""
    app.routes["/answer"] = PAUSE_THEN_HANGUP
    handle = platform.engine.handle
    failed: list[f.Fact] = []

    def failing_once(fact: f.Fact) -> Any:
        if isinstance(fact, f.TimerFired) and not failed:
            failed.append(fact)
            raise RuntimeError("boom")
        return handle(fact)

    platform.engine.handle = failing_once  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="ringback.clock"):
        platform.place_call(outbound(app, disconnect=None))
        for _ in range(500):
            if failed:
                break
            await asyncio.sleep(0.01)
        survivor = platform.place_call(
            outbound(app, disconnect=None)
        )  # placed once a timer has failed
        assert await platform.wait(survivor, timeout_s=5)
    assert failed
    assert "failed; the call ends with cause error" in caplog.text


async def test_clock_driver_goes_on_after_a_failed_turn(
    app: App, platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    """A turn that raises (here the store's commit, once) is logged and the clock goes on."""
    app.routes["/answer"] = PAUSE_THEN_HANGUP
    flush_soon = platform.store.flush_soon  # the driver's commit, in the store's writer thread
    failures: list[int] = []

    def failing_flush() -> None:
        if not failures:
            failures.append(1)
            raise OSError("disk full")
        flush_soon()

    platform.store.flush_soon = failing_flush  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="ringback.clock"):
        call_id = platform.place_call(outbound(app, disconnect=None))
        assert await platform.wait(call_id, timeout_s=5)
    assert failures
    assert "the clock's driver failed" in caplog.text


async def test_clock_reset_starts_a_driver_that_had_ended(app: App, platform: Platform) -> None:
    """If the driver ever ended, a reset brings the clock back."""
    driver = platform._driver
    assert driver is not None
    driver.cancel()
    await asyncio.gather(driver, return_exceptions=True)
    await platform.reset()
    app.routes["/answer"] = PAUSE_THEN_HANGUP
    call_id = platform.place_call(outbound(app, disconnect=None))
    assert await platform.wait(call_id, timeout_s=5)


async def test_clock_cannot_be_advanced_past_the_year_9000(tmp_path: Path) -> None:
    """advance() refuses to leave the years a timestamp shows, and the clock stays usable."""
    start = MAX_CLOCK_EPOCH_S - 100
    running = make_platform(tmp_path / "db.sqlite3", clock=ClockMode.MANUAL, start_time=start)
    await running.start()
    try:
        with pytest.raises(ValueError, match="year 9000"):
            await running.advance(1000)
        with pytest.raises(ValueError, match="backwards"):
            await running.advance(float("nan"))
        await running.advance(50)
        assert running.now() == start + 50
    finally:
        await running.close()
        running.store.close()


async def test_clock_timer_past_the_year_9000_is_dropped_not_fatal(
    app: App, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A timer past the limit is logged and dropped; the clock and the API go on."""
    start = MAX_CLOCK_EPOCH_S - 3
    running = make_platform(tmp_path / "db.sqlite3", start_time=start)
    await running.start()
    try:
        app.routes["/answer"] = PAUSE_THEN_HANGUP
        with caplog.at_level(logging.ERROR, logger="ringback.clock"):
            call_id = running.place_call(outbound(app, disconnect=None))
            assert not await running.wait(call_id, timeout_s=0.5)
        assert "past the year 9000; dropped" in caplog.text
        assert running.call_state(call_id) is not None
        assert running.now() < MAX_CLOCK_EPOCH_S
    finally:
        await running.close()
        running.store.close()
