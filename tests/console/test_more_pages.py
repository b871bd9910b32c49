"""The console's conference and message pages, and the call page's media streams."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from console.conftest import Site
from ringback.console.pages import media_sockets
from ringback.engine.clock import ClockMode
from ringback.hosting.server import start_in_thread
from ringback.runtime import PlatformConfig

SRC = Path(__file__).resolve().parents[2] / "src" / "ringback"
CONFERENCE_BXML = "<Response><Conference>standup</Conference></Response>"


@pytest.fixture
def conference_app(serve_in_thread: object) -> Iterator[str]:
    """An app that puts every call into the conference `standup`."""

    async def answer(_request: web.Request) -> web.Response:
        return web.Response(text=CONFERENCE_BXML, content_type="application/xml")

    app = web.Application()
    app.router.add_post("/answer", answer)
    with serve_in_thread(app) as url:  # type: ignore[operator]
        yield url


def test_console_conference_shows_members_over_time(tmp_path: Path, conference_app: str) -> None:
    """Two calls join a conference and leave: the list, the page's lanes, the JSON twin."""
    config = PlatformConfig(clock=ClockMode.MANUAL)  # both calls up before time moves
    server = start_in_thread(config, tmp_path / "db.sqlite3")
    try:
        _conference_pages(Site(server, "", ""), conference_app)
    finally:
        server.stop()


def _conference_pages(site: Site, conference_app: str) -> None:
    leaves = [{"steps": [{"wait": seconds}, {"hangup": True}]} for seconds in (2, 5)]
    calls = [site.inbound(conference_app + "/answer", phone, wait=False) for phone in leaves]
    site.request("/_ringback/clock/advance", {"seconds": 10})
    for call_id in calls:
        assert site.request(f"/_ringback/calls/{call_id}/wait").status == 200
    listed = site.request("/_ringback/conferences").json()["conferences"]
    assert [(c["name"], c["memberCount"]) for c in listed] == [("standup", 2)]
    conference_id = listed[0]["id"]
    page = site.request("/conferences")
    assert f'href="/conferences/{conference_id}"' in page.text
    story = site.request(f"/_ringback/conferences/{conference_id}").json()
    assert [m["callId"] for m in story["members"]] == calls
    first, second = story["members"]
    assert second["leftAt"] - first["leftAt"] == pytest.approx(3.0)
    page = site.request(f"/conferences/{conference_id}")
    assert page.status == 200
    lanes = re.findall(
        r'<span class="lane-tag lane-\d">member</span> <a class="mono" href="/calls/([^"]+)"',
        page.text,
    )
    assert lanes == calls
    assert site.request("/conferences/nope").status == 404


def test_console_messages_list_and_page(site: Site) -> None:
    """A text to the account's number: listed, its page shows the text and its callback."""
    site.request(
        "/_ringback/applications/sms",
        {"inboundCallbackUrl": site.bad_url + "/broken", "callInitiatedCallbackUrl": site.bad_url},
        "PUT",
    )
    site.request("/_ringback/numbers/+15550001111", {"applicationId": "sms"}, "PUT")
    sent = site.request(
        "/_ringback/messages", {"from": "+15552223333", "to": "+15550001111", "text": "STOP"}
    )
    (message_id,) = sent.json()["messageIds"]
    assert site.request(f"/_ringback/messages/{message_id}/wait").status == 200
    listed = site.request("/_ringback/messages").json()["messages"]
    assert [m["messageId"] for m in listed] == [message_id]
    page = site.request("/messages")
    assert f'href="/messages/{message_id}"' in page.text
    assert "STOP" in page.text
    page = site.request(f"/messages/{message_id}")
    assert page.status == 200
    assert '<blockquote class="transcript" id="message-text">STOP</blockquote>' in page.text
    assert '<span class="what">message-received</span>' in page.text
    assert f'href="/_ringback/messages/{message_id}/timeline"' in page.text
    assert site.request("/messages/nope").status == 404
    assert site.request("/_ringback/messages?limit=0").status == 400


def test_console_media_sockets_gathers_each_sockets_story() -> None:
    """A stream's notes, in order, with its last figures and its error."""
    entries = [
        {"kind": "websocket", "summary": "WebSocket connected to ws://app/s",
         "detail": {"socketId": 1, "purpose": "stream", "tracks": ["inbound"]}},
        {"kind": "verb", "summary": "<StopStream> started", "detail": {}},
        {"kind": "websocket", "summary": "WebSocket closed by the app (1011): error",
         "detail": {"socketId": 1, "purpose": "stream", "closeCode": 1011, "cause": "error",
                    "errorMessage": "boom", "frames": 50, "bytesSent": 8000}},
    ]  # fmt: skip
    (socket,) = media_sockets(entries)
    assert socket["notes"] == [
        "WebSocket connected to ws://app/s",
        "WebSocket closed by the app (1011): error",
    ]
    assert (socket["closeCode"], socket["cause"], socket["frames"]) == (1011, "error", 50)
    assert socket["errorMessage"] == "boom"
    assert socket["tracks"] == ["inbound"]


def test_watchers_hear_every_timeline_entry() -> None:
    """Only Platform.note writes timeline entries, so the log and the console hear them all."""
    writers = []
    for path in sorted((SRC / "runtime").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "add_timeline":
                writers.append(path.name)
    assert writers == ["platform.py"]
    assert "self.store.add_timeline" in (SRC / "runtime" / "platform.py").read_text()


def test_console_bad_message_limit_is_named(tmp_path: Path) -> None:
    """`/messages?limit=x` is a 400 page naming the limit."""
    server = start_in_thread(PlatformConfig(), tmp_path / "db.sqlite3")
    try:
        page = Site(server, "", "").request("/messages?limit=x")
        assert page.status == 400
        assert "limit must be a whole number" in page.text
    finally:
        server.stop()
