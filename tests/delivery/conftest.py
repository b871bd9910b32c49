"""Real loopback HTTP servers for the sender's tests (127.0.0.1, ephemeral ports)."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from loopback import served_app

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Loopback:
    """A running server: its base URL and every request it received."""

    url: str
    seen: list[Seen] = field(default_factory=list)


@asynccontextmanager
async def http_server(handler: Handler) -> AsyncIterator[Loopback]:
    """An aiohttp server on 127.0.0.1 that records each request, then runs `handler`."""
    loopback = Loopback(url="")

    async def recording(request: web.Request) -> web.StreamResponse:
        loopback.seen.append(
            Seen(
                method=request.method,
                path=request.path,
                query=list(request.query.items()),
                headers=dict(request.headers),
                body=await request.read(),
            )
        )
        return await handler(request)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", recording)
    async with served_app(app) as url:
        loopback.url = url
        yield loopback


@asynccontextmanager
async def resetting_server() -> AsyncIterator[tuple[str, list[int]]]:
    """A TCP server that answers every connection with a reset (RST), never with HTTP."""
    connections: list[int] = []

    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        await reader.read(1)  # wait for the request to start, so the client is mid-send
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    server = await asyncio.start_server(reset, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", connections
    finally:
        server.close()
        await server.wait_closed()


def closed_port_url() -> str:
    """A loopback URL nobody listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/answer"


@pytest.fixture
def loopback() -> type[LoopbackServers]:
    """The loopback server factories, for use inside `asyncio.run(...)`."""
    return LoopbackServers


class LoopbackServers:
    """Namespace handed to tests by the `loopback` fixture."""

    http = staticmethod(http_server)
    resetting = staticmethod(resetting_server)
    closed_port_url = staticmethod(closed_port_url)
