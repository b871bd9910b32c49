"""What every benchmark figure shares: the app in a subprocess, the event loop, the result shape."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Collection, Coroutine, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ringback.engine.core import EngineConfig
from ringback.engine.pacing import CallLimits

ROOT = Path(__file__).resolve().parent.parent
# Benchmarks measure the platform's own cost: Bandwidth's account limits (5 calls a second, 100
# lines) would measure the pacing instead, so they are lifted (PlatformConfig's limit fields).
UNPACED: dict[str, Any] = {"calls_per_second": 0, "max_concurrent_calls": 0}
UNPACED_ENGINE = EngineConfig(call_limits=CallLimits(calls_per_second=0, max_concurrent_calls=0))
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Figure:
    """One line of the table and one entry of results.json.

    `target` applies to `value`, or to `ratio` when `target_on` says so (delivery throughput is
    judged against its baseline); `higher_is_better` says which way it must be met.
    """

    key: str
    title: str
    value: float
    unit: str
    baseline: float
    baseline_label: str
    target: float
    target_on: str = "value"  # or "ratio"
    higher_is_better: bool = True
    detail: str = ""
    extra: dict[str, float] = field(default_factory=dict)
    condition_held: bool = True  # a condition the target states beside the number (figure 7's rate)

    @property
    def ratio(self) -> float:
        """value / baseline."""
        return self.value / self.baseline if self.baseline else float("nan")

    @property
    def met(self) -> bool:
        """Whether the target is met."""
        measured = self.ratio if self.target_on == "ratio" else self.value
        within = measured >= self.target if self.higher_is_better else measured <= self.target
        return within and self.condition_held

    @property
    def target_text(self) -> str:
        """The target as the table shows it: `≥ 2,000 calls/s`, `≥ 0.8× baseline`."""
        sign = "≥" if self.higher_is_better else "≤"
        if self.target_on == "ratio":
            return f"{sign} {self.target:g}× baseline"
        return f"{sign} {self.target:,g} {self.unit}"

    def entry(self) -> dict[str, Any]:
        """The results.json form."""
        data = asdict(self)
        data["ratio"] = round(self.ratio, 4)
        data["met"] = self.met
        data["target_text"] = self.target_text
        return data


@contextlib.contextmanager
def responder(routes: dict[str, str], timed: Collection[str] = ()) -> Iterator[str]:
    """Start the loopback app (bench.responder) in a subprocess; yields its base URL."""
    config = dict(routes)
    config["_timed"] = json.dumps(list(timed))
    with serving("bench.responder", json.dumps(config)) as url:
        yield url


@contextlib.contextmanager
def serving(module: str, *args: str) -> Iterator[str]:
    """Run `python -m module args` that prints its port, then serves until stdin closes."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on uvloop (what `ringback serve` runs on, through uvicorn), the
    collector settled as `ringback serve` settles it (ringback.runtime.collector)."""
    import uvloop

    from ringback.runtime import collector

    with collector.settled():
        return uvloop.run(main)


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of `values` (fraction 0.99 for p99)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


async def concurrently(count: int, concurrency: int, job: Any) -> None:
    """Run `await job(i)` for i in range(count), at most `concurrency` at a time."""
    numbers = iter(range(count))

    async def worker() -> None:
        for number in numbers:
            await job(number)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
