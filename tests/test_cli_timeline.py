"""`ringback timeline CALL_ID`: from a SQLite file, or from a running server's control API."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web
from click.testing import CliRunner, Result

from ringback.cli import main
from ringback.hosting.server import default_application, start_in_thread
from ringback.runtime import PlatformConfig

if TYPE_CHECKING:
    from conftest import RunningApp

ENTRIES = [
    {"seq": 1, "at": 1_700_000_000.0, "kind": "state", "summary": "queued", "detail": {}},
    {"seq": 2, "at": 1_700_000_002.5, "kind": "state", "summary": "ringing", "detail": {}},
]


def timeline(*args: str) -> Result:
    """Run `ringback timeline`."""
    return CliRunner().invoke(main, ["timeline", *args])


def control_api(document: Any) -> web.Application:
    """A stand-in for `ringback serve`: GET /_ringback/calls/c-1/timeline answers `document`."""

    async def handle(request: web.Request) -> web.Response:
        if request.match_info["call_id"] != "c-1":
            return web.json_response({"type": "not-found"}, status=404)
        return web.json_response(document)

    app = web.Application()
    app.router.add_get("/_ringback/calls/{call_id}/timeline", handle)
    return app


def test_cli_timeline_from_db_shows_call_and_legs(ivr_app: RunningApp, tmp_path: Path) -> None:
    """A call stored by `call --db` prints again, with its transfer leg."""
    db = tmp_path / "db.sqlite3"
    argv = ["call", "--answer-url", ivr_app.url + "/answer", "--press", "1", "--db", str(db)]
    placed = CliRunner().invoke(main, [*argv, "--json"])
    call_id = json.loads(placed.stdout)["callId"]
    result = timeline(call_id, "--db", str(db))
    assert result.exit_code == 0
    assert result.stdout.startswith(call_id)
    assert "leg " in result.stdout
    assert "<Transfer>" in result.stdout
    as_json = json.loads(timeline(call_id, "--db", str(db), "--json").stdout)
    assert as_json["timeline"] == json.loads(placed.stdout)["timeline"]


def test_cli_timeline_unknown_call_or_db(tmp_path: Path) -> None:
    """An unknown call id exits 1; a missing database is a usage error (exit 2)."""
    missing = timeline("c-1", "--db", str(tmp_path / "none.sqlite3"))
    assert missing.exit_code == 2
    assert "no database" in missing.output
    db = tmp_path / "db.sqlite3"
    CliRunner().invoke(main, ["inbound", "--db", str(db), "--application-id", "x"])
    unknown = timeline("c-404", "--db", str(db))
    assert unknown.exit_code == 1
    assert "no call c-404" in unknown.output


def test_cli_timeline_from_server_list_or_object(
    serve_in_thread: Callable[[web.Application], AbstractContextManager[str]],
) -> None:
    """The control API's `{callId, call, entries}` (or a bare list of entries) is shown."""
    for document in (ENTRIES, {"callId": "c-1", "call": {"callId": "c-1"}, "entries": ENTRIES}):
        with serve_in_thread(control_api(document)) as url:
            result = timeline("c-1", "--server", url)
            missing = timeline("c-2", "--server", url)
        assert result.exit_code == 0
        assert "+2.500" in result.stdout
        assert missing.exit_code == 1
        assert "has no call c-2" in missing.output


def test_cli_timeline_unreachable_server(closed_url: str) -> None:
    """Nothing listening: a readable message and exit 1, not a traceback."""
    result = timeline("c-1", "--server", closed_url)
    assert result.exit_code == 1
    assert "cannot reach" in result.output
    assert "Traceback" not in result.output


def test_cli_timeline_from_a_running_server(ivr_app: RunningApp, tmp_path: Path) -> None:
    """`ringback serve` runs an inbound call; `timeline --server` shows its webhooks and verbs."""
    setup = default_application("ivr", ivr_app.url + "/answer", ivr_app.url + "/disconnect")
    server = start_in_thread(PlatformConfig(idle_s=0), tmp_path / "served.sqlite3", setup=setup)
    try:
        phone = {
            "steps": [{"waitFor": "gather"}, {"press": "9"}, {"waitFor": "gather"}, {"press": "7"}]
        }
        body = json.dumps({"from": "+15553330001", "to": "+15551112222", "phone": phone})
        placed = urllib.request.Request(
            server.url + "/_ringback/calls", body.encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(placed, timeout=10) as response:
            call_id = json.loads(response.read())["callId"]
        with urllib.request.urlopen(
            f"{server.url}/_ringback/calls/{call_id}/wait?timeout=10"
        ) as done:
            assert json.loads(done.read())["disconnectCause"] == "hangup"
        result = timeline(call_id, "--server", server.url, "--bodies")
    finally:
        server.stop()
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{call_id} inbound +15553330001 → +15551112222")
    assert re.search(r"→ app\s+initiate\s+200\s", result.stdout)
    assert "<Gather>" in result.stdout
    assert '"eventType": "gather"' in result.stdout  # bodies, from camelCase `requestBody`
    assert "ended: hangup" in result.stdout
