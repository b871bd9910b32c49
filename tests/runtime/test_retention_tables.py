"""Nothing grows per call, message or conference in a running server (issue 9): after many of
each, every table reachable from the platform and the ASGI app holds what it held after half
as many, and the APIs still answer for what left memory. `make soak` runs more rounds
(RINGBACK_SOAK_ROUNDS)."""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import os
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from ringback.api import control_conferences
from ringback.engine.clock import ClockMode
from ringback.hosting.server import BackgroundServer, start_in_thread
from ringback.runtime import PlatformConfig

from .reachable import grown, table_sizes

ACCOUNT = "9900000"
V1 = f"/v1/users/{ACCOUNT}"
AUTH = "Basic " + base64.b64encode(b"ringback:ringback").decode()
KEPT = 3  # ended calls, conferences, messages, v1 rooms kept in memory
ROUNDS = int(os.environ.get("RINGBACK_SOAK_ROUNDS", "8"))
PHONES = [f"+1555000000{n}" for n in range(1, 6)]
APP_NUMBER = "+15559990000"
V1_NUMBER = "+19195550100"
# Bounded by design, and busy or idle depending on the moment: connection pools.
NOT_TABLES = ("platform.sender",)
ANSWER = (
    '<Response><StartRecording/><StartStream name="s" destination="{ws}"/>'
    '<StartTranscription name="t" destination="{ws}"/><SpeakSentence>hello there</SpeakSentence>'
    '<Record maxDuration="2" transcribe="true"/><Gather maxDigits="1" firstDigitTimeout="1"/>'
    "<StopRecording/><Hangup/></Response>"
)


