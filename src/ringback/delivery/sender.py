"""The edge of webhook delivery: performs a `Delivery` plan over HTTP with aiohttp (spec §3.1).

The policy decides everything (which URL, which method, whether to send credentials, what a
failure means); this module only makes each request it is asked for and reports what came back,
timed with `time.perf_counter`. Webhook timeouts guard real sockets, so they are real time even
when the call runs on a virtual clock. Redirects are not followed and cookies are not kept: each
webhook is judged on the response of the URL it was sent to.

A reply is read to at most `MAX_REPLY_BYTES` + 1 bytes and the rest is never read (the
connection is dropped): no BXML document may be larger, so the one extra byte is enough for the
parser to refuse it, and a 300 MB reply costs 64 KB, not 300 MB.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl
import time
from errno import ECONNREFUSED
from types import TracebackType

import aiohttp

from ringback import __version__
from ringback.bxml.safe_xml import MAX_DOCUMENT_BYTES
from ringback.delivery.http1 import Http1Client, HttpError, Response, Sent, split_url, stale
from ringback.delivery.policy import (
    Attempt,
    Delivery,
    DeliveryResult,
    ErrorClass,
    Outcome,
    RequestFailed,
    ResponseReceived,
    WebhookRequest,
)

USER_AGENT = f"Ringback/{__version__}"
# One process carries thousands of concurrent calls, nearly all calling back the same app
# host, so the per-host limit is the total limit. Beyond it, requests wait for a free
# connection, and that wait counts against their callback timeout, as a slow server would.
DEFAULT_CONNECTION_LIMIT = 4096
KEEPALIVE_TIMEOUT_S = 30.0
MAX_REPLY_BYTES = MAX_DOCUMENT_BYTES
_MS_PER_S = 1000.0


async def deliver(request: WebhookRequest, session: aiohttp.ClientSession) -> DeliveryResult:
    """Deliver one webhook through `session`, following the policy to its end."""
    delivery = Delivery(request)
    while (attempt := delivery.next_attempt()) is not None:
        delivery.record(await perform(attempt, session))
    return delivery.result()


class Exchange:
    """A delivery `Sender.begin` started, and its first attempt if it was sent at once."""

    __slots__ = ("delivery", "sent")

    def __init__(self, delivery: Delivery, sent: Sent | None) -> None:
        self.delivery = delivery
        self.sent = sent

    def result(self) -> DeliveryResult | None:
        """Once `sent.future` is done: the attempt's outcome is recorded; the delivery's result,
        or None when it goes on (`Sender.resume`: a retry, a fallback, a challenge, or the same
        request again, on a new connection, when the idle one had been closed by the server).
        Raises CancelledError if the attempt was cancelled."""
        assert self.sent is not None
        try:
            response, duration_ms = self.sent.response()
        except HttpError as error:
            if stale(error):
                return None  # not an attempt: the server never saw it
            self.delivery.record(_http1_failure(error, self.sent.started))
        else:
            self.delivery.record(_http1_outcome(response, duration_ms))
        return self.delivery.result() if self.delivery.finished else None


def _http1_headers(attempt: Attempt) -> list[tuple[str, str]]:
    """An attempt's request headers (both clients send these)."""
    headers = [("User-Agent", attempt.user_agent or USER_AGENT)]
    if attempt.body is not None:
        headers.append(("Content-Type", attempt.content_type))
    if attempt.authorization is not None:
        headers.append(("Authorization", attempt.authorization))
    return headers


def _http1_failure(error: HttpError, started: float) -> RequestFailed:
    kind: ErrorClass = "timeout" if error.kind == "timeout" else "other"
    if error.kind == "connect-error" and not error.responded:
        kind = "connect-error"
    return RequestFailed(kind, error.detail, _elapsed_ms(started))


def _http1_outcome(response: Response, duration_ms: float) -> ResponseReceived:
    return ResponseReceived(
        status=response.status,
        body=response.body,
        content_type=response.header("content-type"),
        www_authenticate=(
            response.header_values("www-authenticate") if response.status == 401 else ()
        ),
        duration_ms=duration_ms,
    )


async def perform(attempt: Attempt, session: aiohttp.ClientSession) -> Outcome:
    """Make one HTTP request and report its outcome; never raises for a network failure."""
    headers = dict(_http1_headers(attempt))
    responded = False
    started = time.perf_counter()
    try:
        async with session.request(
            attempt.method,
            attempt.url,
            data=attempt.body,
            headers=headers,
            timeout=_client_timeout(attempt.timeout_s),
            allow_redirects=False,
        ) as response:
            responded = True
            try:
                body = await response.content.readexactly(MAX_REPLY_BYTES + 1)
            except asyncio.IncompleteReadError as whole:  # the usual case: the reply ended
                body = whole.partial
            return ResponseReceived(
                status=response.status,
                body=body,
                content_type=response.headers.get("Content-Type"),
                www_authenticate=_challenges(response) if response.status == 401 else (),
                duration_ms=(time.perf_counter() - started) * _MS_PER_S,
            )
    except TimeoutError:
        detail = f"no response within {attempt.timeout_s:g} s"
        return RequestFailed("timeout", detail, _elapsed_ms(started))
    except (aiohttp.ClientSSLError, aiohttp.InvalidURL) as exc:
        return RequestFailed("other", _describe(exc), _elapsed_ms(started))
    except (aiohttp.ClientConnectionError, OSError) as exc:
        # Before any response this is the "connection exception" Bandwidth retries once;
        # once the status line is in, a broken body is just a bad response.
        error_class: ErrorClass = "other" if responded else "connect-error"
        return RequestFailed(error_class, _describe(exc), _elapsed_ms(started))
    except aiohttp.ClientError as exc:
        return RequestFailed("other", _describe(exc), _elapsed_ms(started))


