"""When a failed webhook is tried again: a retry schedule as data, pure (no clock, no I/O).

Voice webhooks and v1 callbacks are tried once (plus the connect-error retry and the fallback
of `policy`). Messaging v2 callbacks are retried on any non-2xx "multiple times over the next
24 hours" (messaging spec §3.7); Bandwidth does not publish the schedule, so Ringback backs off
exponentially (1 s, 2 s, 4 s, ... at most an hour apart) within that window. On a virtual clock
the whole day passes in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY_S = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """Delays between tries of one webhook: `first_delay_s`, times `factor` each time, capped
    at `max_delay_s`; no try starts later than `window_s` after the first."""

    first_delay_s: float = 1.0
    factor: float = 2.0
    max_delay_s: float = 3600.0
    window_s: float = DAY_S

    def delay_after(self, tries: int, elapsed_s: float) -> float | None:
        """Seconds to wait after the `tries`-th failed try, `elapsed_s` after the first began;
        None when the window is spent and the webhook is dropped."""
        if tries < 1 or self.window_s <= 0:
            return None
        delay = min(self.first_delay_s * self.factor ** (tries - 1), self.max_delay_s)
        if elapsed_s + delay > self.window_s:
            return None
        return delay


NO_RETRIES = RetrySchedule(window_s=0.0)
"""Tried once: v1 callbacks ("your Callback URL and Fallback URL once", v1 spec §4.3)."""

MESSAGING_V2_RETRIES = RetrySchedule()
"""Messaging v2 callbacks: exponential backoff over 24 hours (messaging spec §3.7)."""
