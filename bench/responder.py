"""A fast loopback voice app for the benchmarks: just enough HTTP/1.1 keep-alive, own process.

How this works. `python -m bench.responder ROUTES_JSON` starts an asyncio server on 127.0.0.1 (an
ephemeral port, on uvloop when installed), prints the port on stdout and serves until stdin
closes. Every request is answered 200 with the body its path maps to in ROUTES_JSON (an empty body
for other paths): the BXML a benchmark's call flow needs. It parses only the request line, the
Content-Length header and, for the latency figure, the `callId` of the JSON body.

Running in its own process, the app gets the second core, so the process being measured (the
platform, or the bare aiohttp baseline) is not slowed by the app it talks to.

Latency (figure 5) is measured here, at the app, with one clock: for every call, the time the
reply to a path listed in `TIMED_PATHS` was written, and the time that call's next request
arrived. `GET /_gaps` returns those gaps (ms) as JSON and forgets them.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

TIMED_PATHS_KEY = "_timed"  # in ROUTES_JSON: paths after whose reply the next request is timed
GAPS_PATH = b"/_gaps"
_CALL_ID = b'"callId":"'
_HEAD_END = b"\r\n\r\n"


class Responder(asyncio.Protocol):
    """One keep-alive connection: read requests (pipelined or split), answer each at once."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data if self.buffer else data
        while True:
            head_end = buffer.find(_HEAD_END)
            if head_end < 0:
                break
            length = _content_length(buffer, head_end)
            end = head_end + 4 + length
            if len(buffer) < end:
                break
            self.answer(buffer[:head_end], buffer[head_end + 4 : end])
            buffer = buffer[end:]
        self.buffer = buffer

    def answer(self, head: bytes, body: bytes) -> None:
        """Write the reply to one request."""
        assert self.transport is not None
        path = head.split(b" ", 2)[1].split(b"?", 1)[0]
        if path == GAPS_PATH:
            self.transport.write(_response(json.dumps(self.app.take_gaps()).encode()))
            return
        call_id = _call_id(body) if self.app.timed else None
        if call_id is not None:
            self.app.arrived(call_id)
        self.transport.write(self.app.replies.get(path, _EMPTY_REPLY))
        if call_id is not None and path in self.app.timed:
            self.app.replied(call_id)


class App:
    """Replies by path, and the latency gaps measured so far."""

    def __init__(self, routes: dict[str, str], timed: list[str]) -> None:
        self.replies = {path.encode(): _response(body.encode()) for path, body in routes.items()}
        self.timed = frozenset(path.encode() for path in timed)
        self.replied_at: dict[bytes, float] = {}
        self.gaps_ms: list[float] = []

    def replied(self, call_id: bytes) -> None:
        """The reply to a timed path was just written for this call."""
        self.replied_at[call_id] = time.perf_counter()

    def arrived(self, call_id: bytes) -> None:
        """A request for this call arrived: if it follows a timed reply, keep the gap."""
        sent = self.replied_at.pop(call_id, None)
        if sent is not None:
            self.gaps_ms.append((time.perf_counter() - sent) * 1000.0)

    def take_gaps(self) -> list[float]:
        """The gaps measured since the last call, then forget them."""
        gaps, self.gaps_ms = self.gaps_ms, []
        self.replied_at.clear()
        return gaps


def _content_length(buffer: bytes, head_end: int) -> int:
    start = buffer.find(b"\r\ncontent-length:", 0, head_end)
    if start < 0:
        start = buffer.find(b"\r\nContent-Length:", 0, head_end)
    if start < 0:
        return 0
    line_end = buffer.find(b"\r\n", start + 2)
    return int(buffer[start + 17 : line_end])


def _call_id(body: bytes) -> bytes | None:
    start = body.find(_CALL_ID)
    if start < 0:
        return None
    start += len(_CALL_ID)
    return body[start : body.find(b'"', start)]


def _response(body: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


_EMPTY_REPLY = _response(b"")


async def serve(routes: dict[str, str]) -> None:
    """Serve until stdin closes (the benchmark that started us is done or gone)."""
    timed = json.loads(routes.pop(TIMED_PATHS_KEY, "[]"))
    app = App(routes, timed)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Responder(app), "127.0.0.1", 0, backlog=4096)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.read()
    server.close()


def main() -> None:
    """Entry point: `python -m bench.responder '{"/answer": "<Response/>"}'`."""
    routes = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        asyncio.run(serve(routes))
    else:
        uvloop.run(serve(routes))


if __name__ == "__main__":
    main()
