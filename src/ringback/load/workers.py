"""Spreading a load run over worker processes, and merging what they counted.

Each worker is `python -m ringback.load.workers` with its share of the plan (`LoadPlan.shares`)
as JSON on stdin: it runs a Platform of its own (nothing is shared, as DESIGN.md says of
`--workers`), prints a progress line a second and its tally at the end, as JSON lines on stdout.
The parent sums the progress and merges the tallies (histograms add up exactly). With one
worker the run stays in this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from ringback.errors import PlatformError
from ringback.load.histogram import Histogram
from ringback.load.plan import LoadPlan
from ringback.load.runner import PROGRESS_INTERVAL_S, LoadRunner, Progress
from ringback.load.tally import Tally
from ringback.runtime import collector

_LINE_LIMIT_BYTES = 16 * 1024 * 1024  # a tally line: histograms of a few hundred buckets


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


async def run_load(plan: LoadPlan, on_progress: Callable[[Progress], None] | None = None) -> Tally:
    """Run the plan, in this process or over `plan.workers` processes; the merged tally."""
    shares = plan.shares()
    if len(shares) == 1:
        return await LoadRunner(shares[0], on_progress).run()
    return await _run_workers(shares, on_progress)


async def _run_workers(
    shares: list[LoadPlan], on_progress: Callable[[Progress], None] | None
) -> Tally:
    latest: dict[int, Progress] = {}
    window = Histogram()
    webhooks = 0

    def heard(index: int, progress: Progress) -> None:
        nonlocal webhooks
        latest[index] = progress
        window.merge(progress.window)
        webhooks += progress.webhooks

    def emit() -> None:
        nonlocal window, webhooks
        if on_progress is None or not latest:
            return
        looks = latest.values()
        on_progress(
            Progress(
                elapsed_s=max(p.elapsed_s for p in looks),
                placed=sum(p.placed for p in looks),
                up=sum(p.up for p in looks),
                done=sum(p.done for p in looks),
                failed=sum(p.failed for p in looks),
                webhooks=webhooks,
                window=window,
            )
        )
        window, webhooks = Histogram(), 0

    async def ticker() -> None:
        while True:
            await asyncio.sleep(PROGRESS_INTERVAL_S)
            emit()

    ticking = asyncio.create_task(ticker())
    try:
        tallies = await asyncio.gather(*(_one_worker(share, heard) for share in shares))
    finally:
        ticking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticking
    emit()
    merged = Tally()
    for tally in tallies:
        merged.merge(tally)
    return merged


async def _one_worker(share: LoadPlan, heard: Callable[[int, Progress], None]) -> Tally:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ringback.load.workers",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=_LINE_LIMIT_BYTES,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        process.stdin.write(json.dumps(share.to_wire()).encode())
        process.stdin.close()
        tally: Tally | None = None
        async for line in process.stdout:
            message = json.loads(line)
            if "progress" in message:
                heard(share.worker_index, _progress_from_wire(message["progress"]))
            elif "tally" in message:
                tally = Tally.from_wire(message["tally"])
        status = await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if tally is None:
        raise PlatformError(
            f"load worker {share.worker_index} ended (status {status}) without a tally"
        )
    return tally


def _progress_to_wire(progress: Progress) -> dict[str, Any]:
    return {
        "elapsedS": progress.elapsed_s,
        "placed": progress.placed,
        "up": progress.up,
        "done": progress.done,
        "failed": progress.failed,
        "webhooks": progress.webhooks,
        "window": progress.window.to_wire(),
    }


def _progress_from_wire(data: dict[str, Any]) -> Progress:
    return Progress(
        elapsed_s=float(data["elapsedS"]),
        placed=int(data["placed"]),
        up=int(data["up"]),
        done=int(data["done"]),
        failed=int(data["failed"]),
        webhooks=int(data["webhooks"]),
        window=Histogram.from_wire(data["window"]),
    )


def _worker_main() -> None:
    """A worker process: plan on stdin, JSON lines on stdout."""
    plan = LoadPlan.from_wire(json.loads(sys.stdin.read()))

    def say(message: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    def progress(look: Progress) -> None:
        say({"progress": _progress_to_wire(look)})

    tally = run_loop(LoadRunner(plan, progress).run())
    say({"tally": tally.to_wire()})


def run_loop(main: Any) -> Any:
    """Run a coroutine on uvloop when it is installed (as `ringback serve` does), else asyncio.

    For entry points (the `load` command, a worker process): the collector is settled while it
    runs (ringback.runtime.collector).
    """
    with collector.settled():
        return _run_on_a_loop(main)


def _run_on_a_loop(main: Any) -> Any:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return asyncio.run(main)
    return uvloop.run(main)


if __name__ == "__main__":
    _worker_main()