class Sockets:
    """A WebSocket server on loopback, in a thread, reading each media stream and live
    transcription to its end."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.opened = 0
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        app = web.Application()
        app.router.add_get("/ws", self.handle)
        self.runner = web.AppRunner(app)
        self.url = asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(30)

    async def _start(self) -> str:
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        host, port = self.runner.addresses[0][:2]
        return f"ws://{host}:{port}/ws"

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.opened += 1
        async for _ in ws:
            pass
        return ws

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
        self.loop.close()


class App(BaseHTTPRequestHandler):
    """The app: BXML for `/answer` and `/conf?room=`, 200 for every other callback."""

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/conf"):
            room = self.path.rsplit("=", 1)[1]
            body = f"<Response><Conference>room-{room}</Conference></Response>".encode()
        else:
            answer = ANSWER.format(ws=self.server.sockets.url)  # type: ignore[attr-defined]
            body = answer.encode() if self.path.startswith("/answer") else b""
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST


class Live:
    """A running server, driven over HTTP as an app and a test would."""

    def __init__(self, server: BackgroundServer, app_url: str, sockets: Sockets) -> None:
        self.server = server
        self.app = app_url
        self.sockets = sockets

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any, str]:
        """(status, JSON body, Location) of one request."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", "Authorization": AUTH}
        request = urllib.request.Request(
            self.server.url + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
                location = response.headers.get("Location") or ""
                return response.status, json.loads(raw) if raw else None, location
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw else None, ""

    def ok(self, method: str, path: str, body: Any = None) -> tuple[Any, str]:
        """A request that must succeed: (JSON body, the id its Location ends with)."""
        status, reply, location = self.request(method, path, body)
        assert status < 300, (method, path, status, reply)
        return reply, location.rsplit("/", 1)[-1]

    def advance(self, seconds: float) -> None:
        """Move the manual clock; the request returns once the webhooks it set off landed."""
        self.ok("POST", "/_ringback/clock/advance", {"seconds": seconds})

    def sizes(self) -> Counter[str]:
        """Every table's entries, counted on the server's loop once it is quiet."""
        prepared = self.server.prepared
        platform = prepared.platform

        async def count() -> Counter[str]:
            await platform.quiet.wait()
            gc.collect()
            found = table_sizes(platform, "platform") + table_sizes(
                prepared.server.config.loaded_app, "app"
            )
            return Counter({p: n for p, n in found.items() if not p.startswith(NOT_TABLES)})

        loop = platform._driver.get_loop()  # type: ignore[union-attr]
        return asyncio.run_coroutine_threadsafe(count(), loop).result(60)


class AppServer(ThreadingHTTPServer):
    """The app's server, with room for every webhook of a round at once (the default backlog
    of 5 makes the rest wait a second for their SYN to be sent again), and its WebSockets."""

    request_queue_size = 128
    sockets: Sockets


@pytest.fixture
def kept() -> int:
    """How many of each ended thing the server keeps in memory."""
    return KEPT


@pytest.fixture
def live(tmp_path: Path, kept: int) -> Iterator[Live]:
    """A server on a manual clock keeping `kept` of each ended thing, and its app."""
    app = AppServer(("127.0.0.1", 0), App)
    app.sockets = Sockets()
    threading.Thread(target=app.serve_forever, daemon=True).start()
    config = PlatformConfig(clock=ClockMode.MANUAL, start_time=1.7e9, ended_calls_kept=kept)
    server = start_in_thread(config, tmp_path / "db.sqlite3")
    live = Live(server, f"http://127.0.0.1:{app.server_address[1]}", app.sockets)
    try:
        set_up(live)
        yield live
    finally:
        live.server.stop()  # a test may have restarted it
        server.stop()
        app.shutdown()
        app.server_close()
        app.sockets.close()


def set_up(live: Live) -> None:
    """Phones that answer and hang up 5 s later, a voice, a messaging and a v1 application."""
    for number in PHONES:
        live.ok("PUT", f"/_ringback/phones/{number}", {"steps": [{"wait": 5}, {"hangup": True}]})
    callbacks = {"inboundCallbackUrl": live.app + "/in", "outboundCallbackUrl": live.app + "/st"}
    live.ok("PUT", "/_ringback/applications/sms-app", callbacks)
    live.ok("PUT", f"/_ringback/numbers/{APP_NUMBER}", {"applicationId": "sms-app"})
    v1_app = {"name": "v1", "incomingCallUrl": live.app + "/v1", "incomingMessageUrl": live.app}
    _, app_id = live.ok("POST", f"{V1}/applications", v1_app)
    live.ok("POST", f"{V1}/phoneNumbers", {"number": V1_NUMBER, "applicationId": app_id})


def one_of_each(live: Live, n: int) -> dict[str, str]:
    """A call (recorded, transcribed, a media stream and a live transcription, a gather), a
    conference of two calls, a message out and one in, a v1 call, a v1 conference of two calls,
    a v1 bridge and a v1 message; their ids."""
    calls = f"/api/v2/accounts/{ACCOUNT}/calls"
    place = {"from": "+15551112222", "applicationId": "app-1"}
    ids: dict[str, str] = {}
    answered = {**place, "to": PHONES[0], "answerUrl": live.app + "/answer"}
    ids["call"] = live.ok("POST", calls, answered)[0]["callId"]
    for to in PHONES[1:3]:
        live.ok("POST", calls, {**place, "to": to, "answerUrl": f"{live.app}/conf?room={n}"})
    text = {"applicationId": "sms-app", "to": [PHONES[3]], "from": APP_NUMBER, "text": f"hi {n}"}
    ids["message"] = live.ok("POST", f"/api/v2/users/{ACCOUNT}/messages", text)[0]["id"]
    live.ok("POST", "/_ringback/messages", {"from": PHONES[3], "to": APP_NUMBER, "text": "yo"})
    v1_call = {"from": V1_NUMBER, "callbackUrl": live.app + "/v1c"}
    ids["v1Call"] = live.ok("POST", f"{V1}/calls", {**v1_call, "to": PHONES[0]})[1]
    ids["v1Conference"] = live.ok("POST", f"{V1}/conferences", v1_call)[1]
    members = [
        live.ok("POST", f"{V1}/calls", {**v1_call, "to": to, "conferenceId": ids["v1Conference"]})[
            1
        ]
        for to in PHONES[1:3]
    ]
    legs = [live.ok("POST", f"{V1}/calls", {**v1_call, "to": to})[1] for to in PHONES[3:5]]
    live.advance(2)  # every call answered
    ids["v1Bridge"] = live.ok("POST", f"{V1}/bridges", {"callIds": legs, "bridgeAudio": True})[1]
    for call_id in members:
        live.ok("POST", f"{V1}/conferences/{ids['v1Conference']}/members", {"callId": call_id})
    v1_text = {"from": V1_NUMBER, "to": PHONES[3], "text": f"v1 {n}"}
    ids["v1Message"] = live.ok("POST", f"{V1}/messages", v1_text)[1]
    conferences = live.ok("GET", "/_ringback/conferences")[0]["conferences"]
    ids["conference"] = next(c["id"] for c in conferences if c["name"] == f"room-{n}")
    live.advance(60)  # every call over, every callback delivered
    return ids


@pytest.mark.parametrize("kept", [0])
def test_retention_tables_return_to_their_size(live: Live) -> None:
    """Twice as many of everything leave every table at the size it had, and with no window
    (everything ended is evicted at once: which ended things a window holds depends on the
    order they ended in) the engine's tables empty."""
    for n in range(ROUNDS):
        one_of_each(live, n)
    halfway = live.sizes()
    for n in range(ROUNDS, 2 * ROUNDS):
        one_of_each(live, n)
    assert grown(halfway, live.sizes()) == {}
    assert live.sockets.opened == 2 * 2 * ROUNDS  # a stream and a transcription a round
    platform = live.server.prepared.platform
    engine = platform.engine
    tables = (engine.calls, engine.conferences, engine.v1_conferences, engine.v1_bridges)
    assert [len(table) for table in tables] == [0, 0, 0, 0]
    assert len(platform.texting.core.messages) == 0


def test_retention_evicted_items_still_answer(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    """What left memory is read from the store: a call, a conference (REST, control API, its
    recordings), messages (v2, control, v1). v1 calls, conferences and bridges live in memory
    only: beyond the window they are gone (404), as docs/reliability.md says."""
    first = one_of_each(live, 0)
    for n in range(1, KEPT + 2):
        one_of_each(live, n)
    platform = live.server.prepared.platform
    assert first["conference"] not in platform.engine.conferences
    assert first["message"] not in platform.texting.core.messages

    call, _ = live.ok("GET", f"/api/v2/accounts/{ACCOUNT}/calls/{first['call']}")
    assert call["disconnectCause"] == "hangup"

    conference = f"/api/v2/accounts/{ACCOUNT}/conferences/{first['conference']}"
    view, _ = live.ok("GET", conference)
    assert (view["name"], view["activeMembers"]) == ("room-0", [])
    assert view["completedTime"] is not None
    listed, _ = live.ok("GET", f"/api/v2/accounts/{ACCOUNT}/conferences?name=room-0")
    assert [c["id"] for c in listed] == [first["conference"]]
    assert "activeMembers" not in listed[0]
    status, error, _ = live.request("POST", conference, {"status": "completed"})
    assert status == 409, error
    story, _ = live.ok("GET", f"/_ringback/conferences/{first['conference']}")
    assert len(story["members"]) == 2
    assert all(member["leftAt"] is not None for member in story["members"])
    assert story["conference"] == view
    everything, _ = live.ok("GET", "/_ringback/conferences")
    assert len(everything["conferences"]) == 2 * (KEPT + 2)  # each v1 one has a <Conference>
    monkeypatch.setattr(control_conferences, "MAX_LISTED", 3)
    newest, _ = live.ok("GET", "/_ringback/conferences")
    assert newest["conferences"] == everything["conferences"][:3]
    assert everything["conferences"][-1]["id"] == first["conference"]

    message, _ = live.ok("GET", f"/_ringback/messages/{first['message']}")
    assert message["messageId"] == first["message"]
    assert message["recipients"][0]["status"] == "DELIVERED"
    found, _ = live.ok("GET", f"/api/v2/users/{ACCOUNT}/messages?messageId={first['message']}")
    assert [m["messageStatus"] for m in found["messages"]] == ["DELIVERED"]
    v1_message, _ = live.ok("GET", f"{V1}/messages/{first['v1Message']}")
    assert v1_message["state"] == "sent"

    for path in (
        f"{V1}/calls/{first['v1Call']}",
        f"{V1}/conferences/{first['v1Conference']}",
        f"{V1}/bridges/{first['v1Bridge']}",
    ):
        assert live.request("GET", path)[0] == 404, path


def test_retention_ended_conferences_survive_a_restart(live: Live, tmp_path: Path) -> None:
    """An ended conference is stored when it completes: a restarted server still shows it."""
    ids = one_of_each(live, 0)
    live.server.stop()
    config = PlatformConfig(clock=ClockMode.MANUAL, start_time=1.7e9)
    live.server = start_in_thread(config, tmp_path / "db.sqlite3")
    view, _ = live.ok("GET", f"/api/v2/accounts/{ACCOUNT}/conferences/{ids['conference']}")
    assert (view["name"], view["activeMembers"]) == ("room-0", [])
    listed, _ = live.ok("GET", "/_ringback/conferences")
    assert ids["conference"] in [c["id"] for c in listed["conferences"]]
