"""Media streams on the real clock: concurrent streams, frames a second, pacing jitter.

Ringback runs `STREAMS` calls at once, each with `<StartStream>` to a receiver in its own
process (this module run with `--receiver`), on the real clock, for `SECONDS`. The receiver
stamps every `media` message as it arrives; the jitter of a frame is how far its gap from the
previous frame of the same stream is from 20 ms. The baseline is a bare aiohttp WebSocket
sender in the same run and against the same receiver: one task per stream that sleeps to each
20 ms deadline and sends a frame. Rounds alternate (bare, Ringback, bare, ...; three each) and
each side's round with the lowest p99 counts, as for the other figures, so that load from
elsewhere on the machine falls on both. Figure: Ringback's p99 jitter; target ≤ 1.5× the bare
sender's with all `STREAMS` streams kept at 50 frames a second.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bench.harness import UNPACED, Figure, percentile, run, serving

STREAMS = 200
SECONDS = 8.0
SETTLE_FRAMES = 25  # the first half second of each stream is not counted (connection set-up)
TARGET_RATIO = 1.5
FULL_RATE_SHARE = 0.98  # of the frames a second due, for the streams to count as real-time
FRAME_S = 0.02
SILENT_PAYLOAD = base64.b64encode(b"\xff" * 160).decode()


# ---- the receiver (its own process) -------------------------------------------------------------


class Receiver:
    """Answers `answer` with a stream to itself; stamps every media message it receives."""

    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = defaultdict(list)

    async def answer(self, request: web.Request) -> web.Response:
        port = request.url.port
        bxml = (
            f'<Response><StartStream destination="ws://127.0.0.1:{port}/ws" tracks="inbound"/>'
            f'<Pause duration="{SECONDS}"/></Response>'
        )
        return web.Response(text=bxml, content_type="application/xml")

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        stamps: list[float] | None = None
        async for message in ws:
            now = time.perf_counter()
            if stamps is None:  # the `start` message names the stream
                stamps = self.arrivals[str(len(self.arrivals))]
                continue
            if '"media"' in message.data:
                stamps.append(now)
        return ws

    async def stats(self, _request: web.Request) -> web.Response:
        # Only the time when every stream was up counts: from the moment the last one had
        # settled to the moment the first one ended (call set-up and tear-down are not pacing).
        streams = [s[SETTLE_FRAMES:] for s in self.arrivals.values() if len(s) > SETTLE_FRAMES]
        self.arrivals.clear()
        jitter: list[float] = []
        frames = 0
        start = max((s[0] for s in streams), default=0.0)
        end = min((s[-1] for s in streams), default=0.0)
        for stamps in streams:
            inside = [t for t in stamps if start <= t <= end]
            frames += len(inside)
            jitter += [abs(b - a - FRAME_S) * 1000 for a, b in itertools.pairwise(inside)]
        body = {
            "streams": len(streams),
            "frames": frames,
            "framesPerSecond": frames / (end - start) if end > start else 0.0,
            "steadySeconds": max(0.0, end - start),
            "p50": percentile(jitter, 0.5),
            "p99": percentile(jitter, 0.99),
        }
        return web.json_response(body)

    async def ignore(self, _request: web.Request) -> web.Response:
        return web.Response(status=204)


def serve_receiver() -> None:
    """Run the receiver; print its port, stop when stdin closes."""

    async def main() -> None:
        receiver = Receiver()
        app = web.Application()
        app.router.add_post("/answer", receiver.answer)
        app.router.add_get("/ws", receiver.socket)
        app.router.add_get("/stats", receiver.stats)
        app.router.add_post("/{tail:.*}", receiver.ignore)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        print(runner.addresses[0][1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        await runner.cleanup()

    import uvloop

    uvloop.run(main())


# ---- the two senders --------------------------------------------------------------------------


async def bare_sender(base: str) -> dict[str, Any]:
    """STREAMS plain aiohttp senders, each sleeping to its 20 ms deadlines."""
    url = base.replace("http://", "ws://") + "/ws"
    frame = json.dumps({"eventType": "media", "track": "inbound", "payload": SILENT_PAYLOAD})
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def one() -> None:
            async with session.ws_connect(url) as ws:
                await ws.send_str('{"eventType":"start"}')
                deadline = time.monotonic()
                for _ in range(int(SECONDS / FRAME_S)):
                    deadline += FRAME_S
                    await asyncio.sleep(max(0.0, deadline - time.monotonic()))
                    await ws.send_str(frame)

        await asyncio.gather(*(one() for _ in range(STREAMS)))
        async with session.get(base + "/stats") as response:
            stats: dict[str, Any] = await response.json()
    return stats


async def ringback_streams(base: str) -> dict[str, Any]:
    """STREAMS calls on Ringback's real clock, each streaming to the receiver."""
    from ringback.engine.clock import ClockMode
    from ringback.engine.requests import Callback, OutboundCallRequest
    from ringback.phones.script import parse_script
    from ringback.runtime import Platform, PlatformConfig
    from ringback.store import Store

    with tempfile.TemporaryDirectory() as folder:
        config = PlatformConfig(clock=ClockMode.REAL, **UNPACED)
        platform = Platform(config, Store(Path(folder) / "bench.sqlite3"))
        await platform.start()
        try:
            phone = parse_script({"answerAfter": 0})
            calls = [
                platform.place_call(
                    OutboundCallRequest(
                        to="+15553334444",
                        from_="+15551112222",
                        application_id="bench",
                        answer=Callback(base + "/answer"),
                        phone=phone,
                    )
                )
                for _ in range(STREAMS)
            ]
            for call_id in calls:
                await platform.wait(call_id, SECONDS + 30)
        finally:
            await platform.close()
            platform.store.close()
    async with aiohttp.ClientSession() as session, session.get(base + "/stats") as response:
        stats: dict[str, Any] = await response.json()
    return stats


