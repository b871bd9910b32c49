"""Moving time for a running platform: real, virtual (time-skipping) and manual clocks.

`drive` runs for the platform's lifetime. Each turn it commits the store, fires the timers that
are due, then sleeps until something changes (a fact, a finished task, an API request) or the
next moment that matters: the next timer in `real` mode; in `virtual` mode, when the platform has
been quiet for `idle_s` real seconds with nothing in flight, it jumps straight to the next timer.
Webhook timeouts are not timers: the delivery layer measures them in real time.

The store is committed at once when nothing is in flight or when a request waits for it
(`Platform.committed`: a 201 is sent only once its call is on disk, and every request waiting
in the same turn shares one commit); otherwise, while webhooks are in flight, at most every
`BUSY_FLUSH_INTERVAL_S` of real time. The driver turns for every fact, and one commit costs
more than a whole call's rows, so committing every turn halved the calls a busy platform carries.
Those commits run in the store's writer thread (`Store.flush_soon`), beside the loop; a commit a
request waits for runs at once, on the loop. Reads through the platform see every write at once
either way (one connection, which waits for a background commit before any other use).

The driver must never die silently: a dead driver means no timer fires again, and every call
waits for ever. A timer whose fact raises is logged with its call's id, and that call ends with
cause `error` as Bandwidth ends a call its platform failed on (the other timers still fire);
anything else that goes wrong in a turn is logged and the loop goes on after a short pause.
`Platform.reset` starts a new driver if this one ended anyway. Every duration a client gives is
bounded where it is read, and no timer is set past `MAX_CLOCK_EPOCH_S`, so the virtual clock
stays in the years a timestamp can show.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

from ringback.engine.clock import ClockMode
from ringback.engine.facts import CallFailed, TimerFired

BUSY_FLUSH_INTERVAL_S = 0.05  # real seconds; other processes see a busy server's rows this late
MAX_CLOCK_EPOCH_S = 221_845_392_000.0  # 9000-01-01T00:00:00Z: far from 9999, where dates end
DRIVER_RETRY_S = 0.1  # real seconds between a failed turn and the next one
STREAM_STEP_S = 0.1  # call seconds the virtual clock moves at a time while media streams are open
# The `errorMessage` of a call Ringback itself failed on (the server log has the traceback).
PLATFORM_ERROR = "Ringback failed while running this call (an internal error: see the server log)"

logger = logging.getLogger("ringback.clock")

if TYPE_CHECKING:
    from ringback.runtime.platform import Platform


def fire_due(platform: Platform) -> None:
    """Fire every timer due at the platform's current time, in order."""
    for timer_id in platform.timers.pop_due(platform.now()):
        call_id = platform.engine.timer_call(timer_id)  # None for a message's timer
        try:
            if platform.texting.core.owns_timer(timer_id):
                platform.texting.fire(timer_id)
            else:
                platform.feed(TimerFired(platform.now(), timer_id))
        except Exception:
            if call_id is None:
                logger.exception("timer %s failed; the clock goes on", timer_id)
                continue
            logger.exception(
                "timer %s of call %s failed; the call ends with cause error, the clock goes on",
                timer_id,
                call_id,
            )
            fail_call(platform, call_id)


def fail_call(platform: Platform, call_id: str) -> None:
    """End a call Ringback failed on, as Bandwidth would: cause `error`, the app told.

    What the failed handler had begun is lost with its actions; left running, the call would
    wait for ever (its timer is gone), with nothing for its application to see.
    """
    try:
        platform.feed(CallFailed(platform.now(), call_id, PLATFORM_ERROR))
    except Exception:
        logger.exception("call %s could not be ended after that failure", call_id)


def commit(platform: Platform) -> None:
    """Commit the store, then tell everyone waiting for it (or hand them the failure)."""
    waiting, platform.commit_waiters = platform.commit_waiters, []
    try:
        platform.store.flush()
    except Exception as exc:
        for waiter in waiting:
            if not waiter.done():
                waiter.set_exception(exc)
        raise
    for waiter in waiting:
        if not waiter.done():
            waiter.set_result(None)


