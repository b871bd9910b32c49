"""The pure clock model: a timer queue and a clock that only moves when told."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringback.engine.clock import TimerQueue, VirtualClock


def test_clock_queue_fires_in_time_then_start_order() -> None:
    """Ties fire in the order the timers were started."""
    queue = TimerQueue()
    queue.start(1, 5.0)
    queue.start(2, 3.0)
    queue.start(3, 5.0)
    assert queue.next_due() == 3.0
    assert queue.pop_due(5.0) == [2, 1, 3]
    assert queue.next_due() is None


def test_clock_queue_skips_cancelled_timers() -> None:
    """A cancelled timer never comes due."""
    queue = TimerQueue()
    queue.start(1, 1.0)
    queue.start(2, 2.0)
    queue.cancel(1)
    assert len(queue) == 1
    assert queue.next_due() == 2.0
    assert queue.pop_due(10.0) == [2]


@given(st.lists(st.tuples(st.floats(0, 1e6), st.booleans()), max_size=50))
def test_clock_queue_every_timer_fires_once_or_is_cancelled(
    timers: list[tuple[float, bool]],
) -> None:
    """Every started timer either fires exactly once, in time order, or was cancelled."""
    queue = TimerQueue()
    for timer_id, (at, _) in enumerate(timers):
        queue.start(timer_id, at)
    for timer_id, (_, cancel) in enumerate(timers):
        if cancel:
            queue.cancel(timer_id)
    fired = queue.pop_due(1e7)
    expected = [
        i for i, (_, cancel) in sorted(enumerate(timers), key=lambda p: p[1][0]) if not cancel
    ]
    assert sorted(fired) == sorted(expected)
    assert [timers[i][0] for i in fired] == sorted(timers[i][0] for i in fired)


def test_clock_virtual_never_goes_back() -> None:
    """advance_to an earlier time leaves the clock where it is; a negative step is refused."""
    clock = VirtualClock(100.0)
    clock.advance_to(50.0)
    assert clock.now == 100.0
    clock.advance(2.5)
    assert clock.now == 102.5
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)
