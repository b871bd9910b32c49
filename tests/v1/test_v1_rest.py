"""The v1 REST API by hand on a manual clock: answer/reject, gathers, stops, bad input."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from ringback.engine.clock import ClockMode

from .conftest import V1Server

CLOCK = ClockMode.MANUAL


class Recorder:
    """A loopback app that answers 200 and keeps every callback's JSON body."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                recorder.events.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def kinds(self, call_id: str) -> list[str]:
        """The eventTypes received about a call."""
        return [e["eventType"] for e in self.events if e.get("callId") == call_id]


@pytest.fixture(scope="module")
def app() -> Iterator[Recorder]:
    """The recording app, for the module."""
    recorder = Recorder()
    yield recorder
    recorder.server.shutdown()
    recorder.server.server_close()


def settle(v1server: V1Server, seconds: float = 0.0) -> None:
    """Move the manual clock (0: just let in-flight callbacks land) and wait for quiet."""
    v1server.request("POST", "/_ringback/clock/advance", {"seconds": seconds})


def new_id(reply: Any) -> str:
    """The id at the end of a 201's Location."""
    assert reply.status == 201, reply.body
    assert reply.body is None
    headers = {name.lower(): value for name, value in reply.headers.items()}
    assert "content-type" not in headers
    return str(headers["location"].rsplit("/", 1)[1])


def test_inbound_without_auto_answer_is_answered_or_rejected_by_rest(
    v1server: V1Server, app: Recorder
) -> None:
    """autoAnswer false: `started` until POST state active; a reject is hangup CALL_REJECTED."""
    app_id = new_id(
        v1server.v1(
            "POST",
            "/applications",
            {"name": "manual", "incomingCallUrl": app.url, "autoAnswer": "false"},
        )
    )
    new_id(
        v1server.v1("POST", "/phoneNumbers", {"number": "+19195550200", "applicationId": app_id})
    )
    inbound = {"from": "+15551230200", "to": "+19195550200"}
    first = v1server.request("POST", "/_ringback/calls", inbound).body["callId"]
    settle(v1server)
    assert v1server.v1("GET", f"/calls/{first}").body["state"] == "started"
    assert v1server.v1("POST", f"/calls/{first}", {"state": "active"}).status == 200
    settle(v1server)
    assert v1server.v1("GET", f"/calls/{first}").body["state"] == "active"
    assert v1server.v1("POST", f"/calls/{first}", {"state": "completed"}).status == 200
    settle(v1server)
    assert app.kinds(first) == ["incomingcall", "answer", "hangup"]
    again = v1server.v1("POST", f"/calls/{first}", {"state": "active"})
    assert (again.status, again.body["code"]) == (403, "call-invalid-state")

    second = v1server.request("POST", "/_ringback/calls", inbound).body["callId"]
    assert v1server.v1("POST", f"/calls/{second}", {"state": "rejected"}).status == 200
    settle(v1server)
    assert app.kinds(second) == ["incomingcall", "hangup"]
    hangup = [e for e in app.events if e.get("callId") == second][-1]
    assert (hangup["cause"], hangup["callState"]) == ("CALL_REJECTED", "completed")
    assert v1server.v1("GET", f"/calls/{second}").body["state"] == "rejected"


def test_gather_stop_duplicate_and_audio_errors(v1server: V1Server, app: Recorder) -> None:
    """409 for a second gather; a stopped gather has no reason; stopping silence is 403."""
    call_id = new_id(
        v1server.v1(
            "POST",
            "/calls",
            {"from": "+19195550200", "to": "+15557770300", "callbackUrl": app.url},
        )
    )
    settle(v1server, 2)  # the far end answers after 1 s
    gather_id = new_id(v1server.v1("POST", f"/calls/{call_id}/gather", {"maxDigits": "3"}))
    assert gather_id.startswith("gtr-")
    twice = v1server.v1("POST", f"/calls/{call_id}/gather", {})
    assert (twice.status, twice.body["code"]) == (409, "call-duplicate-gather-error")
    stop = v1server.v1("POST", f"/calls/{call_id}/gather/{gather_id}", {"state": "completed"})
    assert stop.status == 200
    settle(v1server)
    gather = v1server.v1("GET", f"/calls/{call_id}/gather/{gather_id}").body
    assert gather["state"] == "completed"
    assert "reason" not in gather
    event = next(e for e in app.events if e.get("gatherId") == gather_id)
    assert "reason" not in event
    assert event["digits"] == ""
    silence = v1server.v1("POST", f"/calls/{call_id}/audio", {"sentence": ""})
    assert (silence.status, silence.body["code"]) == (403, "call-audio-invalid-state")
    nothing = v1server.v1("POST", f"/calls/{call_id}/audio", {})
    assert (nothing.status, nothing.body["code"]) == (400, "missing-property")
    bad_dtmf = v1server.v1("POST", f"/calls/{call_id}/dtmf", {"dtmfOut": "xyz"})
    assert bad_dtmf.status == 400
    assert "'dtmfOut'" in bad_dtmf.body["message"]
    assert v1server.v1("POST", f"/calls/{call_id}/dtmf", {"dtmfOut": "1w2"}).status == 200
    assert v1server.v1("POST", f"/calls/{call_id}", {"state": "completed"}).status == 200
    settle(v1server, 5)
    names = [entry["name"] for entry in v1server.v1("GET", f"/calls/{call_id}/events").body]
    assert names[0] == "create"
    assert names[-1] == "hangup"


