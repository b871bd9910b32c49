"""A refused request body: the client reads its 413, then the server stops reading within a
bound and closes (hosting/lingering.py, issue 9), over real sockets on loopback."""

from __future__ import annotations

import json
import socket
import threading
import time
import tracemalloc
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import urllib3

from ringback.api.request_body import MAX_JSON_BODY_BYTES, MAX_REQUEST_BODY_BYTES
from ringback.hosting.lingering import LINGER_MAX_BYTES, LingeringHttpToolsProtocol
from ringback.hosting.server import BackgroundServer, start_in_thread
from ringback.runtime import PlatformConfig

PHONE = "/_ringback/phones/+15551234567"
CHUNK = b"x" * (64 * 1024)
# Hang guards, far beyond what the test needs: the most a client sends, the longest it waits.
SEND_GUARD_BYTES = 512 * 1024 * 1024
WAIT_GUARD_S = 30.0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[BackgroundServer]:
    """A live Ringback on a loopback port."""
    running = start_in_thread(PlatformConfig(), tmp_path / "db.sqlite3")
    yield running
    running.stop()


def connect(server: BackgroundServer) -> socket.socket:
    """A TCP connection to the server."""
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=WAIT_GUARD_S)


def request_head(server: BackgroundServer, framing: str) -> bytes:
    """A PUT of a phone script whose body is chunked, or announces 256 MB."""
    length = b"content-length: 268435456" if framing == "length" else b"transfer-encoding: chunked"
    return b"PUT " + PHONE.encode() + b" HTTP/1.1\r\nhost: x\r\n" + length + b"\r\n\r\n"


def frame(data: bytes, framing: str) -> bytes:
    """`data` as the body's next bytes."""
    return b"%x\r\n%s\r\n" % (len(data), data) if framing == "chunked" else data


def read_response(sock: socket.socket) -> tuple[bytes, dict[str, str], bytes]:
    """One HTTP response with a Content-Length: status line, headers, body."""
    raw = b""
    while b"\r\n\r\n" not in raw:
        data = sock.recv(65536)
        assert data, f"the connection ended before the answer's head: {raw!r}"
        raw += data
    head, _, body = raw.partition(b"\r\n\r\n")
    status, *lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    while len(body) < int(headers["content-length"]):
        data = sock.recv(65536)
        assert data, "the connection ended inside the answer's body"
        body += data
    return status.encode(), headers, body


def lingering(server: BackgroundServer) -> list[LingeringHttpToolsProtocol]:
    """The server's connections that are being closed after an early answer."""
    connections = list(server.prepared.server.server_state.connections)
    return [
        c
        for c in connections
        if isinstance(c, LingeringHttpToolsProtocol) and c.discarded is not None
    ]


def clock_answers(server: BackgroundServer) -> bool:
    """Whether another connection is served meanwhile."""
    with urllib.request.urlopen(server.url + "/_ringback/clock", timeout=WAIT_GUARD_S) as response:
        return bool(response.status == 200 and json.load(response)["mode"])


@pytest.mark.parametrize("framing", ["chunked", "length"])
def test_lingering_endless_body_gets_413_then_the_server_stops_reading(
    server: BackgroundServer, framing: str
) -> None:
    """A client sending for ever reads its 413 (no reset), then meets a closed connection
    after a bounded number of bytes; the server holds none of them and serves others."""
    sock = connect(server)
    sent = 0
    ended_by: list[BaseException] = []

    def send_for_ever() -> None:
        nonlocal sent
        sock.sendall(request_head(server, framing) + frame(b'{"steps": "', framing))
        try:
            while sent < SEND_GUARD_BYTES:
                sock.sendall(frame(CHUNK, framing))
                sent += len(CHUNK)
        except OSError as error:  # the server closed: a reset, or a broken pipe
            ended_by.append(error)

    tracemalloc.start()
    try:
        sender = threading.Thread(target=send_for_ever)
        sender.start()
        status, headers, body = read_response(sock)
        assert status.startswith(b"HTTP/1.1 413"), (status, body)
        assert headers["connection"] == "close"
        assert "request body is larger" in json.loads(body)["description"]
        assert clock_answers(server)
        sender.join(WAIT_GUARD_S * 4)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        sock.close()
    assert not sender.is_alive()
    assert ended_by, f"the server read all {sent} bytes the client sent"
    # What the client got into the socket: the cap, the bound, and the two kernels' buffers.
    assert sent < MAX_REQUEST_BODY_BYTES + LINGER_MAX_BYTES + 64 * 1024 * 1024
    assert peak < 16 * 1024 * 1024, f"{peak} bytes held at the peak"
    assert clock_answers(server)


def test_lingering_silent_client_is_closed_after_its_answer(server: BackgroundServer) -> None:
    """A client that stops sending mid-body reads its 413, then the end of the stream; the
    server drops what came after the answer and closes the connection."""
    framing = "chunked"
    with connect(server) as sock:
        sock.sendall(request_head(server, framing) + frame(b'{"steps": "', framing))
        for _ in range(MAX_JSON_BODY_BYTES // len(CHUNK) + 2):
            sock.sendall(frame(CHUNK, framing))
        status, headers, _ = read_response(sock)
        assert status.startswith(b"HTTP/1.1 413")
        assert headers["connection"] == "close"
        assert sock.recv(65536) == b""  # the server shut its side once the answer was out
        assert clock_answers(server)
        deadline = time.monotonic() + WAIT_GUARD_S  # a hang guard, not a timing assertion
        while lingering(server) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not lingering(server)


def test_lingering_answered_requests_keep_their_connection(server: BackgroundServer) -> None:
    """A request whose body was read keeps the connection alive for the next one."""
    framing = "length"
    body = b'{"steps": []}'
    head = b"PUT " + PHONE.encode() + b" HTTP/1.1\r\nhost: x\r\ncontent-length: %d\r\n\r\n"
    with connect(server) as sock:
        for _ in range(2):
            sock.sendall(head % len(body) + frame(body, framing))
            status, headers, _ = read_response(sock)
            assert status.startswith(b"HTTP/1.1 200")
            assert headers.get("connection") != "close"


@pytest.mark.parametrize("chunked", [False, True])
def test_lingering_blocking_client_reads_its_413(server: BackgroundServer, chunked: bool) -> None:
    """urllib3 (requests, the SDKs) sends the whole 32 MB body before it reads: it meets the
    closed connection while sending, and still reads the 413 the server sent first."""
    body = b"x" * (32 * 1024 * 1024)
    data: bytes | Iterator[bytes] = (
        iter([body[i : i + len(CHUNK)] for i in range(0, len(body), len(CHUNK))])
        if chunked
        else body
    )
    http = urllib3.PoolManager(timeout=WAIT_GUARD_S)
    response = http.request("PUT", server.url + PHONE, body=data, retries=False, chunked=chunked)
    assert response.status == 413
    assert response.headers["connection"] == "close"
    assert "request body is larger" in response.json()["description"]
