"""Figure 5: latency the platform adds between the app's reply and the call's next webhook.

Measured at the app (bench.responder), with one clock: when it writes the reply to a timed path
(`<Redirect>` at once) and when that call's next webhook arrives. 1,000 calls run at once on the
real clock, each alternating that redirect with a 2 s `<Pause>`, so the platform carries about
1,000 webhooks a second while it is measured. The baseline is the same pattern from a bare
aiohttp client (1,000 loops: POST, on the reply POST again at once, sleep 2 s): its gap is the
network round trip and the least a client can do. Added latency = platform gap − baseline gap,
at p50 and p99; the table's value is the p99.
"""

from __future__ import annotations

import asyncio
import json
import random
import tempfile
from pathlib import Path

import aiohttp

from bench.flows import LATENCY_PAUSE_S, LATENCY_ROUTES, LATENCY_TIMED
from bench.harness import UNPACED, Figure, percentile, responder, run
from ringback.engine.clock import ClockMode
from ringback.engine.requests import Callback, OutboundCallRequest
from ringback.events.examples import SPEC_EXAMPLES
from ringback.runtime import Platform, PlatformConfig
from ringback.store import Store

CALLS = 1_000
RAMP_S = 2.0  # calls start spread over this many seconds, so the load is even
MEASURE_S = 8.0
TARGET_RATIO = 1.0  # added p99 at most the bare round trip's own p99


async def take_gaps(session: aiohttp.ClientSession, base: str) -> list[float]:
    """The gaps (ms) the app measured since the last time asked."""
    async with session.get(f"{base}/_gaps") as response:
        gaps: list[float] = json.loads(await response.read())
        return gaps


async def platform_gaps(base: str, directory: Path) -> list[float]:
    """Gaps at the app while the Platform runs 1,000 such calls on the real clock."""
    store = Store(directory / "latency.sqlite3")
    platform = Platform(PlatformConfig(clock=ClockMode.REAL, **UNPACED), store)
    await platform.start()
    try:
        async with aiohttp.ClientSession() as session:
            for number in range(CALLS):
                platform.place_call(
                    OutboundCallRequest(
                        to=f"+1555{number:07d}",
                        from_="+15551112222",
                        application_id="bench",
                        answer=Callback(f"{base}/answer"),
                    )
                )
                await asyncio.sleep(RAMP_S / CALLS)
            await asyncio.sleep(LATENCY_PAUSE_S + 1.0)  # every call answered and cycling
            await take_gaps(session, base)
            await asyncio.sleep(MEASURE_S)
            gaps = await take_gaps(session, base)
        ended = sum(1 for call in platform.engine.calls.values() if call.ended)
        assert ended == 0, f"{ended} calls ended during the latency run"
    finally:
        await platform.close()
        store.close()
    return gaps


async def bare_gaps(base: str) -> list[float]:
    """Gaps at the app for 1,000 bare aiohttp loops doing the same as the calls."""
    headers = {"Content-Type": "application/json"}
    template = dict(SPEC_EXAMPLES["redirect"])
    stop = asyncio.Event()
    connector = aiohttp.TCPConnector(limit=4096)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def loop(number: int) -> None:
            payload = {**template, "callId": f"c-bare-{number}"}
            body = json.dumps(payload, separators=(",", ":")).encode()
            await asyncio.sleep(random.uniform(0, RAMP_S))
            while not stop.is_set():
                for path in ("/a", "/b"):
                    async with session.post(base + path, data=body, headers=headers) as response:
                        await response.read()
                await asyncio.sleep(LATENCY_PAUSE_S)

        loops = [asyncio.create_task(loop(number)) for number in range(CALLS)]
        await asyncio.sleep(RAMP_S + LATENCY_PAUSE_S + 1.0)
        await take_gaps(session, base)
        await asyncio.sleep(MEASURE_S)
        gaps = await take_gaps(session, base)
        stop.set()
        await asyncio.gather(*loops)
    return gaps


def measure(rounds: int = 2) -> Figure:
    """The latency figure: rounds alternate, and each side's least disturbed round counts."""
    ours: list[list[float]] = []
    bare: list[list[float]] = []
    with tempfile.TemporaryDirectory() as directory:
        for _ in range(rounds):
            with responder(LATENCY_ROUTES, timed=LATENCY_TIMED) as base:
                bare.append(run(bare_gaps(base)))
            with responder(LATENCY_ROUTES, timed=LATENCY_TIMED) as base:
                ours.append(run(platform_gaps(base, Path(directory))))
            (Path(directory) / "latency.sqlite3").unlink()
    assert all(len(gaps) > CALLS for gaps in ours + bare), "too few latency samples"
    ours_gaps = min(ours, key=lambda gaps: percentile(gaps, 0.99))
    bare_gaps_ = min(bare, key=lambda gaps: percentile(gaps, 0.99))
    ours_p50, ours_p99 = percentile(ours_gaps, 0.50), percentile(ours_gaps, 0.99)
    bare_p50, bare_p99 = percentile(bare_gaps_, 0.50), percentile(bare_gaps_, 0.99)
    return Figure(
        key="latency",
        title="Added latency, p99",
        value=ours_p99 - bare_p99,
        unit="ms",
        baseline=bare_p99,
        baseline_label="round trip p99, bare aiohttp",
        target=TARGET_RATIO,
        target_on="ratio",
        higher_is_better=False,
        detail=(
            f"{CALLS} concurrent calls, ~{CALLS * 2 // LATENCY_PAUSE_S} webhooks/s;"
            f" added p50 {ours_p50 - bare_p50:.2f} ms; gaps p50/p99: platform"
            f" {ours_p50:.2f}/{ours_p99:.2f} ms, bare {bare_p50:.2f}/{bare_p99:.2f} ms;"
            f" {len(ours_gaps)} samples; best p99 of {rounds} rounds each"
        ),
        extra={"added_p50_ms": round(ours_p50 - bare_p50, 3)},
    )


if __name__ == "__main__":
    print(measure().entry())
