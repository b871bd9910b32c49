"""Reading request bodies: the one size cap and the one JSON reader of every endpoint.

How this works. `BodyLimitMiddleware` sits in front of every route and counts the bytes of each
request body as the server hands them over: a `Content-Length` over the cap is refused before
any byte is read, and a streamed (chunked) body is refused the moment it passes the cap, so a
client can never make the server hold more than `MAX_REQUEST_BODY_BYTES` of it. JSON endpoints
take at most `MAX_JSON_BODY_BYTES` (`read_json`), far above what any of them needs (the largest
is a phone script of some thousand steps). The JSON itself is read by the one JSON reader,
`ringback.api.json_input.parse_json`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ringback.api.errors import response_for
from ringback.api.json_input import parse_json
from ringback.errors import PayloadTooLargeError
from ringback.messaging.limits import MAX_UPLOAD_BYTES

MAX_REQUEST_BODY_BYTES = 1024 * 1024  # any body; a BXML document is at most 64 KB
# The one larger body: a file for the messaging media store (PUT .../media/{mediaId}).
MAX_MEDIA_UPLOAD_BYTES = MAX_UPLOAD_BYTES


def body_cap(scope: Scope, default: int) -> int:
    """The most a request may send: `default`, or a media file's cap for a media upload."""
    if scope.get("method") in ("PUT", "POST") and "/media/" in str(scope.get("path", "")):
        return max(default, MAX_MEDIA_UPLOAD_BYTES)
    return default


MAX_JSON_BODY_BYTES = 256 * 1024


def too_large(limit: int) -> PayloadTooLargeError:
    """The 413 for a body over `limit` bytes."""
    return PayloadTooLargeError(
        f"The request body is larger than this endpoint takes ({limit} bytes)"
    )


class BodyLimitMiddleware:
    """Refuse (413) any request body over `max_bytes`, before or while it is read."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_REQUEST_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = body_cap(scope, self.max_bytes)
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > cap:
                # Outside the app's exception handlers: answer here, the body never read.
                client = scope.get("client") or ("", 0)
                path, method = str(scope.get("path", "")), str(scope.get("method", ""))
                response = response_for(too_large(cap), path, method, str(client[0]))
                await response(scope, receive, send)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise too_large(cap)
            return message

        await self.app(scope, counted, send)


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The request's body, refused (413) past `max_bytes` without reading further."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request, *, empty: Any = None) -> Any:
    """The request's JSON body (at most `MAX_JSON_BODY_BYTES`); `empty` when it is blank."""
    raw = await read_body(request, MAX_JSON_BODY_BYTES)
    return parse_json(raw, empty=empty)
