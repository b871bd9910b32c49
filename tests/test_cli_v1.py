"""`ringback call | inbound --api v1` driving a v1 app (callbacks in, REST calls back)."""

from __future__ import annotations

import base64
import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ringback.cli import main

AUTH = "Basic " + base64.b64encode(b"ringback:ringback").decode()


class V1App:
    """A v1 IVR: on `answer` gather one digit; on `gather` hang up. Keeps what it received."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.call_uri = ""
        app = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                event = json.loads(self.rfile.read(length))
                app.events.append(event)
                app.react(event)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def react(self, event: dict[str, Any]) -> None:
        """Call the v1 REST API back, at the call's own URL."""
        if event["eventType"] == "answer":
            self.call_uri = event["callUri"]  # the v1 `gather` event carries no callUri
            self.rest(self.call_uri + "/gather", {"maxDigits": "1"})
        elif event["eventType"] == "gather":
            self.rest(self.call_uri, {"state": "completed"})

    @staticmethod
    def rest(url: str, body: dict[str, Any]) -> None:
        """One REST request with the API token and secret."""
        headers = {"Content-Type": "application/json", "Authorization": AUTH}
        request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass


@pytest.fixture
def v1_app() -> Iterator[V1App]:
    """The v1 app on a loopback port."""
    app = V1App()
    yield app
    app.server.shutdown()
    app.server.server_close()


def run(*args: str) -> Result:
    """`ringback ...` in-process."""
    return CliRunner().invoke(main, list(args))


def test_cli_call_api_v1_runs_a_v1_app(v1_app: V1App) -> None:
    """answer → the app's /gather → dtmf, gather → its hang-up: exit 0, every v1 event."""
    result = run("call", "--api", "v1", "--answer-url", v1_app.url, "--press", "4", "--json")
    assert result.exit_code == 0, result.output
    kinds = [event["eventType"] for event in v1_app.events]
    assert kinds == ["answer", "dtmf", "gather", "hangup"]
    assert v1_app.events[2]["digits"] == "4"
    assert v1_app.events[2]["reason"] == "max-digits"
    document = json.loads(result.stdout)
    assert document["callId"].startswith("c-")


def test_cli_inbound_api_v1_routes_through_a_v1_application(v1_app: V1App) -> None:
    """incomingcall and answer to --initiate-url, then the same IVR."""
    result = run("inbound", "--api", "v1", "--initiate-url", v1_app.url, "--press", "2")
    assert result.exit_code == 0, result.output
    kinds = [event["eventType"] for event in v1_app.events]
    assert kinds == ["incomingcall", "answer", "dtmf", "gather", "hangup"]
    assert v1_app.events[0]["applicationId"].startswith("a-")


def test_cli_api_v1_refuses_v2_only_options(v1_app: V1App) -> None:
    """--disconnect-url has no place in v1: a usage error (exit 2) naming it."""
    result = run("call", "--api", "v1", "--answer-url", v1_app.url, "--disconnect-url", v1_app.url)
    assert result.exit_code == 2
    assert "--disconnect-url" in result.output
