"""Clocks and timers, pure: the runtime owns the real clock; this is the model it follows.

Three modes (DESIGN.md, "Clocks"): `real` — timers fire in wall-clock time; `virtual` — time
stands still while anything is in flight and jumps to the next timer once everything is idle, so
a 10-minute call runs in milliseconds; `manual` — time moves only when told to.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from enum import StrEnum


class ClockMode(StrEnum):
    """How time moves."""

    REAL = "real"
    VIRTUAL = "virtual"
    MANUAL = "manual"


@dataclass(slots=True)
class TimerQueue:
    """Timers by due time; ties fire in the order they were started (deterministic runs)."""

    _heap: list[tuple[float, int, int]] = field(default_factory=list)
    _live: dict[int, float] = field(default_factory=dict)
    _order: itertools.count[int] = field(default_factory=itertools.count)

    def start(self, timer_id: int, at: float) -> None:
        """Schedule a timer."""
        self._live[timer_id] = at
        heapq.heappush(self._heap, (at, next(self._order), timer_id))

    def cancel(self, timer_id: int) -> None:
        """Forget a timer (it stays in the heap and is skipped when reached)."""
        self._live.pop(timer_id, None)

    def __len__(self) -> int:
        return len(self._live)

    def next_due(self) -> float | None:
        """When the earliest live timer is due, or None."""
        heap = self._heap
        while heap and heap[0][2] not in self._live:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def pop_due(self, now: float) -> list[int]:
        """Remove and return the timers due at or before `now`, in firing order."""
        due: list[int] = []
        heap = self._heap
        while heap and heap[0][0] <= now:
            _, _, timer_id = heapq.heappop(heap)
            if self._live.pop(timer_id, None) is not None:
                due.append(timer_id)
        return due


@dataclass(slots=True)
class VirtualClock:
    """Time that moves only when told: by the idle runtime (virtual) or by a person (manual)."""

    now: float

    def advance_to(self, at: float) -> None:
        """Move to `at`; never backwards."""
        self.now = max(self.now, at)

    def advance(self, seconds: float) -> None:
        """Move forward by `seconds`."""
        if seconds < 0:
            raise ValueError(f"cannot move the clock backwards ({seconds} s)")
        self.now += seconds
