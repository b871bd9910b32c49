"""Figure 2: whole calls per second, the shortest flow, through the running Platform.

Each call is placed as POST /calls would place it: the callee answers (after its default 1 s of
virtual time), `answer` goes to the app over loopback HTTP, the app says `<Hangup/>`, and
`disconnect` goes out. Everything is recorded in SQLite, in a real file. The baseline is the
HTTP alone: a bare aiohttp loop making the same two POSTs per call at the same concurrency,
the most calls per second any platform could reach against this app from one process.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.flows import HANGUP_ROUTES
from bench.harness import UNPACED, Figure, concurrently, responder, run
from ringback.engine.clock import ClockMode
from ringback.engine.requests import Callback, OutboundCallRequest
from ringback.events.examples import SPEC_EXAMPLES
from ringback.phones.script import parse_script
from ringback.runtime import Platform, PlatformConfig
from ringback.store import Store

CONCURRENCY = 100
TARGET_RATIO = 0.5  # of the bare two-POST loop's calls/s, measured in the same run
ROUTES = HANGUP_ROUTES
START = 1_700_000_000.0
AT_ONCE = "+15550000001"  # the real-clock variant's callee, answering at once


def outbound(base: str, number: int) -> OutboundCallRequest:
    """The benchmark's call: answered by the default phone, hung up by the app."""
    return OutboundCallRequest(
        to=f"+1555{number % 10_000_000:07d}",
        from_="+15551112222",
        application_id="bench",
        answer=Callback(f"{base}/answer"),
        disconnect=Callback(f"{base}/disconnect"),
    )


async def platform_calls(
    base: str, count: int, directory: Path, clock: ClockMode = ClockMode.VIRTUAL
) -> float:
    """Calls per second through the Platform; every call checked to have ended by hang-up.

    On the virtual clock each callee answers after its default 1 s of call time, so time must
    jump, which it does only once nothing is in flight. On the real clock the one callee
    answers at once: no clock and no barrier between calls, to tell the clock's share of the
    cost from the rest (the figure's `real_clock_ratio`).
    """
    store = Store(directory / "calls.sqlite3")
    platform = Platform(PlatformConfig(clock=clock, start_time=START, **UNPACED), store)
    await platform.start()
    at_once = clock is ClockMode.REAL
    if at_once:
        platform.put_phone(AT_ONCE, parse_script({"answerAfter": 0}))
    causes: dict[str, int] = {}

    async def call(number: int) -> None:
        request = outbound(base, number)
        if at_once:
            request = dataclasses.replace(request, to=AT_ONCE)
        call_id = platform.place_call(request)
        assert await platform.wait(call_id, 60.0), f"call {call_id} did not end"
        cause = platform.engine.calls[call_id].cause or "?"
        causes[cause] = causes.get(cause, 0) + 1

    try:
        started = time.perf_counter()
        await concurrently(count, CONCURRENCY, call)
        store.flush()
        elapsed = time.perf_counter() - started
    finally:
        await platform.close()
        store.close()
    assert causes == {"hangup": count}, causes
    return count / elapsed


async def bare_calls(base: str, count: int) -> float:
    """Calls per second of the HTTP alone: two POSTs per call, same app, same concurrency."""
    bodies = [
        json.dumps(SPEC_EXAMPLES[event], separators=(",", ":")).encode()
        for event in ("answer", "disconnect")
    ]
    headers = {"Content-Type": "application/json"}
    async with aiohttp.ClientSession() as session:

        async def call(_: int) -> None:
            for path, body in zip(("/answer", "/disconnect"), bodies, strict=True):
                async with session.post(base + path, data=body, headers=headers) as response:
                    await response.read()

        await concurrently(CONCURRENCY, CONCURRENCY, call)
        started = time.perf_counter()
        await concurrently(count, CONCURRENCY, call)
        return count / (time.perf_counter() - started)


def measure(count: int = 10_000, rounds: int = 2) -> Figure:
    """The calls figure."""
    ours: list[float] = []
    real: list[float] = []
    bare: list[float] = []
    with responder(ROUTES) as base, tempfile.TemporaryDirectory() as directory:
        for _ in range(rounds):
            bare.append(run(bare_calls(base, count)))
            ours.append(run(platform_calls(base, count, Path(directory))))
            (Path(directory) / "calls.sqlite3").unlink()
            real.append(run(platform_calls(base, count, Path(directory), ClockMode.REAL)))
            (Path(directory) / "calls.sqlite3").unlink()
    return Figure(
        key="calls",
        title="Whole calls (answer → Hangup → disconnect)",
        value=max(ours),
        unit="calls/s",
        baseline=max(bare),
        baseline_label="the call's 2 POSTs, bare aiohttp",
        target=TARGET_RATIO,
        target_on="ratio",
        detail=f"{count} calls, {CONCURRENCY} concurrent, SQLite file, best of {rounds}",
        extra={
            "real_clock_calls_per_s": round(max(real)),
            "real_clock_ratio": round(max(real) / max(bare), 4),
        },
    )


if __name__ == "__main__":
    print(measure().entry())
