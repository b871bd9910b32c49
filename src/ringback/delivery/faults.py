"""Faults on purpose: webhooks delivered worse than Bandwidth promises, so apps can be tested.

Bandwidth delivers each webhook once, in order, and retries only a connection that failed before
any response. Real networks and real platforms are at-least-once: a webhook can arrive twice,
late, or after the one that followed it, and a response can be lost after the app acted on it.
These faults let a test make that happen on purpose. They are off unless a test sets them
(`ringback.testing`); `ringback serve` never sets any.

    kind         applies to     what the app sees
    -----------  -------------  ---------------------------------------------------------------
    duplicate    async events   the webhook twice, one after the other
    reorder      async events   the webhook held back until the call's next webhook was
                                delivered (or the call ended), so it arrives after it
    delay        async events   the webhook held back for `seconds` of the call's clock, while
                                the call goes on
    fail-first   any event      the webhook twice: the first attempt's response is dropped as if
                                the connection broke, so Bandwidth's one retry is what counts

A `FaultPlan` holds the faults in force and how many more webhooks each may touch; the runtime
asks it about every webhook (`take`) and performs what it answers. Pure: no I/O, no clock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from ringback.errors import FaultError

MAX_DELAY_S = 3600.0
DROPPED_RESPONSE = (
    "fault fail-first: the response was dropped as if the connection broke (ringback.testing)"
)


class FaultKind(StrEnum):
    """How a webhook is delivered worse than Bandwidth promises."""

    DUPLICATE = "duplicate"
    REORDER = "reorder"
    DELAY = "delay"
    FAIL_FIRST = "fail-first"


ASYNC_ONLY = frozenset({FaultKind.DUPLICATE, FaultKind.REORDER, FaultKind.DELAY})
HOLDING = frozenset({FaultKind.REORDER, FaultKind.DELAY})


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault: its kind, the event types it touches (none: all it can), the call it is for
    (None: every call, and the legs each starts), how many webhooks (None: every one)."""

    kind: FaultKind
    events: frozenset[str] = frozenset()
    call_id: str | None = None
    times: int | None = None
    seconds: float = 0.0  # how long `delay` holds a webhook, on the call's clock

    def __post_init__(self) -> None:
        object.__setattr__(self, "seconds", float(self.seconds))  # 30 and 30.0: one fault
        if self.times is not None and self.times < 1:
            raise FaultError(f"fault {self.kind}: times must be 1 or more, got {self.times}")
        if self.kind is FaultKind.DELAY and not (
            math.isfinite(self.seconds) and 0 < self.seconds <= MAX_DELAY_S
        ):
            raise FaultError(
                f"fault delay: seconds must be more than 0 and at most {MAX_DELAY_S:g},"
                f" got {self.seconds!r}"
            )

    @classmethod
    def duplicate(cls, *events: str, times: int | None = None) -> Fault:
        """Deliver async webhooks (of `events`, or all) twice."""
        return cls(FaultKind.DUPLICATE, frozenset(events), times=times)

    @classmethod
    def reorder(cls, *events: str, times: int | None = None) -> Fault:
        """Hold async webhooks back until the call's next webhook was delivered."""
        return cls(FaultKind.REORDER, frozenset(events), times=times)

    @classmethod
    def delay(cls, seconds: float, *events: str, times: int | None = None) -> Fault:
        """Hold async webhooks back for `seconds` of the call's clock."""
        return cls(FaultKind.DELAY, frozenset(events), times=times, seconds=seconds)

    @classmethod
    def fail_first(cls, *events: str, times: int | None = None) -> Fault:
        """Drop the response to the first attempt, so the retry's answer is the one used."""
        return cls(FaultKind.FAIL_FIRST, frozenset(events), times=times)

    def for_call(self, call_id: str) -> Fault:
        """The same fault, for one call (and the legs it starts) only."""
        return replace(self, call_id=call_id)

    def applies_to(self, event_type: str, sync: bool, call_ids: Iterable[str | None]) -> bool:
        """Whether this fault touches a webhook of `event_type` about one of `call_ids`."""
        if sync and self.kind in ASYNC_ONLY:
            return False
        if self.events and event_type not in self.events:
            return False
        return self.call_id is None or self.call_id in call_ids

    def describe(self) -> str:
        """`delay 5 s`, `duplicate`: for the timeline."""
        return f"delay {self.seconds:g} s" if self.kind is FaultKind.DELAY else str(self.kind)


def parse_faults(text: str) -> tuple[Fault, ...]:
    """Faults from `duplicate,reorder,fail-first,delay=5` (each for every event and call)."""
    faults = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        try:
            kind = FaultKind(name)
        except ValueError:
            choices = ", ".join(k.value for k in FaultKind)
            raise FaultError(f"unknown fault {name!r}; use {choices}") from None
        if kind is FaultKind.DELAY:
            try:
                faults.append(Fault.delay(float(value)))
            except ValueError:
                raise FaultError(f"delay needs seconds: delay=5, got {item!r}") from None
        elif value:
            raise FaultError(f"fault {name} takes no value, got {item!r}")
        else:
            faults.append(Fault(kind))
    return tuple(faults)


class FaultPlan:
    """The faults in force, and how many more webhooks each may touch."""

    def __init__(self, faults: Iterable[Fault] = ()) -> None:
        self._faults: list[Fault] = []
        self._left: list[int | None] = []
        for fault in faults:
            self.add(fault)

    def __bool__(self) -> bool:
        return bool(self._faults)

    @property
    def faults(self) -> tuple[Fault, ...]:
        """The faults in force, in the order they were added."""
        return tuple(self._faults)

    def add(self, fault: Fault) -> None:
        """Put a fault in force (after those already there)."""
        self._faults.append(fault)
        self._left.append(fault.times)

    def clear(self) -> None:
        """No faults any more."""
        self._faults.clear()
        self._left.clear()

    def take(
        self, event_type: str, *, sync: bool, call_ids: Iterable[str | None] = ()
    ) -> dict[FaultKind, Fault]:
        """The faults (at most one of each kind, the first added) to apply to one webhook.

        `call_ids` are the call the webhook is about and the call that started it, if any.
        Each fault returned has one use fewer left; a fault with none left is dropped.
        """
        ids = tuple(call_ids)
        chosen: dict[FaultKind, Fault] = {}
        index = 0
        while index < len(self._faults):
            fault = self._faults[index]
            if fault.kind not in chosen and fault.applies_to(event_type, sync, ids):
                chosen[fault.kind] = fault
                left = self._left[index]
                if left is not None:
                    if left <= 1:
                        del self._faults[index], self._left[index]
                        continue
                    self._left[index] = left - 1
            index += 1
        return chosen