class Sender:
    """Delivers webhooks over one shared, keep-alive `aiohttp.ClientSession`.

    Use as `async with Sender() as sender: await sender.deliver(request)`, or call `close()`.
    The session is opened on first use, inside the running event loop.
    """

    def __init__(self, connection_limit: int = DEFAULT_CONNECTION_LIMIT) -> None:
        self.connection_limit = connection_limit
        self._session: aiohttp.ClientSession | None = None
        self._http1: Http1Client | None = None

    @property
    def http1(self) -> Http1Client:
        """The lean client for plain-http webhooks, made on first use."""
        if self._http1 is None:
            self._http1 = Http1Client(self.connection_limit, MAX_REPLY_BYTES)
        return self._http1

    @property
    def session(self) -> aiohttp.ClientSession:
        """The shared session, opened on first use."""
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self.connection_limit,
                limit_per_host=self.connection_limit,
                keepalive_timeout=KEEPALIVE_TIMEOUT_S,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
            )
        return self._session

    def begin(self, request: WebhookRequest) -> Exchange:
        """Start delivering a webhook: its first attempt is sent at once when it can be (a
        plain-http URL, a keep-alive connection idle), and the caller waits for
        `exchange.sent.future` with a done-callback, no task needed; else `exchange.sent` is
        None and the caller awaits `resume`."""
        delivery = Delivery(request)
        attempt = delivery.next_attempt()
        sent = None
        if attempt is not None and split_url(attempt.url) is not None:
            sent = self.http1.send_now(
                attempt.method,
                attempt.url,
                _http1_headers(attempt),
                attempt.body,
                attempt.timeout_s,
            )
        return Exchange(delivery, sent)

    async def deliver(self, request: WebhookRequest) -> DeliveryResult:
        """Deliver one webhook, following the policy to its end: plain-http URLs through the
        lean client (`ringback.delivery.http1`), everything else through aiohttp."""
        return await self.resume(Delivery(request))

    async def resume(self, delivery: Delivery) -> DeliveryResult:
        """Make the delivery's attempts until it is over (`deliver`, or after `begin`)."""
        while (attempt := delivery.next_attempt()) is not None:
            if split_url(attempt.url) is None:
                delivery.record(await perform(attempt, self.session))
                continue
            # The lean client (plain-http URLs): the same outcomes as `perform`, a third of
            # the CPU. Inline, not a coroutine of its own: one less per webhook in flight.
            started = time.perf_counter()
            try:
                response, duration_ms = await self.http1.request(
                    attempt.method,
                    attempt.url,
                    _http1_headers(attempt),
                    attempt.body,
                    attempt.timeout_s,
                )
            except HttpError as error:
                delivery.record(_http1_failure(error, started))
            else:
                delivery.record(_http1_outcome(response, duration_ms))
        return delivery.result()

    async def close(self) -> None:
        """Close the session and its connections; the sender may be used again afterwards."""
        if self._http1 is not None:
            client, self._http1 = self._http1, None
            await client.close()
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def __aenter__(self) -> Sender:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


def _challenges(response: aiohttp.ClientResponse) -> tuple[str, ...]:
    return tuple(response.headers.getall("WWW-Authenticate", ()))


@functools.lru_cache(maxsize=64)
def _client_timeout(seconds: float) -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(total=seconds)


def _elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * _MS_PER_S


def _describe(exc: BaseException) -> str:
    """A network failure in words a developer recognises (`connection refused`)."""
    cause = exc.os_error if isinstance(exc, aiohttp.ClientConnectorError) else exc
    if isinstance(cause, socket.gaierror):
        return "cannot resolve the host name"
    if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == ECONNREFUSED:
        return "connection refused"
    if isinstance(cause, ConnectionResetError):
        return "connection reset by peer"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server closed the connection without a response"
    if isinstance(cause, ssl.SSLError) or isinstance(exc, aiohttp.ClientSSLError):
        return f"TLS error: {exc}"
    if isinstance(exc, aiohttp.InvalidURL):
        return f"invalid URL: {exc}"
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror.lower()
    return str(exc) or type(exc).__name__


describe_network_error = _describe  # also names why a media stream's WebSocket could not connect
