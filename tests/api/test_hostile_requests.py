"""Hostile requests get a 4xx that says what was wrong, never a 500, and the server goes on
(issue 9, items 2, 5, 6 and 10), against a live server over loopback."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import AsyncIterator

import pytest

from ringback.api.json_input import MAX_JSON_DEPTH
from ringback.api.request_body import MAX_JSON_BODY_BYTES, MAX_REQUEST_BODY_BYTES

from .conftest import ACCOUNT, PASSWORD, USERNAME, Live

PHONE = "/_ringback/phones/+15551234567"
CALLS = f"/api/v2/accounts/{ACCOUNT}/calls"
AUTH = {
    "Authorization": "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode(),
    "Content-Type": "application/json",
}


async def still_serving(live: Live) -> None:
    """The clock and the call list still answer."""
    assert (await live.get("/_ringback/clock"))[0] == 200
    assert (await live.get(CALLS, headers=AUTH))[0] == 200


async def test_hostile_phone_wait_of_1e12_is_refused(ringback: Live) -> None:
    """The reproducer of item 2: accepted, it pushed the clock past 9999 and broke the server."""
    status, body = await ringback.put(PHONE, {"steps": [{"wait": 1e12}, {"hangup": True}]})
    assert status == 400, body
    assert "steps[0].wait" in body["description"]
    await still_serving(ringback)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
async def test_hostile_json_constants_are_refused(ringback: Live, constant: str) -> None:
    """NaN and Infinity are not JSON: 400, not a stored script whose timeline answers 500."""
    status, body = await ringback.call("PUT", PHONE, f'{{"steps": [{{"wait": {constant}}}]}}')
    assert status == 400, body
    assert f"{constant.lstrip('-')} is not a JSON number" in body["description"]
    status, body = await ringback.call(
        "POST", CALLS, f'{{"callTimeout": {constant}}}', headers=AUTH
    )
    assert status == 400, body
    await still_serving(ringback)


@pytest.mark.parametrize("path", [PHONE, CALLS, "/_ringback/calls", "/_ringback/clock/advance"])
async def test_hostile_huge_integer_is_refused(ringback: Live, path: str) -> None:
    """A 5,000-digit integer is a 400 on control and REST endpoints alike."""
    method = "PUT" if path == PHONE else "POST"
    raw = '{"answerAfter": ' + "1" * 5000 + "}"
    status, body = await ringback.call(method, path, raw, headers=AUTH)
    assert status == 400, body
    assert "more than 4,300 digits" in body["description"]


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 100_000])
@pytest.mark.parametrize("path", [PHONE, CALLS, "/_ringback/calls/c-1/phone"])
async def test_hostile_deep_nesting_is_refused(ringback: Live, depth: int, path: str) -> None:
    """JSON nested deeper than any body needs is a 400 (1,000 deep was a 500)."""
    method = "PUT" if path == PHONE else "POST"
    status, body = await ringback.call(method, path, "[" * depth + "]" * depth, headers=AUTH)
    assert status == 400, body
    assert f"nested more than {MAX_JSON_DEPTH} deep" in body["description"]


@pytest.mark.parametrize("path", [PHONE, CALLS])
async def test_hostile_json_body_over_its_cap_is_413(ringback: Live, path: str) -> None:
    """A JSON body over the JSON cap is refused by its length, unread."""
    method = "PUT" if path == PHONE else "POST"
    raw = '{"steps": "' + "x" * MAX_JSON_BODY_BYTES + '"}'
    status, body = await ringback.call(method, path, raw, headers=AUTH)
    assert status == 413, body
    assert str(MAX_JSON_BODY_BYTES) in body["description"]
    await still_serving(ringback)


async def test_hostile_any_body_over_the_cap_is_413(ringback: Live) -> None:
    """Every endpoint, the BXML one too, refuses a body over the request cap."""
    raw = io.BytesIO(b"<Response>" + b" " * MAX_REQUEST_BODY_BYTES + b"</Response>")
    headers = {**AUTH, "Content-Type": "application/xml"}
    url = f"{ringback.server.url}{CALLS}/c-1/bxml"
    async with ringback.http.put(url, data=raw, headers=headers) as response:
        assert response.status == 413
        assert str(MAX_REQUEST_BODY_BYTES) in (await response.json())["description"]


async def test_hostile_streamed_body_is_cut_off_at_the_cap(ringback: Live) -> None:
    """A chunked body with no length is refused once it passes the cap, not read to its end."""
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"steps": "'
        while sent < 64 * MAX_JSON_BODY_BYTES:  # 16 MB if read to the end
            sent += 64 * 1024
            # A generator that never awaits keeps aiohttp's writer from ever letting the
            # client read the answer; a real client's body source waits now and then.
            await asyncio.sleep(0)
            yield b"x" * (64 * 1024)

    async with ringback.http.put(ringback.server.url + PHONE, data=endless()) as response:
        sent_when_answered = sent
        assert response.status == 413
    assert sent_when_answered < 64 * MAX_JSON_BODY_BYTES
    await still_serving(ringback)


async def test_hostile_wrong_method_is_405_with_allow(ringback: Live) -> None:
    """A 405 says which methods the path takes (RFC 9110 §15.5.6)."""
    async with ringback.http.get(ringback.server.url + "/_ringback/reset") as response:
        assert response.status == 405
        assert response.headers["Allow"] == "POST"
    async with ringback.http.delete(ringback.server.url + "/_ringback/clock") as response:
        assert response.status == 405
        assert "GET" in response.headers["Allow"]


async def test_hostile_v1_requests_get_v1_error_bodies(ringback: Live) -> None:
    """The v1 API refuses the same input through the same reader, in its own error shape."""
    path = f"/v1/users/{ACCOUNT}/applications"
    status, body = await ringback.call("POST", path, "[" * 1000 + "]" * 1000, headers=AUTH)
    assert status == 400, body
    assert body["code"] == "invalid-json"
    assert "nested more than" in body["message"]
    raw = io.BytesIO(b"{" + b" " * MAX_REQUEST_BODY_BYTES + b"}")
    url = ringback.server.url + path
    async with ringback.http.post(url, data=raw, headers=AUTH) as response:
        assert response.status == 413
        assert (await response.json())["code"] == "request-too-large"
