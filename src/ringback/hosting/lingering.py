"""uvicorn's HTTP protocol, closing a connection whose request body was refused as nginx does.

How this works. When the app answers before the request's body has all arrived (a `413` for a
body over the cap, or any early answer), uvicorn would keep the connection alive and read and
discard the rest of the body, however long the client goes on sending: a client could keep the
server reading for ever. Closing the socket at once is no better: the client's unsent bytes
meet a closed socket, the kernel answers with a reset, and the client loses the `413` it had
not read yet (ECONNRESET). So this protocol does a lingering close:

1. the answer goes out with `Connection: close` (the connection will not be reused);
2. once it is flushed, the write side is shut (the client reads the answer, then an end of
   file);
3. what the client still sends is read and dropped, unparsed, for at most `LINGER_S` and
   `LINGER_MAX_BYTES`, or until the client closes its side;
4. then the socket is closed.

Nothing of a dropped body is kept: uvicorn holds at most its 64 KiB read-ahead before the
answer, and nothing after it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

LINGER_S = 2.0
LINGER_MAX_BYTES = 4 * 1024 * 1024


class _LingerOnClose(asyncio.Transport):
    """The connection as one request's cycle sees it: its `close()` may linger instead."""

    def __init__(self, transport: asyncio.Transport, close: Callable[[], None]) -> None:
        super().__init__()
        self._transport = transport
        self._close = close

    def write(self, data: bytes | bytearray | memoryview[Any]) -> None:
        self._transport.write(data)

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def close(self) -> None:
        self._close()


class LingeringHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bounded lingering close after an early answer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.discarded: int | None = None  # bytes dropped while lingering; None: not lingering
        self._linger_timer: asyncio.TimerHandle | None = None

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is None or cycle.scope is not self.scope:
            return  # an upgrade to WebSocket: no cycle was made for this request
        cycle.transport = _LingerOnClose(self.transport, lambda: self._close_after(cycle))
        send = cycle.send

        async def send_closing(message: ASGISendEvent) -> None:
            if message["type"] == "http.response.start" and cycle.more_body:
                # uvicorn then writes `connection: close` and closes once the answer is sent.
                cycle.keep_alive = False
            await send(message)

        # run_asgi looks `send` up when the app's task first runs, after this returns.
        cycle.send = send_closing  # type: ignore[method-assign]

    def _close_after(self, cycle: RequestResponseCycle) -> None:
        """Close for `cycle`: lingering if the client may still be sending its body."""
        if not cycle.more_body or self.transport.is_closing():
            self.transport.close()
            return
        if self.discarded is not None:
            return
        self.discarded = 0
        self.pipeline.clear()  # requests after a refused body are not answered
        self._unset_keepalive_if_required()
        self.transport.write_eof()  # shuts the write side once the answer is flushed
        self.flow.resume_reading()
        self._linger_timer = self.loop.call_later(LINGER_S, self.transport.close)

    def data_received(self, data: bytes) -> None:
        if self.discarded is None:
            super().data_received(data)
            return
        self.discarded += len(data)
        if self.discarded > LINGER_MAX_BYTES:
            self.transport.close()

    def on_response_complete(self) -> None:
        if self.discarded is None:
            super().on_response_complete()
        else:  # no keep-alive timer, no pipelined request: the connection is ending
            self.server_state.total_requests += 1

    def connection_lost(self, exc: Exception | None) -> None:
        if self._linger_timer is not None:
            self._linger_timer.cancel()
            self._linger_timer = None
        super().connection_lost(exc)
