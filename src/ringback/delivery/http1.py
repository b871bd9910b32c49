"""A lean HTTP/1.1 client for plain-http webhooks: asyncio protocol + httptools' C parser.

Why it exists. A whole call costs about three times the CPU its two webhooks cost a bare
aiohttp loop, and aiohttp's client (request and response objects, header multidicts, yarl URLs,
a task-friendly but layered stream reader) is the largest single part of it. Webhooks need
little of that: one POST or GET, a few fixed headers, a whole small body back. This client
writes the request as one buffer and parses the response with llhttp (httptools, which
uvicorn[standard] already brings), on keep-alive connections pooled per host.

What it does and does not do. `http://` URLs with an ASCII host and path only (the sender uses
aiohttp for everything else: https, IDNA hosts, percent-encoding to be done). One request per
connection at a time; no redirects followed, no cookies (as the aiohttp path). A request on a
reused connection that the server had closed (the keep-alive race) is retried once on a new
connection, as browsers and urllib3 do: the server never saw it. The whole attempt, connect
included, is bounded by its timeout; a body is read to `max_body` + 1 bytes at most, as the
aiohttp path reads it.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import time
from urllib.parse import urlsplit

import httptools

IDLE_CONNECTIONS_PER_HOST = 1024
_MS_PER_S = 1000.0


class HttpError(Exception):
    """A request that got no usable response; `kind` is the delivery policy's error class."""

    def __init__(self, kind: str, detail: str, responded: bool = False) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.responded = responded


