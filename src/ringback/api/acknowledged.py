"""What the API acknowledges is on disk: a write request's success goes out after its commit.

The store batches commits (one per driver turn, or one per 50 ms while webhooks are in
flight), so a call answered 201 could still be only in memory when the process died: 3 calls of
50 vanished when killed a millisecond after their 201. This middleware holds back the status
line of every successful response to a request that changes something (any method but GET,
HEAD and OPTIONS) until `Platform.committed()` returns; requests waiting in the same turn share
one commit, and reads never wait.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ringback.runtime import Platform

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CommitBeforeAcknowledging:
    """ASGI middleware: a 2xx to a write request is sent once the store has committed."""

    def __init__(self, app: ASGIApp, platform: Platform) -> None:
        self.app = app
        self.platform = platform

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in READ_METHODS:
            await self.app(scope, receive, send)
            return

        async def send_committed(message: Message) -> None:
            if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
                await self.platform.committed()
            await send(message)

        await self.app(scope, receive, send_committed)
