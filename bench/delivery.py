"""Figure 1: webhook delivery throughput, Ringback's sender against a bare aiohttp loop.

Both post the same `answer` body to the same loopback app (bench.responder, its own process)
with the same concurrency, on the same event loop (uvloop), alternating runs so that load from
elsewhere on the machine falls on both; the best run of each counts.
"""

from __future__ import annotations

import json
import time

import aiohttp

from bench.harness import Figure, concurrently, responder, run
from ringback.delivery.policy import WebhookRequest
from ringback.delivery.sender import Sender
from ringback.delivery.target import Target
from ringback.events.examples import SPEC_EXAMPLES

CONCURRENCY = 50  # as in DESIGN.md's measurement of HTTP clients
TARGET_RATIO = 0.9
BODY = json.dumps(SPEC_EXAMPLES["answer"], separators=(",", ":")).encode()


async def bare_loop(url: str, count: int) -> float:
    """Requests per second of a plain aiohttp client loop."""
    headers = {"Content-Type": "application/json"}
    async with aiohttp.ClientSession() as session:

        async def post(_: int) -> None:
            async with session.post(url, data=BODY, headers=headers) as response:
                await response.read()

        await concurrently(CONCURRENCY, CONCURRENCY, post)  # open the connections
        started = time.perf_counter()
        await concurrently(count, CONCURRENCY, post)
        return count / (time.perf_counter() - started)


async def ringback_sender(url: str, count: int) -> float:
    """Requests per second of ringback.delivery.sender, one WebhookRequest per webhook."""
    async with Sender() as sender:

        async def post(_: int) -> None:
            request = WebhookRequest("answer", BODY, (), Target(url), sync=True)
            result = await sender.deliver(request)
            assert result.ok, result.error_message

        await concurrently(CONCURRENCY, CONCURRENCY, post)
        started = time.perf_counter()
        await concurrently(count, CONCURRENCY, post)
        return count / (time.perf_counter() - started)


def measure(count: int = 20_000, rounds: int = 3) -> Figure:
    """The delivery figure."""
    bare: list[float] = []
    ours: list[float] = []
    with responder({}) as base:
        url = f"{base}/answer"
        for _ in range(rounds):
            bare.append(run(bare_loop(url, count)))
            ours.append(run(ringback_sender(url, count)))
    return Figure(
        key="delivery",
        title="Webhook delivery",
        value=max(ours),
        unit="webhooks/s",
        baseline=max(bare),
        baseline_label="bare aiohttp loop",
        target=TARGET_RATIO,
        target_on="ratio",
        detail=f"{count} POSTs, {CONCURRENCY} concurrent, best of {rounds}",
    )


if __name__ == "__main__":
    print(measure().entry())
