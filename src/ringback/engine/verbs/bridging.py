"""Two calls joined so that each far end hears the other: the bridge of `<Transfer>` and `<Bridge>`.

How this works. A bridge is a pair of links, `call.extra[BRIDGE_KEY]`, one on each call, naming
the partner and when the bridge began; `is_bridged` is what `<Bridge>` checks for "already
bridged". A call in a bridge is always running a verb, so that a redirect, new BXML or hangup
reaches the bridge through `VerbRun.stop()`: the call that started the bridge runs its own verb
(`<Transfer>` on the A-leg, `<Bridge>` on the bridging call), the other one runs `BridgedRun`, a
stand-in verb that does nothing but tell its owner when the call leaves.

Simplification, stated: the far ends' speech and tones are copied onto the partner's media log
when the bridge ends (as sound the platform sent to that call, `Side.PLATFORM`), so recordings
hold both voices; a far end's `waitFor: {"heard": ...}` does not hear the other party.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ringback.engine import flow
from ringback.engine.media import Side
from ringback.engine.verbs.base import VerbRun

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.core import Engine

BRIDGE_KEY = "bridge"


@dataclass(frozen=True, slots=True)
class BridgeLink:
    """One side's view of a bridge."""

    partner_id: str
    since: float


@dataclass(frozen=True, slots=True)
class Bridged:
    """The stand-in "verb" of a call waiting in a bridge with no BXML of its own."""

    partner_id: str


def partner(engine: Engine, call: Call) -> Call | None:
    """The call this one is bridged with, or None."""
    link = call.extra.get(BRIDGE_KEY)
    if not isinstance(link, BridgeLink):
        return None
    return engine.calls.get(link.partner_id)


def is_bridged(call: Call) -> bool:
    """Whether the call is in a bridge now."""
    return isinstance(call.extra.get(BRIDGE_KEY), BridgeLink)


def join(engine: Engine, first: Call, second: Call) -> None:
    """Bridge two live, answered calls."""
    first.extra[BRIDGE_KEY] = BridgeLink(second.call_id, engine.now)
    second.extra[BRIDGE_KEY] = BridgeLink(first.call_id, engine.now)
    engine.note(first, "bridge", f"bridged with {second.call_id}", partner=second.call_id)
    engine.note(second, "bridge", f"bridged with {first.call_id}", partner=first.call_id)


def leave(engine: Engine, call: Call) -> Call | None:
    """End the call's bridge (if any); returns the partner it was bridged with."""
    link = call.extra.pop(BRIDGE_KEY, None)
    if not isinstance(link, BridgeLink):
        return None
    other = engine.calls[link.partner_id]
    other.extra.pop(BRIDGE_KEY, None)
    _share_sounds(engine, call, other, link.since)
    _share_sounds(engine, other, call, link.since)
    engine.note(call, "bridge", f"left the bridge with {other.call_id}", partner=other.call_id)
    engine.note(other, "bridge", f"{call.call_id} left the bridge", partner=call.call_id)
    return other


def _share_sounds(engine: Engine, source: Call, listener: Call, since: float) -> None:
    """What `source`'s far end said or pressed during the bridge, as heard on `listener`."""
    log = listener.media
    for segment in source.media.window(since, engine.now):
        if segment.side is Side.FAR:
            log.add(segment.start, segment.end, Side.PLATFORM, segment.sound, segment.text)
    log.segments.sort(key=lambda segment: segment.start)  # stable: keeps the order of ties


class BridgedRun(VerbRun):
    """Keeps a bridged call busy; `on_left` runs when the call leaves (hangup, redirect, BXML)."""

    ANSWERS_CALL = False

    def __init__(self, engine: Engine, call: Call, verb: Any, on_left: Callable[[], None]) -> None:
        super().__init__(engine, call, verb)
        self.on_left = on_left

    @classmethod
    def install(
        cls, engine: Engine, call: Call, partner_id: str, on_left: Callable[[], None]
    ) -> None:
        """Make this stand-in the call's running verb."""
        run = cls(engine, call, Bridged(partner_id), on_left)
        call.run = run
        engine.note(call, "verb", "<Bridged> started", verb="Bridged", partner=partner_id)

    def start(self) -> None:
        """Nothing to do: the call just listens to its partner."""

    def stop(self) -> None:
        """The call left the bridge on its own: tell the owner."""
        if self.finished:
            return
        super().stop()
        self.on_left()

    def release(self) -> None:
        """The partner left: take the stand-in off the call without telling the owner."""
        self.finished = True
        if self.call.run is self:
            flow.interrupt(self.engine, self.call)
