"""A message's callbacks: one at a time, in order, each retried on its schedule (spec §3.7).

How this works. Each message has a line of callbacks. The first in line goes out at once (a
`SendCallback` action); the next waits until it is over: delivered, or given up after its
retries (v2's schedule; v1 retries nothing). A callback that failed and will be tried again keeps
its place, so an application never hears of a delivery before the send it follows.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ringback.delivery.retries import MESSAGING_V2_RETRIES, NO_RETRIES, RetrySchedule
from ringback.messaging.actions import Outgoing, SendCallback
from ringback.messaging.model import Message

if TYPE_CHECKING:
    from ringback.messaging.core import MessagingCore


@dataclass(slots=True)
class _Pending:
    delivery_id: int
    message_id: str
    outgoing: Outgoing
    schedule: RetrySchedule
    on_done: Callable[[float, bool], None] | None = None
    tries: int = 0
    first_at: float | None = None


class CallbackQueues:
    """The line of callbacks of every message that has one waiting or going out."""

    def __init__(self, core: MessagingCore) -> None:
        self.core = core
        self._lines: dict[str, deque[_Pending]] = {}
        self._deliveries: dict[int, _Pending] = {}
        self._delivery_ids = itertools.count(1)

    def busy(self, message_id: str) -> bool:
        """Whether a callback of the message is waiting or going out."""
        return message_id in self._lines

    def enqueue(
        self,
        message: Message,
        outgoing: Outgoing,
        at: float,
        on_done: Callable[[float, bool], None] | None = None,
    ) -> None:
        """Put a callback at the end of the message's line (`on_done(at, ok)` once it is over)."""
        schedule = NO_RETRIES if message.api == "v1" else MESSAGING_V2_RETRIES
        pending = _Pending(
            next(self._delivery_ids), message.message_id, outgoing, schedule, on_done
        )
        line = self._lines.setdefault(message.message_id, deque())
        line.append(pending)
        if len(line) == 1:
            self._start(pending, at)

    def done(self, at: float, delivery_id: int, ok: bool) -> None:
        """A callback's delivery ended: next in line, or a retry later, or give up."""
        pending = self._deliveries.pop(delivery_id, None)
        if pending is None:
            return
        core = self.core
        pending.tries += 1
        first_at = pending.first_at if pending.first_at is not None else at
        delay = None if ok else pending.schedule.delay_after(pending.tries, at - first_at)
        if delay is not None:
            core.note(
                pending.message_id,
                at,
                "note",
                f"{pending.outgoing.event_type} not delivered (try {pending.tries});"
                f" retrying in {delay:g} s",
            )
            core.later(at + delay, lambda when: self._start(pending, when))
            return
        if not ok:
            core.note(
                pending.message_id,
                at,
                "note",
                f"{pending.outgoing.event_type} dropped after {pending.tries} tr"
                f"{'y' if pending.tries == 1 else 'ies'}",
            )
        if pending.on_done is not None:
            pending.on_done(at, ok)
        line = self._lines.get(pending.message_id)
        if line is not None:
            line.popleft()
            if line:
                self._start(line[0], at)
            else:
                del self._lines[pending.message_id]

    def _start(self, pending: _Pending, at: float) -> None:
        if pending.first_at is None:
            pending.first_at = at
        self._deliveries[pending.delivery_id] = pending
        out = pending.outgoing
        self.core.emit(
            SendCallback(
                pending.delivery_id,
                pending.message_id,
                out.event_type,
                out.body,
                out.target,
                out.timeout_s,
                out.query,
            )
        )
