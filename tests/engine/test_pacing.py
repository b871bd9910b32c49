"""The outbound queue: Bandwidth's account limits pace calls created through the API."""

from __future__ import annotations

import pytest
from bandwidth.models.bxml import Hangup, Pause

from ringback.engine import facts as f
from ringback.engine.call import CallStatus
from ringback.engine.core import EngineConfig
from ringback.engine.pacing import CallLimits, CallQueue
from ringback.engine.sim import Routes, Simulation
from ringback.errors import CallQueueFullError

from .documents import response

ANSWER = "http://app.test/answer"
DISCONNECT = "http://app.test/disconnect"


def simulation(limits: CallLimits | None = None, *, pause_s: float = 10) -> Simulation:
    config = EngineConfig(call_limits=limits or CallLimits())
    return Simulation(Routes({"/answer": response(Pause(pause_s), Hangup())}), config=config)


def place(sim: Simulation, count: int, **options: object) -> list[str]:
    return [
        sim.place_call(ANSWER, to=f"+1555000{n:04d}", disconnect_url=DISCONNECT, **options)
        for n in range(count)
    ]


def test_pacing_ten_calls_leave_the_queue_at_five_a_second() -> None:
    """Created in the same instant, calls start 0.2 s apart; enqueuedTime stays the creation."""
    sim = simulation()
    call_ids = place(sim, 10)
    created = sim.now
    sim.run()
    calls = [sim.call(call_id) for call_id in call_ids]
    assert [c.enqueued_time for c in calls] == [created] * 10
    starts = [c.start_time - created for c in calls]  # type: ignore[operator]
    assert starts == pytest.approx([0.2 * n for n in range(10)])
    assert all(c.cause == "hangup" for c in calls)


def test_pacing_a_queued_call_reports_queued_without_start_time() -> None:
    """While it waits, a call is `queued` with no startTime (spec: startTime null while queued)."""
    sim = simulation()
    first, second = place(sim, 2)
    assert sim.call(first).state is CallStatus.INITIATED
    assert sim.call(second).state is CallStatus.QUEUED
    assert sim.call(second).start_time is None
    sim.run(until=sim.now + 0.2)
    assert sim.call(second).state is CallStatus.INITIATED


def test_pacing_priority_then_time() -> None:
    """Waiting calls leave by priority (1 first), then in the order they were created."""
    sim = simulation()
    blocker = place(sim, 1)[0]
    low = sim.place_call(ANSWER, to="+15550000001", priority=5)
    high = sim.place_call(ANSWER, to="+15550000002", priority=1)
    low_later = sim.place_call(ANSWER, to="+15550000003", priority=5)
    sim.run()
    order = sorted([blocker, low, high, low_later], key=lambda c: sim.call(c).start_time or 0)
    assert order == [blocker, high, low, low_later]


def test_pacing_concurrent_limit_holds_calls_until_a_line_frees() -> None:
    """With two lines, the third call starts when the first call ends."""
    sim = simulation(CallLimits(calls_per_second=0, max_concurrent_calls=2), pause_s=10)
    first, second, third = place(sim, 3)
    sim.run()
    assert sim.call(third).start_time == pytest.approx(sim.call(first).end_time)  # type: ignore[arg-type]
    assert sim.call(second).start_time == sim.call(first).start_time


def test_pacing_full_queue_refuses_with_retry_after() -> None:
    """Beyond the queue's capacity a new call is refused; nothing of it is created."""
    sim = simulation(CallLimits(calls_per_second=1, max_call_queue_size=2))
    place(sim, 3)  # one starts, two wait
    with pytest.raises(CallQueueFullError) as caught:
        sim.place_call(ANSWER, to="+15559999999")
    assert caught.value.retry_after_s == 1
    assert str(caught.value) == "Account call creation rate limit exceeded"
    assert len(sim.engine.calls) == 3


def test_pacing_queue_capacity_is_cps_times_300() -> None:
    """Bandwidth's queue holds 300 seconds' worth of calls."""
    assert CallLimits().queue_capacity == 1500
    assert CallLimits(calls_per_second=2).queue_capacity == 600
    assert CallLimits(calls_per_second=0).queue_capacity is None
    assert CallLimits(max_call_queue_size=7).queue_capacity == 7


def test_pacing_cancelled_queued_call_leaves_the_queue() -> None:
    """POST /calls/{id} completed on a queued call ends it (cancel) and frees its place."""
    sim = simulation()
    first, second, third = place(sim, 3)
    sim.feed(f.CallUpdateRequested(sim.now, second, state="completed"))
    assert sim.call(second).cause == "cancel"
    assert len(sim.engine.outbound) == 1
    sim.run()
    assert sim.call(third).start_time - sim.call(first).start_time == pytest.approx(0.2)  # type: ignore[operator]
    assert [w.payload["cause"] for w in sim.events("disconnect", second)] == ["cancel"]


def test_pacing_raised_limits_start_waiting_calls_at_once() -> None:
    """Lifting the rate through the control API lets every waiting call start now."""
    sim = simulation(CallLimits(calls_per_second=0.1))
    call_ids = place(sim, 4)
    sim.feed(f.CallLimitsChanged(sim.now, CallLimits(calls_per_second=0)))
    assert [sim.call(c).state for c in call_ids] == [CallStatus.INITIATED] * 4


def test_pacing_inbound_and_transfer_legs_do_not_queue() -> None:
    """Only calls created through the API wait; an inbound call starts at once."""
    sim = simulation(CallLimits(calls_per_second=1, max_concurrent_calls=1))
    place(sim, 2)
    inbound = sim.receive_call("http://app.test/answer")
    assert sim.call(inbound).state is CallStatus.INITIATED


def test_pacing_queue_alone_spaces_starts() -> None:
    """The pure queue: one start per slot; a call ended while queued is skipped."""
    queue = CallQueue(CallLimits(calls_per_second=4))
    started: list[str] = []
    for name in "abc":
        queue.add(name, 5, 0.0, lambda name=name: started.append(name))
    start, wake = queue.next_start(0.0)
    assert start is not None
    assert wake is None
    start()
    queue.ended("b")
    assert queue.next_start(0.1) == (None, 0.25)
    start, _ = queue.next_start(0.25)
    assert start is not None
    start()
    assert started == ["a", "c"]
    assert queue.next_start(1.0) == (None, None)
