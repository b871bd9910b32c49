"""`--log` and `--log-format`: `ringback serve` as a real process printing calls as they happen,
and `ringback call` logging on stderr."""

from __future__ import annotations

import io
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from click.testing import CliRunner

from http_json import send_json
from ringback.cli import main
from ringback.cli.log import progress_text

LINE_TIMEOUT_S = 20.0


@dataclass
class Served:
    """A `ringback serve` process: its URL, and its stdout lines as they come."""

    url: str
    lines: queue.Queue[str]

    def next_matching(self, pattern: str) -> str:
        """The next stdout line matching `pattern` (skipping others); fails after a while."""
        while True:
            try:
                line = self.lines.get(timeout=LINE_TIMEOUT_S)
            except queue.Empty:
                pytest.fail(f"no line matching {pattern!r} from ringback serve")
            if re.search(pattern, line):
                return line


def _serve(tmp_path: Path, *flags: str, banner_on: str = "stdout") -> Iterator[Served]:
    command = [
        *(sys.executable, "-m", "ringback.cli", "serve", "--port", "0"),
        *("--db", str(tmp_path / "serve.sqlite3"), *flags),
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    assert process.stdout is not None
    assert process.stderr is not None
    out, err = Served("", queue.Queue()), Served("", queue.Queue())
    pumps = [
        threading.Thread(target=_pump, args=(stream, served.lines))
        for stream, served in ((process.stdout, out), (process.stderr, err))
    ]
    for pump in pumps:
        pump.start()
    try:
        banner = (out if banner_on == "stdout" else err).next_matching("serving on")
        found = re.search(r"serving on (http://127\.0\.0\.1:\d+)", banner)
        assert found
        out.url = found.group(1)
        yield out
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=LINE_TIMEOUT_S)
        for pump in pumps:
            pump.join(LINE_TIMEOUT_S)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == 0
    stderr = list(err.lines.queue)
    assert not any("Traceback" in line for line in stderr), stderr


def _pump(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`ringback serve` with the default log (webhooks, text)."""
    yield from _serve(tmp_path)


def _inbound(served: Served, initiate_url: str) -> str:
    base = served.url + "/_ringback"
    send_json(f"{base}/applications/bad", {"callInitiatedCallbackUrl": initiate_url}, "PUT")
    body = {"from": "+15551112222", "to": "+15553334444", "applicationId": "bad"}
    call_id: str = send_json(f"{base}/calls", body)["callId"]
    return call_id


def test_cli_log_serve_prints_a_500_and_invalid_bxml_with_their_messages(
    served: Served, bad_app: str
) -> None:
    """A live server prints each webhook attempt and each call's end with its error message."""
    call_id = _inbound(served, f"http://app:s3cret@{bad_app.removeprefix('http://')}/boom")
    webhook = served.next_matching(call_id)
    pattern = rf"^\d\d:\d\d:\d\d\.\d{{3}}  {call_id}  initiate +POST http://app:\*\*\*@.*/boom"
    assert re.search(pattern + r"  500  \d+ ms$", webhook), webhook
    end = served.next_matching(call_id)
    assert f"{call_id}  ended" in end
    assert "callback-error" in end
    assert "failed: HTTP 500" in end
    assert "s3cret" not in webhook + end

    call_id = _inbound(served, bad_app + "/broken")
    assert re.search(r"initiate +POST .*/broken  200", served.next_matching(call_id))
    end = served.next_matching(call_id)
    assert "invalid-bxml" in end
    assert "Invalid BXML from" in end
    assert "line 1" in end


def test_cli_log_serve_json_lines(tmp_path: Path, bad_app: str) -> None:
    """--log-format json: the banner goes to stderr, stdout is one JSON object per line."""
    for served in _serve(tmp_path, "--log", "calls", "--log-format", "json", banner_on="stderr"):
        call_id = _inbound(served, bad_app + "/boom")
        record = json.loads(served.next_matching(call_id))
        assert record["kind"] == "callEnded"
        assert record["id"] == call_id
        assert record["cause"] == "callback-error"
        assert "HTTP 500" in record["errorMessage"]
        assert served.lines.empty()  # `calls`: no line for the webhook itself


def test_cli_log_call_prints_webhooks_on_stderr(bad_app: str) -> None:
    """`ringback call --log webhooks`: the log on stderr, the timeline still on stdout."""
    result = CliRunner().invoke(
        main, ["call", "--answer-url", bad_app + "/boom", "--log", "webhooks"]
    )
    assert result.exit_code == 1
    assert re.search(r"answer +POST http://.*/boom  500", result.stderr)
    assert "callback-error" in result.stderr
    assert "answer" in result.stdout


def test_cli_log_progress_text() -> None:
    """The progress line counts webhooks and failures."""
    assert progress_text({"state": "answered", "webhooks": 1, "failed": 0}) == (
        "call answered · 1 webhook"
    )
    assert progress_text({"state": "disconnected", "webhooks": 3, "failed": 1}) == (
        "call disconnected · 3 webhooks (1 failed)"
    )


def test_cli_log_printer_colours_failures_on_a_terminal() -> None:
    """On a terminal a cause other than hangup is bold red; through a pipe, plain text."""
    from rich.console import Console

    from ringback.cli.log import LogPrinter
    from ringback.runtime.watchers import Entry

    end = Entry("c-1", 0.0, "state", "disconnected", {"cause": "invalid-bxml",
                "errorMessage": "Invalid BXML from http://app/a: line 1"}, {})  # fmt: skip
    piped = io.StringIO()
    LogPrinter("calls", "text", piped)(end)
    assert "\x1b[" not in piped.getvalue()
    assert piped.getvalue().endswith("invalid-bxml  Invalid BXML from http://app/a: line 1\n")
    terminal = io.StringIO()
    printer = LogPrinter("calls", "text", terminal)
    printer.console = Console(file=terminal, force_terminal=True, color_system="standard")
    printer.coloured = True
    printer(end)
    assert "\x1b[1;31minvalid-bxml\x1b[0m" in terminal.getvalue()
