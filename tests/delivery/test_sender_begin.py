"""`Sender.begin`: a webhook's first attempt sent at once on an idle keep-alive connection, the
rest of its delivery (a challenge, a closed connection) going on through `Sender.resume`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from ringback.delivery.policy import DeliveryResult, Target, WebhookRequest
from ringback.delivery.sender import Sender

BXML = b"<Response><Hangup/></Response>"
BODY = b'{"eventType":"answer","callId":"c-1"}'
BASIC = "Basic YXBwOnMzY3JldA=="  # app:s3cret, RFC 7617 worked by hand


def webhook(url: str, **target: Any) -> WebhookRequest:
    return WebhookRequest("answer", BODY, (), Target(url, **target), sync=True)


async def begun(sender: Sender, request: WebhookRequest) -> tuple[bool, DeliveryResult]:
    """Deliver through `begin`: whether it went at once, and the result."""
    exchange = sender.begin(request)
    if exchange.sent is None:
        return False, await sender.resume(exchange.delivery)
    await asyncio.wait([exchange.sent.future])
    result = exchange.result()
    if result is None:
        result = await sender.resume(exchange.delivery)
    return True, result


async def bxml(_: web.Request) -> web.Response:
    return web.Response(body=BXML, headers={"Content-Type": "application/xml"})


async def protected(request: web.Request) -> web.Response:
    if request.headers.get("Authorization") == BASIC:
        return await bxml(request)
    return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="app"'})


def test_begin_sends_at_once_on_an_idle_connection(loopback: Any) -> None:
    """With a keep-alive connection idle, the request is written before `begin` returns."""

    async def scenario() -> None:
        async with loopback.http(bxml) as server, Sender() as sender:
            cold, _ = await begun(sender, webhook(server.url + "/first"))
            warm, result = await begun(sender, webhook(server.url + "/answer"))
        assert (cold, warm) == (False, True)
        assert [seen.path for seen in server.seen] == ["/first", "/answer"]
        assert server.seen[1].body == BODY
        assert result.ok
        assert result.body == BXML
        assert [(r.attempt, r.status) for r in result.attempts] == [(1, 200)]

    asyncio.run(scenario())


def test_begin_goes_on_after_a_challenge(loopback: Any) -> None:
    """A 401 challenge to the attempt sent at once: the delivery resends with credentials."""

    async def scenario() -> None:
        async with loopback.http(protected) as server, Sender() as sender:
            await begun(sender, webhook(server.url + "/first"))
            target = {"username": "app", "password": "s3cret"}
            warm, result = await begun(sender, webhook(server.url + "/answer", **target))
        assert warm
        assert [(r.status, r.authorization_sent) for r in result.attempts] == [
            (401, False),
            (200, True),
        ]
        assert server.seen[-1].headers["Authorization"] == BASIC
        assert result.ok

    asyncio.run(scenario())


@contextlib.asynccontextmanager
async def closing_after_each_reply() -> AsyncIterator[tuple[str, list[str]]]:
    """A server that answers one request per connection with keep-alive, then closes the
    connection as the next request arrives, without reading it: the keep-alive race a reused
    connection can lose (the client cannot know the server was about to close)."""
    answered: list[str] = []
    handlers: list[asyncio.Task[Any]] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handlers.append(asyncio.current_task())  # type: ignore[arg-type]
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        answered.append(head.split(b" ")[1].decode())
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nConnection: keep-alive\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(BXML), BXML)
        )
        await writer.drain()
        await reader.read(1)  # the next request's first byte: closed instead of answered
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", answered
    finally:
        # Every handler ends (its client hung up) before the loop does: else its stream
        # writer is collected after the loop has closed, and warns.
        await asyncio.wait_for(asyncio.gather(*handlers, return_exceptions=True), 5)
        server.close()
        await server.wait_closed()


def test_begin_resends_on_a_new_connection_when_the_idle_one_was_closed() -> None:
    """The idle connection had been closed by the server: the request, which it never saw,
    goes again on a new connection, and is one attempt, not a retry."""

    async def scenario() -> None:
        async with closing_after_each_reply() as (url, answered), Sender() as sender:
            await begun(sender, webhook(url + "/first"))
            warm, result = await begun(sender, webhook(url + "/answer"))
        assert warm
        assert answered == ["/first", "/answer"]
        assert [(r.attempt, r.status, r.error) for r in result.attempts] == [(1, 200, None)]
        assert result.ok

    asyncio.run(scenario())
