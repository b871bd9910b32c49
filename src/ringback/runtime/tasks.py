"""What a platform has in flight: its webhook and media tasks, counted for the virtual clock.

The virtual clock jumps only when nothing is in flight (runtime/clockwork.py), so every piece of
work whose result comes back as a fact (a webhook, a media fetch, a stream's socket) runs as a
task counted here from the moment it is spawned until it ends.
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
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` as a task, in flight until it ends."""
        # The coroutine is the task itself and the bookkeeping a done-callback: no wrapper
        # coroutine per webhook, and a task cancelled before it ran leaves nothing un-awaited.
        self.count += 1
        self.quiet.clear()
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._landed)

    async def cancel_all(self) -> None:
        """Cancel every task and wait for them to end (close, reset)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.count = 0
        self.quiet.set()

    def _landed(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self.count -= 1
        if self.count == 0:
            self.quiet.set()
        if not task.cancelled() and (error := task.exception()) is not None:
            loop = asyncio.get_running_loop()
            loop.call_exception_handler({"message": "platform task failed", "exception": error})
        self._landed_hook()
