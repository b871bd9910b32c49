"""A huge webhook reply is not read past 64 KB (issue 9, item 5)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from ringback.bxml import BxmlSyntaxError, parse
from ringback.delivery.policy import Target, WebhookRequest
from ringback.delivery.sender import MAX_REPLY_BYTES, Sender, deliver

CHUNK = b" " * (64 * 1024)
ENDLESS_BYTES = 256 * 1024 * 1024  # what the app would send if it were read to its end


@pytest.mark.parametrize("transport", ["aiohttp", "http1"])
def test_sender_stops_reading_a_reply_past_64_kb(loopback: Any, transport: str) -> None:
    """A 256 MB reply: 64 KB + 1 byte is read, the connection dropped, the parser refuses it."""
    written = 0

    async def endless(request: web.Request) -> web.StreamResponse:
        nonlocal written
        response = web.StreamResponse(headers={"Content-Type": "application/xml"})
        await response.prepare(request)
        await response.write(b"<Response>")
        try:
            while written < ENDLESS_BYTES:
                await response.write(CHUNK)
                written += len(CHUNK)
        except (ConnectionError, RuntimeError):  # the client hung up: what this test wants
            pass
        return response

    async def scenario() -> None:
        async with loopback.http(endless) as server:
            request = WebhookRequest(
                "answer", b"{}", (), Target(server.url + "/answer"), None, sync=True
            )
            if transport == "http1":  # Sender's lean client, for plain-http URLs
                async with Sender() as sender:
                    result = await sender.deliver(request)
            else:
                async with aiohttp.ClientSession() as session:
                    result = await deliver(request, session)
            await asyncio.sleep(0.05)  # let the app's handler see the closed connection
        assert result.ok
        assert len(result.body) == MAX_REPLY_BYTES + 1
        assert written < ENDLESS_BYTES // 4
        with pytest.raises(BxmlSyntaxError, match="limited to 64 KB"):
            parse(result.body)

    asyncio.run(scenario())