async def drive(platform: Platform) -> None:
    """The clock's loop; cancelled when the platform closes. A failed turn is logged and the
    loop goes on: it must outlive anything a client can make happen."""
    while True:
        try:
            await _turns(platform)
        except Exception:
            logger.exception("the clock's driver failed; it goes on in %g s", DRIVER_RETRY_S)
            await asyncio.sleep(DRIVER_RETRY_S)


async def _turns(platform: Platform) -> None:
    loop = asyncio.get_running_loop()
    flushed_at = loop.time()
    while True:
        flush_in: float | None = None  # real seconds until the store must be committed
        since_flush_s = loop.time() - flushed_at
        waiting = platform.commit_waiters  # a 201 waits for its call to be on disk
        if waiting:
            commit(platform)  # a 201 waits for its call to be on disk: committed before it goes
            flushed_at = loop.time()
        elif platform.in_flight == 0 or since_flush_s >= BUSY_FLUSH_INTERVAL_S:
            platform.store.flush_soon()  # in the store's writer thread, off the loop
            flushed_at = loop.time()
        else:
            flush_in = BUSY_FLUSH_INTERVAL_S - since_flush_s
        platform.changed.clear()
        fire_due(platform)
        due = platform.timers.next_due()
        timeout: float | None = None
        mode = platform.config.clock
        if mode is ClockMode.REAL and due is not None:
            timeout = max(0.0, due - time.time())
        elif mode is ClockMode.VIRTUAL and due is not None and platform.in_flight == 0:
            quiet_s = loop.time() - platform.last_activity
            if quiet_s >= platform.config.idle_s:
                await move_to(platform, due)
                continue
            timeout = platform.config.idle_s - quiet_s
        if flush_in is not None:
            timeout = flush_in if timeout is None else min(timeout, flush_in)
        # asyncio.timeout, not wait_for: no task per turn, and on Python 3.11 wait_for can swallow
        # the cancellation that close() sends when the event is set at the same moment.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await platform.changed.wait()


async def advance(platform: Platform, seconds: float) -> None:
    """Move a virtual or manual clock `seconds` ahead, firing timers on the way.

    After each instant's timers fire, it waits for the webhooks they set off, so that the
    instant's consequences (new timers) are known before time moves on.
    """
    if not seconds >= 0:
        raise ValueError(f"the clock cannot go backwards ({seconds} s)")
    if platform.config.clock is ClockMode.REAL:
        raise ValueError("a real clock cannot be advanced; use --clock virtual or manual")
    target = platform.now() + seconds
    if target > MAX_CLOCK_EPOCH_S:
        raise ValueError(
            f"the clock cannot go past the year 9000 ({seconds:g} s would take it there);"
            " POST /_ringback/reset brings it back to now"
        )
    await settle(platform)
    while (due := platform.timers.next_due()) is not None and due <= target:
        while platform.virtual_now < due:
            await move_to(platform, due)
        fire_due(platform)
        await settle(platform)
    while platform.virtual_now < target:
        await move_to(platform, target)
    platform.changed.set()


async def move_to(platform: Platform, at: float) -> None:
    """Move a virtual or manual clock towards `at`: straight there, unless media streams are open.

    Streams' frames up to the new time are sent, and every socket's messages written (a live
    transcription's words), before it moves. With streams open
    the clock moves at most `STREAM_STEP_S` at a time, so an app that answers what it heard
    (`playAudio`) is heard that much later in call time at most, not after a long jump.
    """
    hub = platform.streams
    if hub.streaming:
        at = min(at, platform.virtual_now + STREAM_STEP_S)
        await hub.pump_until(at)
    await hub.flush()
    platform.virtual_now = max(platform.virtual_now, at)


async def settle(platform: Platform) -> None:
    """Wait until no webhook or media fetch is in flight."""
    while platform.in_flight:
        await platform.quiet.wait()
