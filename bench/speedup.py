"""Figure 3: virtual-time speedup, call seconds per wall second, on a ~92 s IVR call.

The flow (bench.flows.IVR_ROUTES): prompts, a pause, a menu whose first try times out, a
recorded message ended by silence, a redirect, a goodbye. `CALLS` such calls run at once through
the Platform: webhooks over loopback HTTP to the app, the store in a SQLite file, the virtual
clock jumping whenever nothing is in flight. The baseline runs the same calls through the
engine alone (`ringback.engine.sim`: no HTTP, no store, no event loop): the ceiling the runtime
is measured against.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.flows import IVR_PHONE, IVR_ROUTES
from bench.harness import UNPACED, UNPACED_ENGINE, Figure, concurrently, responder, run
from ringback.engine.call import Call
from ringback.engine.clock import ClockMode
from ringback.engine.requests import Callback, OutboundCallRequest
from ringback.engine.sim import Routes, Simulation
from ringback.phones.script import parse_script
from ringback.runtime import Platform, PlatformConfig
from ringback.store import Store

CALLS = 300
TARGET_RATIO = 0.1  # of the engine alone's speedup on the same calls
START = 1_700_000_000.0
MIN_CALL_S = 90.0


async def platform_speedup(base: str, calls: int, directory: Path) -> tuple[float, float]:
    """(call seconds per wall second, mean call length) through the running Platform."""
    store = Store(directory / "speedup.sqlite3")
    platform = Platform(PlatformConfig(clock=ClockMode.VIRTUAL, start_time=START, **UNPACED), store)
    await platform.start()
    phone = parse_script(IVR_PHONE)
    call_ids: list[str] = []

    async def call(number: int) -> None:
        request = OutboundCallRequest(
            to=f"+1555{number:07d}",
            from_="+15551112222",
            application_id="bench",
            answer=Callback(f"{base}/answer"),
            disconnect=Callback(f"{base}/disconnect"),
            phone=phone,
        )
        call_id = platform.place_call(request)
        call_ids.append(call_id)
        assert await platform.wait(call_id, 120.0), f"call {call_id} did not end"

    try:
        started = time.perf_counter()
        await concurrently(calls, calls, call)
        store.flush()
        wall_s = time.perf_counter() - started
        lengths = [_length(platform.engine.calls[call_id]) for call_id in call_ids]
    finally:
        await platform.close()
        store.close()
    return sum(lengths) / wall_s, sum(lengths) / len(lengths)


def engine_speedup(calls: int) -> float:
    """Call seconds per wall second of the same calls through the engine alone."""
    started = time.perf_counter()
    sim = Simulation(Routes(IVR_ROUTES), config=UNPACED_ENGINE)
    phone = parse_script(IVR_PHONE)
    call_ids = [
        sim.place_call(
            "http://app.invalid/answer",
            to=f"+1555{number:07d}",
            phone=phone,
            disconnect_url="http://app.invalid/disconnect",
        )
        for number in range(calls)
    ]
    sim.run()
    wall_s = time.perf_counter() - started
    return sum(_length(sim.call(call_id)) for call_id in call_ids) / wall_s


def _length(call: Call) -> float:
    """A call's length from dialing to hang-up (virtual seconds); it must have hung up."""
    assert call.cause == "hangup", f"{call.call_id} ended with {call.cause}: {call.error_message}"
    assert call.start_time is not None
    assert call.end_time is not None
    return call.end_time - call.start_time


def measure(calls: int = CALLS, rounds: int = 2) -> Figure:
    """The speedup figure."""
    ours: list[float] = []
    bare: list[float] = []
    length = 0.0
    with responder(IVR_ROUTES) as base, tempfile.TemporaryDirectory() as directory:
        for _ in range(rounds):
            bare.append(engine_speedup(calls))
            speedup, length = run(platform_speedup(base, calls, Path(directory)))
            ours.append(speedup)
            (Path(directory) / "speedup.sqlite3").unlink()
    assert length >= MIN_CALL_S, f"the IVR call lasts {length:.1f} s, under {MIN_CALL_S} s"
    return Figure(
        key="speedup",
        title="Virtual-time speedup (IVR call)",
        value=max(ours),
        unit="× real time",
        baseline=max(bare),
        baseline_label="engine alone, same calls",
        target=TARGET_RATIO,
        target_on="ratio",
        detail=f"{calls} concurrent calls of {length:.1f} s each, best of {rounds}",
    )


if __name__ == "__main__":
    print(measure().entry())