class Response:
    """Status, the headers a webhook needs (lower-case names, repeated ones kept) and body."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str | None:
        """The first value of a header (name in lower case), or None."""
        for key, value in self.headers:
            if key == name:
                return value
        return None

    def header_values(self, name: str) -> tuple[str, ...]:
        """Every value of a header (name in lower case)."""
        return tuple(value for key, value in self.headers if key == name)


@functools.lru_cache(maxsize=1024)
def split_url(url: str) -> tuple[str, int, str, bytes] | None:
    """(host, port, path?query, Host header) of a plain-http ASCII URL; None when not one."""
    if not url.startswith("http://") or not url.isascii():
        return None
    parts = urlsplit(url)
    host = parts.hostname
    if not host or any(c in url for c in " \t\r\n#") or parts.username or parts.password:
        return None
    try:
        port = parts.port or 80
    except ValueError:
        return None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = parts.netloc.encode("ascii")
    return host, port, path, host_header


class _Connection(asyncio.Protocol):
    """One keep-alive connection; the parser calls the `on_*` methods as the response arrives."""

    def __init__(self, pool: Http1Client, key: tuple[str, int]) -> None:
        self.pool = pool
        self.key = key
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[Response] | None = None
        self.timer: asyncio.TimerHandle | None = None  # the current request's deadline
        self.headers: list[tuple[str, str]] = []
        self.body: list[bytes] = []
        self.size = 0
        self.received = False  # any byte of the current response
        self.closed = False
        self.counted = True  # holds one of the pool's slots until forgotten

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(HttpError("other", f"malformed HTTP response: {exc}", responded=True))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.pool.forget(self)
        if self.waiter is not None and not self.waiter.done():
            if self.received and self.parser.get_status_code() and not self._framed():
                self.on_message_complete()  # a body delimited by the connection's end
                return
            detail = "server closed the connection without a response"
            if self.received:
                detail = "server closed the connection mid-response"
            self._fail(HttpError("connect-error", detail, responded=self.received))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.decode("latin-1").lower(), value.decode("latin-1")))

    def on_body(self, body: bytes) -> None:
        room = self.pool.max_body + 1 - self.size
        if room <= 0 or self.waiter is None:
            return
        self.size += len(body)
        self.body.append(body[:room])
        if self.size > self.pool.max_body:
            # Enough to tell the reply is too large; the rest is never read (the connection
            # is dropped), so a 300 MB reply costs max_body + 1 bytes.
            self.closed = True
            self.on_message_complete()

    def on_message_complete(self) -> None:
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        status = self.parser.get_status_code()
        response = Response(status, self.headers, b"".join(self.body))
        keep = self.parser.should_keep_alive() and not self.closed
        self._reset()
        waiter.set_result(response)
        if keep:
            self.pool.release(self)
        else:
            self.close()

    # the client's side
    def send(self, request: bytes, deadline: float, timeout_s: float) -> asyncio.Future[Response]:
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        self.waiter = loop.create_future()
        self.timer = loop.call_at(deadline, self._timed_out, timeout_s)
        self.transport.write(request)
        return self.waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _framed(self) -> bool:
        return any(name in ("content-length", "transfer-encoding") for name, _ in self.headers)

    def _reset(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.waiter = None
        self.headers = []
        self.body = []
        self.size = 0
        self.received = False

    def _timed_out(self, timeout_s: float) -> None:
        self._fail(HttpError("timeout", f"no response within {timeout_s:g} s"))

    def _fail(self, error: HttpError) -> None:
        waiter = self.waiter
        self._reset()
        self.close()
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)


def _request_bytes(
    method: str, url: str, headers: list[tuple[str, str]], body: bytes | None
) -> tuple[tuple[str, int], bytes]:
    """The connection key of a plain-http URL and the request, as one buffer."""
    split = split_url(url)
    if split is None:
        raise ValueError(f"not a plain http URL: {url}")
    host, port, path, host_header = split
    head = [f"{method} {path} HTTP/1.1\r\nHost: ".encode(), host_header]
    for name, value in headers:
        head.append(f"\r\n{name}: {value}".encode("latin-1"))
    if body is not None:
        head.append(f"\r\nContent-Length: {len(body)}".encode())
    head.append(b"\r\n\r\n")
    if body:
        head.append(body)
    return (host, port), b"".join(head)


class Sent:
    """A request `send_now` sent; `future` ends with its response (or an HttpError)."""

    __slots__ = ("client", "connection", "future", "started")

    def __init__(
        self, client: Http1Client, connection: _Connection, future: asyncio.Future[Response]
    ) -> None:
        self.client = client
        self.connection = connection
        self.future = future
        self.started = time.perf_counter()

    def response(self) -> tuple[Response, float]:
        """Once `future` is done: the response and its duration in ms. Raises its HttpError;
        `stale()` says whether the request may go again on a new connection."""
        error = None if self.future.cancelled() else self.future.exception()
        if self.future.cancelled() or error is not None:
            self.client.drop(self.connection)
            if error is not None:
                raise error
            raise asyncio.CancelledError
        return self.future.result(), (time.perf_counter() - self.started) * _MS_PER_S


def stale(error: HttpError) -> bool:
    """Whether a request on a reused connection failed because the server had closed it: it
    never saw the request, which may go again on a new connection."""
    return error.kind == "connect-error" and not error.responded


class Http1Client:
    """Keep-alive connections per (host, port), at most `limit` open at once."""

    def __init__(self, limit: int, max_body: int) -> None:
        self.limit = limit
        self.max_body = max_body
        self.open = 0
        self._idle: dict[tuple[str, int], list[_Connection]] = {}
        self._slots = asyncio.Semaphore(limit)  # bound to the running loop on first wait

    async def request(
        self,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: bytes | None,
        timeout_s: float,
    ) -> tuple[Response, float]:
        """Send one request; the response and its duration in ms. Raises HttpError."""
        key, raw = _request_bytes(method, url, headers, body)
        started = time.perf_counter()
        deadline = asyncio.get_running_loop().time() + timeout_s
        # One coroutine for the whole exchange (a webhook in flight is a task and this): each
        # coroutine more per webhook was CPU, and more objects for the collector to walk. The
        # deadline is a timer on the connection (one call_at), not an asyncio.timeout around
        # the exchange; only connecting, once per connection, runs under asyncio.timeout_at.
        while (connection := self._take_idle(key)) is not None:
            try:
                response = await connection.send(raw, deadline, timeout_s)
            except HttpError as error:
                self.drop(connection)
                if not stale(error):
                    raise
                # The server closed this idle connection as we reused it: it never saw the
                # request, so send it again on a fresh connection.
                continue
            except BaseException:
                self.drop(connection)
                raise
            return response, (time.perf_counter() - started) * _MS_PER_S
        try:
            async with asyncio.timeout_at(deadline):
                connection = await self._connect(key)
        except TimeoutError:
            raise HttpError("timeout", f"no response within {timeout_s:g} s") from None
        try:
            response = await connection.send(raw, deadline, timeout_s)
        except BaseException:
            self.drop(connection)
            raise
        return response, (time.perf_counter() - started) * _MS_PER_S

    def send_now(
        self,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: bytes | None,
        timeout_s: float,
    ) -> Sent | None:
        """Send a request at once on an idle keep-alive connection, without a coroutine: what
        `request` does when one is idle, for a caller that waits with a done-callback. None
        when no connection is idle (then `request` connects)."""
        key, raw = _request_bytes(method, url, headers, body)
        connection = self._take_idle(key)
        if connection is None:
            return None
        deadline = asyncio.get_running_loop().time() + timeout_s
        return Sent(self, connection, connection.send(raw, deadline, timeout_s))

    def _take_idle(self, key: tuple[str, int]) -> _Connection | None:
        """An idle keep-alive connection to `key`, taken off the idle list; None if none is."""
        idle = self._idle.get(key)
        while idle:
            connection = idle.pop()
            if not connection.closed:
                return connection
        return None

    def drop(self, connection: _Connection) -> None:
        """Close a connection that failed or was given up on; it frees its slot."""
        connection.close()
        self.forget(connection)

    async def _connect(self, key: tuple[str, int]) -> _Connection:
        await self._slots.acquire()
        self.open += 1
        loop = asyncio.get_running_loop()
        try:
            _, connection = await loop.create_connection(
                lambda: _Connection(self, key), key[0], key[1]
            )
        except BaseException as exc:
            self.open -= 1
            self._slots.release()
            if isinstance(exc, socket.gaierror):
                raise HttpError("connect-error", "cannot resolve the host name") from None
            if isinstance(exc, ConnectionRefusedError):
                raise HttpError("connect-error", "connection refused") from None
            if isinstance(exc, OSError):
                detail = (exc.strerror or str(exc) or type(exc).__name__).lower()
                raise HttpError("connect-error", detail) from None
            raise
        return connection

    def release(self, connection: _Connection) -> None:
        """A connection whose response is complete goes back to the pool (or is closed)."""
        idle = self._idle.setdefault(connection.key, [])
        if len(idle) >= IDLE_CONNECTIONS_PER_HOST:
            connection.close()
            self.forget(connection)
            return
        idle.append(connection)

    def forget(self, connection: _Connection) -> None:
        """A connection closed or failed: it frees its slot (once) and leaves the idle list."""
        if connection.counted:
            connection.counted = False
            self.open -= 1
            self._slots.release()
        idle = self._idle.get(connection.key)
        if idle and connection in idle:
            idle.remove(connection)

    async def close(self) -> None:
        """Close every idle connection."""
        for idle in self._idle.values():
            for connection in list(idle):
                connection.close()
                self.forget(connection)
        self._idle.clear()
