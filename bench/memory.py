"""Figure 4: resident memory per concurrent call, 10,000 calls held in a one-hour `<Pause>`.

Each measurement runs in a fresh subprocess (`python -m bench.memory platform|engine CALLS`), so
nothing measured before pollutes it. The platform case starts a Platform (manual clock, SQLite
file, the app over loopback HTTP), warms it up with a few calls, and reads VmRSS from
/proc/self/status: the idle server. It then places the calls in batches of 500 (each batch
answered by advancing the clock 1 s, as phones pick up over time rather than all in the same
millisecond), waits until every call sits in its `<Pause>`, and reads VmRSS again. Per call is
the difference over the number of calls. The baseline holds the same calls in the engine alone
(`ringback.engine.sim`, its logs of sent webhooks and actions cleared): what the call state
itself costs, before the runtime, the store and HTTP.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.flows import PAUSE_ROUTES
from bench.harness import ROOT, UNPACED, UNPACED_ENGINE, Figure, responder, run
from ringback.engine.call import CallStatus
from ringback.engine.clock import ClockMode
from ringback.engine.requests import Callback, OutboundCallRequest
from ringback.engine.sim import Routes, Simulation
from ringback.runtime import Platform, PlatformConfig
from ringback.store import Store

CALLS = 10_000
BATCH = 500
WARM_UP_CALLS = 200
TARGET_RATIO = 4.0  # of the engine alone's KB per call (~5 KB): about 20 KB a call
START = 1_700_000_000.0
_KB = 1024


def rss_kb() -> int:
    """This process's resident set size, from /proc/self/status."""
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


async def platform_kb_per_call(base: str, calls: int, directory: Path) -> float:
    """KB of RSS per call held in a pause by a running Platform, above the idle server."""
    store = Store(directory / "memory.sqlite3")
    platform = Platform(PlatformConfig(clock=ClockMode.MANUAL, start_time=START, **UNPACED), store)
    await platform.start()
    try:
        await _hold(platform, base, 0, WARM_UP_CALLS)
        idle_kb = rss_kb()
        await _hold(platform, base, WARM_UP_CALLS, calls)
        held = [
            call
            for call in platform.engine.calls.values()
            if call.state is CallStatus.ANSWERED and call.run is not None
        ]
        assert len(held) == WARM_UP_CALLS + calls, f"only {len(held)} calls are in the pause"
        busy_kb = rss_kb()
    finally:
        await platform.close()
        store.close()
    return (busy_kb - idle_kb) / calls


async def _hold(platform: Platform, base: str, first: int, calls: int) -> None:
    for start in range(first, first + calls, BATCH):
        for number in range(start, min(start + BATCH, first + calls)):
            platform.place_call(
                OutboundCallRequest(
                    to=f"+1555{number:07d}",
                    from_="+15551112222",
                    application_id="bench",
                    answer=Callback(f"{base}/answer"),
                    disconnect=Callback(f"{base}/disconnect"),
                )
            )
        await platform.advance(1.0)  # the phones answer; their `answer` webhooks are delivered
        platform.store.flush()


def engine_kb_per_call(calls: int) -> float:
    """KB of RSS per call held in a pause by the engine alone."""
    sim = Simulation(Routes(PAUSE_ROUTES), config=UNPACED_ENGINE)
    for number in range(WARM_UP_CALLS):
        sim.place_call("http://app.invalid/answer", to=f"+1555{number:07d}")
    sim.run(until=START + 1.0)
    _forget_logs(sim)
    idle_kb = rss_kb()
    for number in range(WARM_UP_CALLS, WARM_UP_CALLS + calls):
        sim.place_call("http://app.invalid/answer", to=f"+1555{number:07d}")
    sim.run(until=START + 2.0)
    _forget_logs(sim)
    held = sum(1 for call in sim.engine.calls.values() if call.run is not None)
    assert held == WARM_UP_CALLS + calls, f"only {held} calls are in the pause"
    return (rss_kb() - idle_kb) / calls


def _forget_logs(sim: Simulation) -> None:
    # The simulation keeps every webhook, action and timeline entry for tests to read; a
    # running platform keeps none of that in memory (the timeline is in SQLite).
    sim.webhooks.clear()
    sim.actions.clear()
    sim.timeline.clear()


def _subprocess(which: str, calls: int) -> float:
    output = subprocess.run(
        [sys.executable, "-m", "bench.memory", which, str(calls)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ).stdout
    return float(json.loads(output.splitlines()[-1])["kb_per_call"])


def measure(calls: int = CALLS) -> Figure:
    """The memory figure: each side in its own fresh process."""
    ours = _subprocess("platform", calls)
    engine = _subprocess("engine", calls)
    return Figure(
        key="memory",
        title="Memory per concurrent call",
        value=ours,
        unit="KB/call",
        baseline=engine,
        baseline_label="engine alone, same calls",
        target=TARGET_RATIO,
        target_on="ratio",
        higher_is_better=False,
        detail=f"{calls} calls in a <Pause>, RSS above an idle server",
    )


def main() -> None:
    """Subprocess entry: print {"kb_per_call": ...} for `platform` or `engine`."""
    which, calls = sys.argv[1], int(sys.argv[2])
    if which == "platform":
        with responder(PAUSE_ROUTES) as base, tempfile.TemporaryDirectory() as directory:
            kb = run(platform_kb_per_call(base, calls, Path(directory)))
    else:
        kb = engine_kb_per_call(calls)
    print(json.dumps({"kb_per_call": kb}))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main()
    else:
        print(measure().entry())
