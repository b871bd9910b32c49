"""Moving time for a running platform: real, virtual (time-skipping) and manual clocks.

`drive` runs for the platform's lifetime. Each turn it commits the store, fires the timers that
are due, then sleeps until something changes (a fact, a finished task, an API request) or the
next moment that matters: the next timer in `real` mode; in `virtual` mode, when the platform has
been quiet for `idle_s` real seconds with nothing in flight, it jumps straight to the next timer.
Webhook timeouts are not timers: the delivery layer measures them in real time.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

from ringback.engine.clock import ClockMode
from ringback.engine.facts import TimerFired

if TYPE_CHECKING:
    from ringback.runtime.platform import Platform


def fire_due(platform: Platform) -> None:
    """Fire every timer due at the platform's current time, in order."""
    for timer_id in platform.timers.pop_due(platform.now()):
        platform.feed(TimerFired(platform.now(), timer_id))


async def drive(platform: Platform) -> None:
    """The clock's loop; cancelled when the platform closes."""
    loop = asyncio.get_running_loop()
    while True:
        platform.store.flush()
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
                platform.virtual_now = max(platform.virtual_now, due)
                continue
            timeout = platform.config.idle_s - quiet_s
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
    if seconds < 0:
        raise ValueError(f"the clock cannot go backwards ({seconds} s)")
    if platform.config.clock is ClockMode.REAL:
        raise ValueError("a real clock cannot be advanced; use --clock virtual or manual")
    target = platform.now() + seconds
    await settle(platform)
    while (due := platform.timers.next_due()) is not None and due <= target:
        platform.virtual_now = max(platform.virtual_now, due)
        fire_due(platform)
        await settle(platform)
    platform.virtual_now = max(platform.virtual_now, target)
    platform.changed.set()


async def settle(platform: Platform) -> None:
    """Wait until no webhook or media fetch is in flight."""
    while platform.in_flight:
        await platform.quiet.wait()
