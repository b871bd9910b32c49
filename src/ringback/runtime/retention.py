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

import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from ringback.engine.actions import ConferenceEnded
from ringback.engine.v1.bridges import bridge_state
from ringback.engine.v1.leg import leg_of

if TYPE_CHECKING:
    from ringback.runtime.platform import Platform

DEFAULT_ENDED_CALLS_KEPT = 1000  # ~4 MB of ended calls at most, whatever the server's uptime
# ConferenceEnded.kind → the engine's table of that kind
ROOM_TABLES = {
    "conference": "conferences",
    "v1-conference": "v1_conferences",
    "v1-bridge": "v1_bridges",
}


class EndedCalls:
    """The window of recently settled calls, and the eviction of older ones."""

    def __init__(self, platform: Platform, kept: int = DEFAULT_ENDED_CALLS_KEPT) -> None:
        self.platform = platform
        self._settled = EndedWindow(self._evict, kept)
        # call or conference id → ids of its recordings
        self._recordings: dict[str, list[str]] = {}
        # Ended conferences (the store keeps them), v1 conferences and bridges (memory only:
        # beyond the window they are forgotten), each kind in a window as long as the calls'.
        self.conferences = {
            kind: EndedWindow(functools.partial(self._evict_room, table), kept)
            for kind, table in ROOM_TABLES.items()
        }

    def __contains__(self, call_id: str) -> bool:
        """Whether the call has settled and is still in memory."""
        return call_id in self._settled

    def __len__(self) -> int:
        return len(self._settled)

    def recording_saved(self, owner: str | None, recording_id: str) -> None:
        """A call's (or conference's) recording ended: it leaves memory with its owner."""
        if owner is not None:
            self._recordings.setdefault(owner, []).append(recording_id)

    def conference_ended(self, ended: ConferenceEnded) -> None:
        """A conference (v1 conference, v1 bridge) ended: stored if it is kept, and windowed."""
        if ended.record is not None:
            self.platform.store.save_conference(ended.record)
        self.conferences[ended.kind].ended(ended.conference_id)

    def bridge_may_have_ended(self, call_id: str) -> None:
        """A v1 call settled: its bridge is over once none of its calls is up (v1 §2.3)."""
        engine = self.platform.engine
        call = engine.calls.get(call_id)
        v1 = leg_of(call) if call is not None else None
        room = engine.v1_bridges.get(v1.bridge_id or "") if v1 is not None else None
        if room is not None and bridge_state(engine, room) == "completed":
            self.conferences["v1-bridge"].ended(room.bridge_id)

    def settled(self, call_id: str) -> None:
        """The call ended and its last webhook was delivered: keep it a while, evict the oldest."""
        if call_id in self._settled:
            return
        self.bridge_may_have_ended(call_id)
        self._settled.ended(call_id)

    def _evict(self, call_id: str) -> None:
        self.platform.engine.forget(call_id)
        self._forget_recordings(call_id)
        self.platform.forget_call(call_id)

    def _evict_room(self, table: str, key: str) -> None:
        getattr(self.platform.engine, table).pop(key, None)
        self._forget_recordings(key)

    def _forget_recordings(self, owner: str) -> None:
        for recording_id in self._recordings.pop(owner, ()):
            self.platform.engine.recordings.pop(recording_id, None)

    def clear(self) -> None:
        """Forget the window (a reset: the engine is new)."""
        self._settled.clear()
        self._recordings.clear()
        for window in self.conferences.values():
            window.clear()


class EndedWindow:
    """The `kept` most recently ended things of one kind (messages, conferences, v1 rooms),
    by id; `evict` lets go of each one that leaves the window, oldest first."""

    def __init__(self, evict: Callable[[str], None], kept: int = DEFAULT_ENDED_CALLS_KEPT) -> None:
        self.evict = evict
        self.kept = kept
        self._ended: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, key: str) -> bool:
        return key in self._ended

    def __len__(self) -> int:
        return len(self._ended)

    def ended(self, key: str) -> None:
        """`key` has ended and nothing more will happen to it: keep it a while."""
        if key in self._ended:
            return
        self._ended[key] = None
        while len(self._ended) > self.kept:
            oldest, _ = self._ended.popitem(last=False)
            self.evict(oldest)

    def clear(self) -> None:
        """Forget the window (a reset: what it named is gone anyway)."""
        self._ended.clear()
