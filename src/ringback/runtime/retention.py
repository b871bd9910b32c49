"""Ended calls leave memory: the store keeps them, the engine and the platform let them go.

Why: every call stayed in the engine's and the platform's tables until a reset, 4.3 KB each,
so a server that ran for a week grew without end. How: once a call has ended and its last
webhook is delivered ("settled"), it joins a window of the `kept` most recent settled calls;
the oldest one leaving the window is evicted: its `Call`, its recordings' live objects, the
platform's per-call entries and the store's cached sequence number. The window keeps what a
test or an app asks right after a call (a recording's transcription, the legs of a report)
working from memory; everything else about an evicted call is read from the store, as for a
call of an earlier run. Objects that still hold an evicted call (a live leg's transfer) keep
it alive until they end; only the lookup by id goes.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ringback.runtime.platform import Platform

DEFAULT_ENDED_CALLS_KEPT = 1000  # ~4 MB of ended calls at most, whatever the server's uptime


class EndedCalls:
    """The window of recently settled calls, and the eviction of older ones."""

    def __init__(self, platform: Platform, kept: int = DEFAULT_ENDED_CALLS_KEPT) -> None:
        self.platform = platform
        self.kept = kept
        self._settled: OrderedDict[str, None] = OrderedDict()
        self._recordings: dict[str, list[str]] = {}  # call id → ids of its recordings

    def __contains__(self, call_id: str) -> bool:
        """Whether the call has settled and is still in memory."""
        return call_id in self._settled

    def __len__(self) -> int:
        return len(self._settled)

    def recording_saved(self, call_id: str | None, recording_id: str) -> None:
        """A call's recording ended: it leaves memory with its call."""
        if call_id is not None:
            self._recordings.setdefault(call_id, []).append(recording_id)

    def settled(self, call_id: str) -> None:
        """The call ended and its last webhook was delivered: keep it a while, evict the oldest."""
        if call_id in self._settled:
            return
        self._settled[call_id] = None
        while len(self._settled) > self.kept:
            oldest, _ = self._settled.popitem(last=False)
            self._evict(oldest)

    def _evict(self, call_id: str) -> None:
        engine = self.platform.engine
        engine.forget(call_id)
        for recording_id in self._recordings.pop(call_id, ()):
            engine.recordings.pop(recording_id, None)
        self.platform.forget_call(call_id)

    def clear(self) -> None:
        """Forget the window (a reset: the engine is new)."""
        self._settled.clear()
        self._recordings.clear()
