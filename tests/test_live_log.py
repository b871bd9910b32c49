"""The live log: lines made from a running server's timeline as calls happen."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from http_json import send_json
from ringback.hosting.server import BackgroundServer, start_in_thread
from ringback.live_log import LogLine, check_level, log_line
from ringback.runtime import PlatformConfig
from ringback.runtime.watchers import Entry, Watchers


@pytest.fixture
def server(tmp_path: Path) -> Iterator[BackgroundServer]:
    """A live Ringback on loopback; stopped after the test."""
    running = start_in_thread(PlatformConfig(), tmp_path / "db.sqlite3")
    yield running
    running.stop()


def _call(server: BackgroundServer, app_url: str, path: str) -> str:
    """An inbound call to an application whose initiate URL is app_url + path; waits for its end."""
    app_id = path.strip("/")
    base = server.url + "/_ringback"
    send_json(
        f"{base}/applications/{app_id}",
        {"callInitiatedCallbackUrl": f"http://user:s3cret@{app_url.removeprefix('http://')}{path}"},
        "PUT",
    )
    body = {"from": "+15551112222", "to": "+15553334444", "applicationId": app_id}
    call_id: str = send_json(f"{base}/calls", body)["callId"]
    with urllib.request.urlopen(f"{base}/calls/{call_id}/wait", timeout=10):
        pass
    return call_id


def _lines(server: BackgroundServer, level: str) -> list[LogLine]:
    lines: list[LogLine] = []

    def watch(entry: Entry) -> None:
        line = log_line(entry, level)
        if line is not None:
            lines.append(line)

    server.prepared.platform.watchers.subscribe(watch)
    return lines


def test_live_log_app_500_shows_status_and_message(server: BackgroundServer, bad_app: str) -> None:
    """A webhook answered 500: a red line with 500, then the call's end with callback-error."""
    lines = _lines(server, "webhooks")
    call_id = _call(server, bad_app, "/boom")
    app_url = bad_app
    webhook, end = lines
    assert webhook.record["kind"] == "webhook"
    assert webhook.record["status"] == 500
    assert webhook.failed
    assert f"  {call_id}  initiate" in webhook.text
    assert f"POST http://user:***@{app_url.removeprefix('http://')}/boom  500" in webhook.text
    assert "s3cret" not in webhook.text
    assert (" ms", "dim") in [(text[-3:], style) for text, style in webhook.segments]
    assert end.record["cause"] == "callback-error"
    assert end.failed
    assert "callback-error" in end.text
    assert "failed: HTTP 500" in end.text
    assert ("callback-error", "bold red") in end.segments


def test_live_log_invalid_bxml_shows_the_parse_error(
    server: BackgroundServer, bad_app: str
) -> None:
    """Unparsable BXML: the webhook line is 200, the end line names invalid-bxml and why."""
    lines = _lines(server, "webhooks")
    _call(server, bad_app, "/broken")
    webhook, end = lines
    assert webhook.record["status"] == 200
    assert not webhook.failed
    assert end.record["cause"] == "invalid-bxml"
    message = end.record["errorMessage"]
    assert message
    assert "line 1" in message
    assert message in end.text
    assert (f"  {message}", "bold red") in end.segments


def test_live_log_levels_choose_the_lines(server: BackgroundServer, bad_app: str) -> None:
    """quiet shows nothing, calls only the end, verbose every entry of the call."""
    quiet, calls, verbose = (_lines(server, level) for level in ("quiet", "calls", "verbose"))
    call_id = _call(server, bad_app, "/broken")
    assert quiet == []
    assert [line.record["kind"] for line in calls] == ["callEnded"]
    # Read on the server's own loop (the control API), never from this thread: the store
    # belongs to that loop, and a read from here raced its buffered writes.
    with urllib.request.urlopen(f"{server.url}/_ringback/calls/{call_id}/timeline") as answer:
        timeline = json.load(answer)["entries"]
    assert len(verbose) == len(timeline)
    assert [line.record["kind"] for line in verbose][-1] == "callEnded"
    assert {"state", "webhook"} <= {line.record["kind"] for line in verbose}


def test_live_log_json_record_is_plain_json() -> None:
    """A line's record is what --log-format json prints: camelCase, JSON-encodable."""
    entry = Entry(
        "c-1",
        1_800_000_000.0,
        "state",
        "disconnected: timeout",
        {"cause": "timeout", "errorMessage": None},
        {"from": "+1", "to": "+2", "startTime": "2027-01-15T08:00:00.000Z",
         "endTime": "2027-01-15T08:00:30.500Z"},
    )  # fmt: skip
    line = log_line(entry, "calls")
    assert line is not None
    assert json.loads(json.dumps(line.record)) == {
        "time": "2027-01-15T08:00:00.000Z",
        "id": "c-1",
        "kind": "callEnded",
        "cause": "timeout",
        "errorMessage": None,
        "durationS": 30.5,
        "from": "+1",
        "to": "+2",
        "failed": True,
    }
    assert "after 30.5 s  +1 → +2" in line.text


def test_live_log_unknown_level_names_the_choices() -> None:
    """A misspelt level is refused with the list of levels."""
    with pytest.raises(ValueError, match="quiet, calls, webhooks, verbose"):
        check_level("loud")


def test_live_log_watcher_that_raises_is_dropped() -> None:
    """A broken view stops watching; the others still hear every entry."""
    watchers = Watchers()
    heard: list[str] = []

    def broken(_entry: Entry) -> None:
        raise RuntimeError("bug in a view")

    watchers.subscribe(broken)
    stop = watchers.subscribe(lambda entry: heard.append(entry.summary))
    entry = Entry("c-1", 0.0, "verb", "<Hangup> started", {})
    watchers.publish(entry)
    watchers.publish(entry)
    stop()
    watchers.publish(entry)
    assert heard == ["<Hangup> started", "<Hangup> started"]
    assert not watchers