def measure(rounds: int = 3) -> Figure:
    """The figure: Ringback's frame pacing beside the bare sender's, same receiver, same run;
    rounds alternate and each side's least disturbed round counts."""
    bare_rounds: list[dict[str, Any]] = []
    our_rounds: list[dict[str, Any]] = []
    with serving("bench.streams", "--receiver") as base:
        for _ in range(rounds):
            bare_rounds.append(run(bare_sender(base)))
            our_rounds.append(run(ringback_streams(base)))
    bare = min(bare_rounds, key=lambda stats: stats["p99"])
    ours = min(our_rounds, key=lambda stats: stats["p99"])
    expected_fps = STREAMS / FRAME_S
    return Figure(
        key="stream_jitter",
        title=f"Media stream pacing, {STREAMS} real-time streams (p99 jitter)",
        value=round(ours["p99"], 2),
        unit="ms",
        baseline=round(bare["p99"], 2),
        baseline_label="bare aiohttp WebSocket sender",
        target=TARGET_RATIO,
        target_on="ratio",
        higher_is_better=False,
        detail=(
            f"{ours['framesPerSecond']:,.0f} frames/s sent (bare {bare['framesPerSecond']:,.0f}; "
            f"{expected_fps:,.0f} due); p50 jitter {ours['p50']:.2f} ms (bare {bare['p50']:.2f});"
            f" best p99 of {rounds} rounds each (Ringback {_p99s(our_rounds)}, bare"
            f" {_p99s(bare_rounds)})"
        ),
        extra={
            "streams": STREAMS,
            "frames_per_second": round(ours["framesPerSecond"], 1),
            "bare_frames_per_second": round(bare["framesPerSecond"], 1),
            "p50_ms": round(ours["p50"], 3),
            "steady_seconds": round(ours["steadySeconds"], 2),
            "bare_steady_seconds": round(bare["steadySeconds"], 2),
            "bare_p50_ms": round(bare["p50"], 3),
        },
        # Real-time streams: jitter counts only with every frame due sent (a receiver's window
        # edges cost a few frames a second, so 98 % of what is due).
        condition_held=ours["framesPerSecond"] >= FULL_RATE_SHARE * expected_fps,
    )


def _p99s(rounds: list[dict[str, Any]]) -> str:
    return ", ".join(f"{stats['p99']:.2f}" for stats in rounds) + " ms"


if __name__ == "__main__":
    if "--receiver" in sys.argv:
        serve_receiver()
    else:
        print(json.dumps(measure().entry(), indent=2))
