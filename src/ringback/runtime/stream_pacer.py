"""The real clock's pacing of media frames: one timer for every socket.

How this works. Sockets wait in a heap by the moment their next frame ends (`next_due`); one
timer is aimed at the earliest. When it fires, every socket whose frame has come due gets it,
written at once (`Connection.pump`, `flush`), and goes back in the heap at its next moment. Each
stream is so paced on its own 20 ms grid from the moment it opened, as a sender per socket
would pace it, with no task and no wake-up per socket. A socket whose app reads too slowly
(a send waiting, or messages queued) is looked at again a frame later, and one whose next
frame's speech is still being made in a worker thread (`speech.background_voices`) a few
milliseconds later; their frames stay due.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable

from ringback.errors import SoundNotReadyError
from ringback.media.pcmu import FRAME_S
from ringback.runtime.stream_connection import SOUND_POLL_S, Connection

# uvloop's timers count whole milliseconds from a clock read at the start of the loop's turn, so
# they can fire up to a millisecond early: aimed this much late, a frame is due when it fires.
TIMER_SLACK_S = 0.001


class FramePacer:
    """Sends each socket's frames as they come due on the real clock."""

    def __init__(self, now: Callable[[], float]) -> None:
        self.now = now  # the call clock (epoch seconds)
        self._due: list[tuple[float, int, Connection]] = []
        self._order = itertools.count()  # breaks ties in the heap
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0  # the call-clock moment the timer aims at

    def add(self, connection: Connection) -> None:
        """Pace this socket's frames from now on (it leaves once it stops pacing)."""
        self._schedule(connection, connection.next_due)

    def stop(self) -> None:
        """Forget every socket; the timer is off."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._due.clear()

    def _schedule(self, connection: Connection, at: float) -> None:
        heapq.heappush(self._due, (at, next(self._order), connection))
        if self._timer is None or at < self._timer_at:
            self._arm(at)

    def _arm(self, at: float) -> None:
        """Set the one timer to fire once the call clock has reached `at`."""
        if self._timer is not None:
            self._timer.cancel()
        delay = at - self.now() + TIMER_SLACK_S
        # uvloop's loop.time() is the same monotonic clock, rounded to the millisecond it last
        # read: time.monotonic() is the exact present.
        loop = asyncio.get_running_loop()
        self._timer = loop.call_at(time.monotonic() + delay, self._tick)
        self._timer_at = at

    def _send_due(self, connection: Connection, now: float) -> float:
        """Send a socket's frames that have come due; when to look at it again."""
        try:
            connection.pump(now)
            at = max(connection.next_due, now + TIMER_SLACK_S)  # behind: the rest next turn
        except SoundNotReadyError:  # its speech is being made: this socket waits for it
            at = now + SOUND_POLL_S
        connection.flush()
        return at

    def _tick(self) -> None:
        """Send every frame that has come due, then aim the timer at the next."""
        self._timer = None
        now = self.now()
        due = self._due
        try:
            while due and due[0][0] <= now:
                _, _, connection = heapq.heappop(due)
                if not connection.pacing:
                    continue  # closed or closing: it leaves the heap
                if connection.draining is not None or connection.outbox:
                    # The app reads too slowly: its frames stay due, made once it has caught up.
                    heapq.heappush(due, (now + FRAME_S, next(self._order), connection))
                    continue
                at = self._send_due(connection, now)
                if connection.pacing:
                    heapq.heappush(due, (at, next(self._order), connection))
        finally:
            if due:
                self._arm(due[0][0])