BAD_BODIES: list[Any] = [
    b"{not json",
    b"[1, 2]",
    b'"text"',
    {"state": 5, "maxDigits": "lots", "callTimeout": -1, "callbackTimeout": 10**12},
    {"from": 7, "to": ["+1"], "sentence": {"a": 1}, "fileUrl": 3, "callIds": "c-1"},
    {"recordingEnabled": "maybe", "bridgeAudio": "yes", "mute": 2, "interDigitTimeout": "NaN"},
    {"callbackUrl": "not a url", "fallbackUrl": "ftp://x", "number": "12"},
]


def test_bad_input_is_a_v1_error_never_a_500(v1server: V1Server) -> None:
    """Every v1 route, every malformed body: 4xx with the §1.4 body naming the problem."""
    call_id = new_id(v1server.v1("POST", "/calls", {"from": "+19195550200", "to": "+15557770301"}))
    conf_id = new_id(v1server.v1("POST", "/conferences", {"from": "+19195550200"}))
    paths = [
        "/calls",
        f"/calls/{call_id}",
        f"/calls/{call_id}/audio",
        f"/calls/{call_id}/dtmf",
        f"/calls/{call_id}/gather",
        f"/calls/{call_id}/gather/gtr-nope",
        "/conferences",
        f"/conferences/{conf_id}",
        f"/conferences/{conf_id}/audio",
        f"/conferences/{conf_id}/members",
        f"/conferences/{conf_id}/members/member-nope",
        "/bridges",
        "/bridges/brg-nope",
        "/applications",
        "/phoneNumbers",
        "/recordings/rec-nope/transcriptions",
    ]
    for path in paths:
        for body in BAD_BODIES:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            reply = v1server.v1("POST", path, raw=raw)
            assert reply.status < 500, (path, body, reply.status, reply.body)
            if isinstance(body, bytes):  # not a JSON object: refused everywhere
                assert reply.status in (400, 404), (path, body, reply.status)
            if reply.status >= 400:
                assert set(reply.body) == {"category", "code", "message", "details"}, path
                assert reply.body["message"]
    for path in ("/calls/c-nope", "/conferences/conf-nope", "/recordings/rec-nope"):
        reply = v1server.v1("GET", path)
        assert reply.status == 404
        assert reply.body["code"].endswith("-not-found")
    listing = v1server.v1("GET", "/calls?size=0")
    assert (listing.status, listing.body["code"]) == (400, "validation-error")


def test_undeliverable_incoming_call_is_hung_up_and_logged(v1server: V1Server) -> None:
    """`incomingcall` fails at the URL and the fallback: the call ends, /errors says why."""
    closed = "http://127.0.0.1:9/nobody"
    body = {"name": "down", "incomingCallUrl": closed, "incomingCallFallbackUrl": closed + "2"}
    app_id = new_id(v1server.v1("POST", "/applications", body))
    new_id(
        v1server.v1("POST", "/phoneNumbers", {"number": "+19195550209", "applicationId": app_id})
    )
    inbound = {"from": "+15551230209", "to": "+19195550209"}
    call_id = v1server.request("POST", "/_ringback/calls", inbound).body["callId"]
    settle(v1server)
    assert v1server.v1("GET", f"/calls/{call_id}").body["state"] == "completed"
    errors = [
        error
        for error in v1server.v1("GET", "/errors").body
        if {"name": "callId", "value": call_id} in error["details"]
    ]
    assert {error["code"] for error in errors} == {"callback-failed"}
    dropped = [
        next(d["value"] for d in error["details"] if d["name"] == "eventType")
        for error in reversed(errors)  # the log is newest first
    ]
    assert dropped == ["incomingcall", "answer", "hangup"]
    unrouted = {"from": inbound["from"], "to": "+19195550299"}
    assert v1server.request("POST", "/_ringback/calls", unrouted).status == 404
