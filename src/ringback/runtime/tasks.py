"""What a platform has in flight: its webhook and media tasks, counted for the virtual clock.

The virtual clock jumps only when nothing is in flight (runtime/clockwork.py), so every piece of
work whose result comes back as a fact (a webhook, a media fetch, a stream's socket) is counted
here from the moment it starts until it ends: a task, or a future its owner waits for with a
done-callback (a webhook sent at once: runtime/deliveries.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any


class Tasks:
    """The platform's tasks in flight; `quiet` is set while there are none."""

    def __init__(self, landed: Callable[[], None]) -> None:
        self.count = 0
        self.quiet = asyncio.Event()
        self.quiet.set()
        self._landed_hook = landed  # told when any task ends (the clock's idle grace restarts)
        self._tasks: set[asyncio.Future[Any]] = set()  # tasks and futures in flight

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` as a task, in flight until it ends."""
        # The coroutine is the task itself and the bookkeeping a done-callback: no wrapper
        # coroutine per webhook, and a task cancelled before it ran leaves nothing un-awaited.
        self.count += 1
        self.quiet.clear()
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._landed)

    def begin(self, work: asyncio.Future[Any]) -> None:
        """Count a future in flight (its owner calls `end` from its done-callback); cancelled
        with the tasks."""
        self.count += 1
        self.quiet.clear()
        self._tasks.add(work)

    def end(self, work: asyncio.Future[Any]) -> None:
        """A future `begin` counted is done."""
        if work in self._tasks:  # not if `cancel_all` has already let it go
            self._tasks.discard(work)
            self._ended()

    async def cancel_all(self) -> None:
        """Cancel every task and future in flight and wait for them to end (close, reset)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self.count = 0
        self.quiet.set()

    def _landed(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            loop = asyncio.get_running_loop()
            loop.call_exception_handler({"message": "platform task failed", "exception": error})
        self._ended()

    def _ended(self) -> None:
        self.count -= 1
        if self.count == 0:
            self.quiet.set()
        self._landed_hook()
