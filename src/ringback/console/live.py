"""The console's live stream: server-sent events from the platform's watchers.

How this works. `GET /_console/live` subscribes one `Listener` to the platform's watchers for as
long as the browser stays. A listener keeps, until the stream sends them, the latest state of
each call that changed (so a burst of changes to one call is one event) and, when the page
watches one call (`?call=ID`), whether that call or one of its legs had news. Memory is bounded:
past MAX_PENDING_CALLS the listener forgets the details and tells the page to reload. The
events: `call` (a call's row, rendered by the same template as the list's), `news` (something
happened on the watched call: fetch its page again), `reset`, `reload`. The stream ends when
the browser leaves or the server stops (it checks `app.state.stopping` every STOP_POLL_S).
Batches go out at most every BATCH_INTERVAL_S, so a busy platform costs an open page a few
renders a second, not one per change.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute

from ringback.console.site import Console
from ringback.runtime.watchers import Entry

MAX_PENDING_CALLS = 1000
STOP_POLL_S = 0.5
# At most this often a page is sent a batch: under load, changes coalesce instead of making
# the server render a row per change for every open page.
BATCH_INTERVAL_S = 0.2
KEEPALIVE_S = 15.0
RETRY_MS = 1000  # how soon the browser reconnects after the stream ends


def live_routes(console: Console) -> list[BaseRoute]:
    """The stream's route."""
    return [console.route("/_console/live", lambda request: _stream(console, request))]


class Listener:
    """What one open stream has yet to send."""

    def __init__(self, call_id: str | None) -> None:
        self.watched = {call_id} if call_id else set()
        self.calls: dict[str, Mapping[str, Any]] = {}
        self.news = False
        self.reset = False
        self.overflow = False
        self.wake = asyncio.Event()

    def __call__(self, entry: Entry) -> None:
        if entry.kind == "reset":
            self.reset, self.news = True, True
            self.calls.clear()
        elif entry.call is not None:
            call = entry.call
            if call.get("parentCallId") in self.watched:
                self.watched.add(str(call["callId"]))  # a new leg of the watched call
            if len(self.calls) >= MAX_PENDING_CALLS and entry.owner not in self.calls:
                self.overflow = True
                self.calls.clear()
            else:
                self.calls[entry.owner] = call
        if entry.owner in self.watched:
            self.news = True
        self.wake.set()

    def take(self) -> tuple[list[Mapping[str, Any]], bool, bool, bool]:
        """What to send now: changed calls, news, reset, overflow; then start afresh."""
        taken = (list(self.calls.values()), self.news, self.reset, self.overflow)
        self.calls, self.news, self.reset, self.overflow = {}, False, False, False
        self.wake.clear()
        return taken


async def _stream(console: Console, request: Request) -> Response:
    listener = Listener(request.query_params.get("call") or None)
    unsubscribe = console.platform.watchers.subscribe(listener)
    stopping: Callable[[], bool] = getattr(request.app.state, "stopping", lambda: False)
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    events = _events(console, listener, unsubscribe, stopping)
    return StreamingResponse(events, media_type="text/event-stream", headers=headers)


async def _events(
    console: Console,
    listener: Listener,
    unsubscribe: Callable[[], None],
    stopping: Callable[[], bool],
) -> AsyncIterator[str]:
    try:
        yield f"retry: {RETRY_MS}\n\n"
        quiet = 0.0
        while not stopping():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(STOP_POLL_S):
                    await listener.wake.wait()
            if not listener.wake.is_set():
                quiet += STOP_POLL_S
                if quiet >= KEEPALIVE_S:
                    quiet = 0.0
                    yield ": still here\n\n"
                continue
            quiet = 0.0
            calls, news, reset, overflow = listener.take()
            if overflow:
                yield _event("reload", {})
            if reset:
                yield _event("reset", {})
            for call in calls:
                row = console.templates.get_template("call_row.html").render(call=call)
                yield _event("call", {"callId": call["callId"], "state": call, "html": row})
            if news:
                yield _event("news", {})
            await asyncio.sleep(BATCH_INTERVAL_S)
    finally:
        unsubscribe()


def _event(name: str, data: Any) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"
