"""The whole app: both APIs on one server, and every request touching the platform."""

from __future__ import annotations

import base64

from starlette.types import Message, Receive, Scope, Send

from ringback.api.app import TouchMiddleware

from .conftest import Live


async def test_app_serves_rest_and_control_side_by_side(ringback: Live) -> None:
    """/api/v2 answers with Bandwidth's auth rules next to /_ringback."""
    status, error = await ringback.get("/api/v2/accounts/9900000/calls")
    assert (status, error["type"]) == (401, "authentication-error")
    headers = {"Authorization": "Basic " + base64.b64encode(b"ringback:ringback").decode()}
    status, calls = await ringback.get("/api/v2/accounts/9900000/calls", headers=headers)
    assert (status, calls) == (200, [])
    assert (await ringback.get("/_ringback/clock"))[0] == 200


class CountingPlatform:
    """Stands in for a Platform: counts touch() calls."""

    def __init__(self) -> None:
        self.touches = 0

    def touch(self) -> None:
        self.touches += 1


async def test_app_touch_middleware_touches_before_handling() -> None:
    """Each HTTP request touches the platform before the app sees it; lifespan events do not."""
    platform = CountingPlatform()
    seen: list[int] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(platform.touches)

    middleware = TouchMiddleware(inner, platform)  # type: ignore[arg-type]

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None:
        pass

    await middleware({"type": "http"}, receive, send)
    await middleware({"type": "lifespan"}, receive, send)
    assert seen == [1, 1]
