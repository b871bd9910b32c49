"""The console's live stream (server-sent events) over real HTTP."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from console.conftest import Site
from ringback.console.live import Listener
from ringback.runtime.watchers import Entry


def _events(response: Any, wanted: str) -> dict[str, Any]:
    """Read the stream until an event named `wanted`; its data."""
    name = None
    for raw in response:
        line = raw.decode().rstrip("\n")
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: ") and name == wanted:
            data: dict[str, Any] = json.loads(line.removeprefix("data: "))
            return data
    raise AssertionError(f"the stream ended before a {wanted!r} event")


def test_console_live_stream_sends_new_calls_as_rows(site: Site) -> None:
    """A call placed while the page listens arrives as a `call` event with its rendered row."""
    with urllib.request.urlopen(site.url + "/_console/live", timeout=10) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        call_id = site.inbound(site.bad_url + "/boom")
        event = _events(stream, "call")
        assert event["callId"] == call_id
        assert f'<tr id="row-{call_id}"' in event["html"]


def test_console_live_stream_tells_a_call_page_of_a_reset(site: Site) -> None:
    """Watching one call, the page hears of a reset (its call is gone)."""
    call_id = site.inbound(site.bad_url + "/boom")
    with urllib.request.urlopen(f"{site.url}/_console/live?call={call_id}", timeout=10) as stream:
        site.request("/_ringback/reset", {})
        assert _events(stream, "reset") == {}


def test_console_listener_coalesces_and_bounds_what_waits() -> None:
    """Many changes to one call wait as one; past the bound the page is told to reload."""
    listener = Listener(None)
    for state in ("initiated", "answered", "disconnected"):
        listener(Entry("c-1", 0.0, "state", state, {}, {"callId": "c-1", "state": state}))
    calls, news, reset, overflow = listener.take()
    assert [call["state"] for call in calls] == ["disconnected"]
    assert (news, reset, overflow) == (False, False, False)
    for number in range(1001):
        listener(Entry(f"c-{number}", 0.0, "state", "initiated", {}, {"callId": f"c-{number}"}))
    calls, _news, _reset, overflow = listener.take()
    assert overflow
    assert len(calls) <= 1000


def test_console_listener_hears_the_watched_call_and_its_legs() -> None:
    """News of the watched call, and of a leg that starts from it, but not of other calls."""
    listener = Listener("c-1")
    listener(Entry("c-2", 0.0, "verb", "<Hangup> started", {}))
    assert listener.take()[1] is False
    leg = {"callId": "c-3", "parentCallId": "c-1", "state": "initiated"}
    listener(Entry("c-3", 0.0, "state", "initiated", {}, leg))
    assert listener.take()[1] is True
    listener(Entry("c-3", 0.0, "verb", "<Bridge> started", {}))
    assert listener.take()[1] is True
