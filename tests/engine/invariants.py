"""Engine invariants every finished simulation must satisfy (the engine brief's list)."""

from __future__ import annotations

from collections import Counter

from ringback.engine.actions import AppendTimeline, EndCall, SendWebhook
from ringback.engine.sim import Simulation


def assert_engine_invariants(sim: Simulation) -> None:
    """Every call ended once and was silent after; no timer left; one `disconnect` per call."""
    ended_at: dict[str, int] = {}
    for index, action in enumerate(sim.actions):
        if isinstance(action, EndCall):
            assert action.call_id not in ended_at, f"{action.call_id} ended twice"
            ended_at[action.call_id] = index
        elif isinstance(action, SendWebhook | AppendTimeline) and action.call_id in ended_at:
            raise AssertionError(f"{action!r} after the EndCall of {action.call_id}")
    assert sorted(ended_at) == sorted(sim.engine.calls), "a call never ended"
    assert sim.engine.pending_timers == 0
    disconnects = Counter(w.call_id for w in sim.events("disconnect"))
    for call_id, call in sim.engine.calls.items():
        wanted = 1 if call.disconnect is not None and call.parent_call_id is None else 0
        assert disconnects[call_id] == wanted, f"{call_id}: {disconnects[call_id]} disconnects"
