"""The aiohttp sender against real loopback servers: what goes on the wire, what comes back."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from ringback import __version__
from ringback.delivery.policy import DeliveryResult, Target, WebhookRequest
from ringback.delivery.sender import Sender, deliver

BXML = (
    b'<?xml version="1.0" encoding="UTF-8"?><Response><SpeakSentence>hi</SpeakSentence></Response>'
)
BODY = b'{"eventType":"answer","callId":"c-1","to":"+15551234567","tag":"caf\xc3\xa9"}'
XML_TYPE = "application/xml; charset=utf-8"


def bxml_reply(request: web.Request) -> Any:
    async def reply() -> web.Response:
        return web.Response(body=BXML, headers={"Content-Type": XML_TYPE})

    return reply()


def status_reply(status: int, headers: dict[str, str] | None = None) -> Any:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, headers=headers)

    return handler


def webhook(primary: Target, fallback: Target | None = None, **options: Any) -> WebhookRequest:
    return WebhookRequest("answer", BODY, options.pop("query", ()), primary, fallback, **options)


# Every test runs on both transports: aiohttp (https, and any URL the lean client does not
# take) and the lean HTTP/1.1 client `Sender` uses for plain-http URLs.
TRANSPORT = {"name": "aiohttp"}


@pytest.fixture(autouse=True, params=["aiohttp", "http1"])
def transport(request: pytest.FixtureRequest) -> Iterator[str]:
    TRANSPORT["name"] = request.param
    yield request.param
    TRANSPORT["name"] = "aiohttp"


async def send(request: WebhookRequest) -> DeliveryResult:
    if TRANSPORT["name"] == "http1":
        async with Sender() as sender:
            return await sender.deliver(request)
    async with aiohttp.ClientSession() as session:
        return await deliver(request, session)


def test_sender_sync_200_returns_bxml(loopback: Any) -> None:
    """A sync POST: exact JSON body and headers out, the BXML document and its URL back."""

    async def scenario() -> None:
        async with loopback.http(bxml_reply) as server:
            result = await send(webhook(Target(server.url + "/answer"), sync=True))
        assert result.ok
        assert (result.status, result.body, result.content_type) == (200, BXML, XML_TYPE)
        assert result.answered_url == server.url + "/answer"
        [seen] = server.seen
        assert (seen.method, seen.path, seen.body) == ("POST", "/answer", BODY)
        assert seen.headers["Content-Type"] == "application/json"
        assert seen.headers["User-Agent"] == f"Ringback/{__version__}"
        assert "Authorization" not in seen.headers
        [record] = result.attempts
        assert (record.status, record.response_body, record.error) == (200, BXML.decode(), None)
        assert record.duration_ms >= 0

    asyncio.run(scenario())


def test_sender_async_204_is_a_success(loopback: Any) -> None:
    """An async webhook answered 204 No Content is delivered."""

    async def scenario() -> None:
        async with loopback.http(status_reply(204)) as server:
            result = await send(webhook(Target(server.url + "/status")))
        assert (result.ok, result.status, result.body, result.empty_body) == (True, 204, b"", True)

    asyncio.run(scenario())


def test_sender_get_sends_query_exactly(loopback: Any) -> None:
    """GET carries the query pairs as given (order, repeats, `+`, spaces, unicode) and no body."""
    pairs = (("to", "+15551234567"), ("tag", "a b&c=d/é"), ("tag", ""), ("eventType", "answer"))

    async def scenario() -> None:
        async with loopback.http(bxml_reply) as server:
            result = await send(webhook(Target(server.url + "/answer?app=7", "GET"), query=pairs))
        assert result.ok
        [seen] = server.seen
        assert (seen.method, seen.path, seen.body) == ("GET", "/answer", b"")
        assert seen.query == [("app", "7"), *pairs]
        assert "Content-Type" not in seen.headers

    asyncio.run(scenario())


def test_sender_slow_primary_times_out_to_fallback(loopback: Any) -> None:
    """No answer within timeout_s is a timeout: not retried, the fallback answers."""
    release = asyncio.Event

    async def scenario() -> None:
        released = release()

        async def handler(request: web.Request) -> web.Response:
            if request.path == "/slow":
                await released.wait()
            return web.Response(body=BXML, headers={"Content-Type": XML_TYPE})

        async with loopback.http(handler) as server:
            try:
                primary, fallback = Target(server.url + "/slow"), Target(server.url + "/fb")
                result = await send(webhook(primary, fallback, timeout_s=1, sync=True))
            finally:
                released.set()
        assert [(r.target, r.error, r.status) for r in result.attempts] == [
            ("primary", "timeout", None),
            ("fallback", None, 200),
        ]
        assert result.answered_url == server.url + "/fb"
        assert [seen.path for seen in server.seen] == ["/slow", "/fb"]

    asyncio.run(scenario())


def test_sender_refused_connection_is_retried_once_then_fallback(loopback: Any) -> None:
    """A closed port: connect-error, one retry to the same URL, then the fallback."""

    async def scenario() -> None:
        refused_url = loopback.closed_port_url()
        async with loopback.http(bxml_reply) as server:
            result = await send(webhook(Target(refused_url), Target(server.url + "/fb")))
        assert [(r.target, r.url, r.error) for r in result.attempts] == [
            ("primary", refused_url, "connect-error"),
            ("primary", refused_url, "connect-error"),
            ("fallback", server.url + "/fb", None),
        ]
        assert result.attempts[1].note == "connection refused"
        assert result.answered_url == server.url + "/fb"

    asyncio.run(scenario())


def test_sender_reset_connection_is_retried_once(loopback: Any) -> None:
    """A server that resets the connection gets exactly two tries, then the webhook fails."""

    async def scenario() -> None:
        async with loopback.resetting() as (url, connections):
            result = await send(webhook(Target(url + "/answer"), sync=True))
        assert [r.error for r in result.attempts] == ["connect-error", "connect-error"]
        assert len(connections) == 2
        assert not result.ok
        assert result.error_message is not None
        assert result.error_message.startswith(f"Callback to {url}/answer failed: ")
        assert result.error_message.endswith(", retried once")

    asyncio.run(scenario())


def test_sender_500_goes_to_fallback(loopback: Any) -> None:
    """A 500 is a failure with no retry; the fallback's BXML is the answer."""

    async def scenario() -> None:
        async def handler(request: web.Request) -> web.Response:
            if request.path == "/answer":
                return web.Response(status=500, text="boom")
            return web.Response(body=BXML, headers={"Content-Type": XML_TYPE})

        async with loopback.http(handler) as server:
            primary, fallback = Target(server.url + "/answer"), Target(server.url + "/fb", "GET")
            result = await send(webhook(primary, fallback, query=(("callId", "c-1"),)))
        assert [seen.path for seen in server.seen] == ["/answer", "/fb"]
        assert [seen.method for seen in server.seen] == ["POST", "GET"]
        assert [r.status for r in result.attempts] == [500, 200]
        assert result.attempts[0].response_body == "boom"
        assert (result.ok, result.body, result.answered_url) == (True, BXML, server.url + "/fb")

    asyncio.run(scenario())


