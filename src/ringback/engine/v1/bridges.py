"""v1 bridges (v1 spec §2.2): `<Bridge>` on the first call with the second as its target.

`bridgeAudio: false` holds the calls apart (no bridge is made); replacing the calls undoes the
bridge and makes the new one; a call created with `bridgeId` joins when it is answered. Audio to
a bridge is each call's own `speak`/`playback` (`rooms.call_audio_in_place`). A bridge is
`completed` once all its calls have ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ringback import bxml
from ringback.engine import flow
from ringback.engine.v1 import requests as r
from ringback.engine.v1.commands import leg
from ringback.engine.v1.leg import enqueue, v1_now
from ringback.engine.v1.rooms import call_audio_in_place
from ringback.errors import V1StateError

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.core import Engine

MAX_BRIDGE_CALLS = 2


@dataclass(eq=False, slots=True)
class V1Bridge:
    """A v1 bridge of up to two calls."""

    bridge_id: str
    call_ids: tuple[str, ...]
    bridge_audio: bool
    created: str
    activated: str | None = None
    completed: str | None = None
    verb: bxml.Bridge | None = None


def bridge(engine: Engine, bridge_id: str) -> V1Bridge:
    """A v1 bridge (404 `bridge-not-found`)."""
    found = engine.v1_bridges.get(bridge_id)
    if not isinstance(found, V1Bridge):
        raise V1StateError(
            f"The bridge '{bridge_id}' could not be found", code="bridge-not-found", status=404
        )
    return found


def create_bridge(engine: Engine, request: r.CreateBridge) -> None:
    """POST /bridges: bridge two calls (or hold one, or none)."""
    for call_id in request.call_ids:
        call, _ = leg(engine, call_id)
        if not call.answered:
            raise V1StateError(f"The call '{call_id}' is not active")
    room = V1Bridge(request.bridge_id, (), request.bridge_audio, v1_now(engine))
    engine.v1_bridges[room.bridge_id] = room
    _rebridge(engine, room, request.call_ids, request.bridge_audio)


def update_bridge(engine: Engine, request: r.UpdateBridge) -> None:
    """POST /bridges/{id}: new calls and/or `bridgeAudio`."""
    room = bridge(engine, request.bridge_id)
    call_ids = room.call_ids if request.call_ids is None else request.call_ids
    audio = room.bridge_audio if request.bridge_audio is None else request.bridge_audio
    _rebridge(engine, room, call_ids, audio)


def _rebridge(
    engine: Engine, room: V1Bridge, call_ids: tuple[str, ...], bridge_audio: bool
) -> None:
    if room.verb is not None:  # undo the bridge as it was
        first = engine.calls.get(room.call_ids[0])
        if first is not None and first.run is not None and first.run.verb is room.verb:
            flow.stop_run(engine, first, first.run)
            flow.advance(engine, first)
        room.verb = None
    for call_id in call_ids:
        _, v1 = leg(engine, call_id)
        v1.bridge_id = room.bridge_id
    room.call_ids, room.bridge_audio = call_ids, bridge_audio
    if len(call_ids) == 2 and bridge_audio:
        first, _ = leg(engine, call_ids[0])
        verb = bxml.Bridge(call_ids[1])
        room.verb = verb
        room.activated = room.activated or v1_now(engine)
        flow.interrupt(engine, first)
        enqueue(engine, first, verb)


def join_bridge(engine: Engine, bridge_id: str, call: Call) -> None:
    """A call created with `bridgeId` was answered: it joins the bridge (if there is room)."""
    room = bridge(engine, bridge_id)
    live = tuple(c for c in room.call_ids if c in engine.calls and not engine.calls[c].ended)
    if call.ended or len(live) >= MAX_BRIDGE_CALLS or call.call_id in live:
        return
    _rebridge(engine, room, (*live, call.call_id), room.bridge_audio)


def bridge_state(engine: Engine, room: V1Bridge) -> str:
    """`created`, `active`, `hold` or `completed`."""
    calls = [engine.calls.get(call_id) for call_id in room.call_ids]
    if room.call_ids and all(call is None or call.ended for call in calls):
        return "completed"
    if not room.bridge_audio:
        return "hold"
    first = calls[0] if calls else None
    bridged = first is not None and first.run is not None and first.run.verb is room.verb
    return "active" if bridged and room.verb is not None else "created"


def bridge_audio(engine: Engine, request: r.BridgeAudio) -> None:
    """POST /bridges/{id}/audio: both calls hear it (their own `speak`/`playback` events)."""
    room = bridge(engine, request.bridge_id)
    for call_id in room.call_ids:
        call = engine.calls.get(call_id)
        if call is not None and call.answered:
            call_audio_in_place(engine, call, request.audio)
