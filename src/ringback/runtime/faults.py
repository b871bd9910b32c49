"""Webhooks held back by a fault on purpose (`ringback.delivery.faults`), and when they go.

A held webhook is not in flight: the virtual clock moves on while it waits, which is the point
(the call goes on without it). It is still owed to its call, so `Platform.wait` does not return
before it has been delivered. `delay` holds one on a timer of the platform's own (a negative id:
the engine's are positive, and the engine ignores ids it did not start); `reorder` holds at most
one per call until another webhook of that call has been delivered, or the call has ended with
nothing else owed.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from ringback.delivery.faults import Fault, FaultKind, FaultPlan
from ringback.engine.actions import SendWebhook
from ringback.engine.call import Call
from ringback.engine.clock import TimerQueue


def choose(
    plan: FaultPlan, action: SendWebhook, calls: Mapping[str, Call]
) -> dict[FaultKind, Fault]:
    """The faults for one webhook: a call's faults apply to the legs it started too."""
    call = calls.get(action.call_id or "")
    call_ids = (action.call_id, call.parent_call_id if call is not None else None)
    return plan.take(action.event.event_type, sync=action.sync, call_ids=call_ids)


def fault_label(faults: Mapping[FaultKind, Fault], duplicate: bool) -> str | None:
    """What the timeline says of the faults a delivery was made with (`delay 5 s, fail-first`)."""
    if duplicate:
        return str(FaultKind.DUPLICATE)
    shown = [fault.describe() for kind, fault in faults.items() if kind is not FaultKind.DUPLICATE]
    return ", ".join(shown) or None


@dataclass(frozen=True, slots=True)
class Held:
    """A webhook waiting, and the faults chosen for it."""

    action: SendWebhook
    faults: dict[FaultKind, Fault]


class HeldWebhooks:
    """The webhooks faults hold back on one platform."""

    def __init__(self) -> None:
        self._reordered: dict[str, Held] = {}  # by call id
        self._delayed: dict[int, Held] = {}  # by timer id
        self._numbers = itertools.count(1)

    def hold(
        self, action: SendWebhook, faults: dict[FaultKind, Fault], now: float, timers: TimerQueue
    ) -> bool:
        """Hold the webhook if a fault says so; False: deliver it now."""
        delay = faults.get(FaultKind.DELAY)
        if delay is not None:
            timer_id = -next(self._numbers)
            timers.start(timer_id, now + delay.seconds)
            self._delayed[timer_id] = Held(action, faults)
            return True
        call_id = action.call_id
        if FaultKind.REORDER in faults and call_id is not None:
            if call_id in self._reordered:
                return False  # one held per call: this one overtakes it, then it goes
            self._reordered[call_id] = Held(action, faults)
            return True
        return False

    def __bool__(self) -> bool:
        return bool(self._reordered)

    def timer_fired(self, timer_id: int) -> Held | None:
        """The delayed webhook whose time has come, if the timer is one of ours."""
        return self._delayed.pop(timer_id, None) if timer_id < 0 else None

    def delivered(self, call_id: str, action: SendWebhook) -> Held | None:
        """A webhook of the call was delivered: the one held for reorder goes next."""
        held = self._reordered.get(call_id)
        if held is None or held.action is action:
            return None
        return self._reordered.pop(call_id)

    def call_ended(self, call_id: str, owed: int) -> Held | None:
        """The call has ended: if only held webhooks are owed, the reordered one goes."""
        held = self._reordered.get(call_id)
        if held is None:
            return None
        delayed = sum(1 for h in self._delayed.values() if h.action.call_id == call_id)
        return self._reordered.pop(call_id) if owed <= delayed + 1 else None

    def clear(self) -> None:
        """Forget every held webhook (a reset)."""
        self._reordered.clear()
        self._delayed.clear()