def test_sender_does_not_follow_redirects(loopback: Any) -> None:
    """A 302 is judged as it is, a failure; the Location is never fetched."""

    async def scenario() -> None:
        redirect = status_reply(302, {"Location": "/elsewhere"})
        async with loopback.http(redirect) as server:
            result = await send(webhook(Target(server.url + "/answer")))
        assert [seen.path for seen in server.seen] == ["/answer"]
        assert (result.ok, result.status) == (False, 302)

    asyncio.run(scenario())


def basic_header(user: str, password: str) -> str:
    """RFC 7617 by hand, as an independent oracle: `Basic base64(user:password)`."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def basic_protected(user: str, password: str, challenge: bool = True) -> Any:
    expected = basic_header(user, password)
    headers = {"WWW-Authenticate": 'Basic realm="app"'} if challenge else {}

    async def handler(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") == expected:
            return web.Response(body=BXML, headers={"Content-Type": XML_TYPE})
        return web.Response(status=401, headers=headers)

    return handler


def test_sender_challenge_resends_with_basic_credentials(loopback: Any) -> None:
    """401 + `WWW-Authenticate: Basic` → the same request again with the right header."""

    async def scenario() -> None:
        async with loopback.http(basic_protected("app", "s3cret")) as server:
            result = await send(webhook(Target(server.url + "/answer", "POST", "app", "s3cret")))
        first, second = server.seen
        assert "Authorization" not in first.headers
        assert second.headers["Authorization"] == basic_header("app", "s3cret")
        assert second.body == first.body == BODY
        assert [(r.status, r.authorization_sent) for r in result.attempts] == [
            (401, False),
            (200, True),
        ]
        assert result.ok

    asyncio.run(scenario())


def test_sender_401_without_challenge_fails_with_explanation(loopback: Any) -> None:
    """401 with no Basic challenge: credentials are not sent, the record says why."""

    async def scenario() -> None:
        handler = basic_protected("app", "s3cret", challenge=False)
        async with loopback.http(handler) as server:
            result = await send(webhook(Target(server.url + "/answer", "POST", "app", "s3cret")))
        [seen] = server.seen
        assert "Authorization" not in seen.headers
        assert not result.ok
        note = result.attempts[0].note
        assert note is not None
        assert "credentials were not sent. Use pre-emptive auth" in note

    asyncio.run(scenario())


def test_sender_preemptive_auth_sends_credentials_at_once(loopback: Any) -> None:
    """auth='preemptive' puts the Basic header on the first request."""

    async def scenario() -> None:
        handler = basic_protected("app", "s3cret", challenge=False)
        async with loopback.http(handler) as server:
            target = Target(server.url + "/answer", "POST", "app", "s3cret")
            result = await send(webhook(target, auth="preemptive"))
        [seen] = server.seen
        assert seen.headers["Authorization"] == basic_header("app", "s3cret")
        assert result.ok

    asyncio.run(scenario())


def test_sender_credentials_in_url_are_used_and_masked(loopback: Any) -> None:
    """`http://user:pass@host/path` (seed 003): Basic auth on the wire, `***` in the records."""

    async def scenario() -> None:
        async with loopback.http(basic_protected("user", "p@ss")) as server:
            url = server.url.replace("http://", "http://user:p%40ss@") + "/answer"
            result = await send(webhook(Target(url), sync=True))
        assert result.ok
        assert server.seen[1].headers["Authorization"] == basic_header("user", "p@ss")
        masked = server.url.replace("http://", "http://user:***@") + "/answer"
        assert [r.url for r in result.attempts] == [masked, masked]
        assert "p%40ss" not in repr(result.attempts)

    asyncio.run(scenario())


def test_sender_broken_body_is_not_a_connect_error(loopback: Any) -> None:
    """A response cut off after its status line is a failure of class `other`, not retried."""

    async def scenario() -> None:
        async def cut_off(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<Resp")
            await writer.drain()
            writer.close()
            await writer.wait_closed()

        server = await asyncio.start_server(cut_off, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            result = await send(webhook(Target(f"http://127.0.0.1:{port}/answer")))
        finally:
            server.close()
            await server.wait_closed()
        assert [r.error for r in result.attempts] == ["other"]
        assert not result.ok

    asyncio.run(scenario())


def test_sender_shares_one_session_without_cookies(loopback: Any) -> None:
    """`Sender` reuses its keep-alive connection, keeps no cookies, and closes cleanly."""

    async def scenario() -> None:
        peers: list[int] = []

        async def handler(request: web.Request) -> web.Response:
            assert request.transport is not None
            peers.append(request.transport.get_extra_info("peername")[1])
            response = web.Response(status=204)
            response.set_cookie("session", "abc")
            return response

        async with loopback.http(handler) as server:
            sender = Sender(connection_limit=8)
            try:
                session = sender.session
                # By name: a default cookie jar ignores cookies from IP-address hosts.
                named = server.url.replace("127.0.0.1", "localhost")
                first = await sender.deliver(webhook(Target(named + "/a")))
                second = await sender.deliver(webhook(Target(named + "/b")))
            finally:
                await sender.close()
        assert first.ok
        assert second.ok
        assert "Cookie" not in server.seen[1].headers
        assert peers[0] == peers[1]
        assert session.closed

    asyncio.run(scenario())
