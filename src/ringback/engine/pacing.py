"""The outbound call queue: calls created through the API wait for the account's limits.

How this works. Bandwidth queues every call created with POST /calls and lets the account's calls
out at its rate: by default 5 calls a second, with at most 100 of them up at once. The queue holds
CPS × 300 calls; a call created beyond that is refused with 429 and `Retry-After`. Calls leave by
priority (1 first), then in the order they came. Here the queue is a heap; starts are spaced
1/CPS apart (the first call of an idle account starts at once); when the rate holds calls back,
one timer is set for the next slot; when every line is taken, the next call waits until one of
the account's outbound calls ends. Time is the engine's clock, so on the virtual clock the wait
is virtual time. Transfer legs and inbound calls do not pass through the queue and do not count
against its line limit.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ringback.errors import CallQueueFullError

if TYPE_CHECKING:
    from ringback.engine.core import Engine

Start = Callable[[], None]

DEFAULT_CALLS_PER_SECOND = 5.0
DEFAULT_MAX_CONCURRENT_CALLS = 100
QUEUE_SECONDS = 300  # Bandwidth's queue holds this many seconds' worth of calls at the CPS
_SLOT_TOLERANCE_S = 1e-9  # float sums of 1/CPS must not push a due start past its slot
FULL = "Account call creation rate limit exceeded"


@dataclass(frozen=True, slots=True)
class CallLimits:
    """An account's outbound limits; 0 for `calls_per_second` or `max_concurrent_calls`: none."""

    calls_per_second: float = DEFAULT_CALLS_PER_SECOND
    max_concurrent_calls: int = DEFAULT_MAX_CONCURRENT_CALLS
    max_call_queue_size: int | None = None  # None: calls_per_second × 300

    @property
    def queue_capacity(self) -> int | None:
        """How many calls may wait at once; None when nothing limits the queue."""
        if self.max_call_queue_size is not None:
            return self.max_call_queue_size
        if self.calls_per_second <= 0:
            return None
        return max(1, math.floor(self.calls_per_second * QUEUE_SECONDS))


class CallQueue:
    """Which queued call may start now, and when to look again. Pure: times are arguments."""

    def __init__(self, limits: CallLimits | None = None) -> None:
        self.limits = limits or CallLimits()
        self._heap: list[tuple[int, float, int, str]] = []
        self._queued: set[str] = set()
        self._order = itertools.count()
        self._starts: dict[str, Start] = {}
        self._up: set[str] = set()  # calls that left the queue and have not ended
        self._last_start: float | None = None
        self.timer: tuple[int, float] | None = None  # the engine timer set for the next slot

    def __len__(self) -> int:
        return len(self._queued)

    def admit(self) -> None:
        """Raise CallQueueFullError when one more call would not fit in the queue."""
        capacity = self.limits.queue_capacity
        if capacity is not None and len(self._queued) >= capacity:
            raise CallQueueFullError(FULL, self.retry_after_s())

    def retry_after_s(self) -> int:
        """Whole seconds until the queue has let at least one call out (at least 1)."""
        cps = self.limits.calls_per_second
        return max(1, math.ceil(1 / cps)) if cps > 0 else 1

    def add(self, call_id: str, priority: int, at: float, start: Start) -> None:
        """Queue a call created at `at`; `start` dials it when its turn comes."""
        heapq.heappush(self._heap, (priority, at, next(self._order), call_id))
        self._queued.add(call_id)
        self._starts[call_id] = start

    def ended(self, call_id: str) -> None:
        """A call of the queue ended: it leaves the queue, or frees its line."""
        self._queued.discard(call_id)
        self._starts.pop(call_id, None)
        self._up.discard(call_id)

    def next_start(self, now: float) -> tuple[Start | None, float | None]:
        """(what starts the next call now, or None; when one may start if not now, or None).

        A call is taken off the queue when it is returned: the caller starts it at once.
        """
        self._drop_ended()
        if not self._heap:
            return None, None
        limit = self.limits.max_concurrent_calls
        if limit > 0 and len(self._up) >= limit:
            return None, None  # a line frees when a call ends: `ended` is the wake-up
        slot = self._next_slot()
        if slot is not None and now + _SLOT_TOLERANCE_S < slot:
            return None, slot
        _, _, _, call_id = heapq.heappop(self._heap)
        self._queued.discard(call_id)
        self._up.add(call_id)
        self._last_start = now
        return self._starts.pop(call_id), None

    def _next_slot(self) -> float | None:
        cps = self.limits.calls_per_second
        if cps <= 0 or self._last_start is None:
            return None
        return self._last_start + 1 / cps

    def _drop_ended(self) -> None:
        # A call cancelled while queued stays in the heap until it reaches the top.
        while self._heap and self._heap[0][3] not in self._queued:
            heapq.heappop(self._heap)


def start_due(engine: Engine) -> None:
    """Start every queued call the limits allow now; keep one timer set for the next slot."""
    queue = engine.outbound
    wake_at: float | None = None
    while True:
        start, wake_at = queue.next_start(engine.now)
        if start is None:
            break
        start()
    if wake_at is None or (queue.timer is not None and queue.timer[1] <= wake_at):
        return
    if queue.timer is not None:
        engine.cancel_timer(queue.timer[0])

    def fire() -> None:
        queue.timer = None
        start_due(engine)

    queue.timer = (engine.set_timer(None, wake_at - engine.now, fire), wake_at)
