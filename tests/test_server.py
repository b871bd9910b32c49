"""Serving over HTTP: the background server tests use, and `ringback serve` as a real process."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from bandwidth import ApiClient, CallsApi, Configuration
from click.testing import CliRunner

from ringback import hosting
from ringback.cli import main
from ringback.hosting.server import bind, start_in_thread
from ringback.runtime import PlatformConfig
from ringback.store import Store

SERVE_START_TIMEOUT_S = 20.0


def get_json(url: str) -> Any:
    """GET a URL and decode its JSON body."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def post_json(url: str, body: Any) -> Any:
    """POST a JSON body to a URL and decode the JSON answer."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_server_background_thread_starts_and_stops(tmp_path: Path) -> None:
    """start_in_thread answers on a loopback port; stop() frees it and closes the store."""
    server = start_in_thread(PlatformConfig(), tmp_path / "db.sqlite3")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
    assert get_json(server.url + "/_ringback/clock")["mode"] == "virtual"
    assert server.prepared.platform.config.base_url == server.url
    server.stop()
    assert not server.running
    port = int(server.url.rsplit(":", 1)[1])
    bind("127.0.0.1", port).close()  # the port is free again


def test_server_serve_port_in_use_says_so(tmp_path: Path) -> None:
    """`ringback serve` on a taken port exits with an error naming host and port."""
    taken = bind("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            main, ["serve", "--port", str(port), "--db", str(tmp_path / "db.sqlite3")]
        )
    finally:
        taken.close()
    assert result.exit_code != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_server_serve_rejects_bad_default_application(tmp_path: Path) -> None:
    """A malformed --initiate-url is refused before anything listens."""
    result = CliRunner().invoke(
        main, ["serve", "--initiate-url", "localhost:5000", "--db", str(tmp_path / "d")]
    )
    assert result.exit_code == 2
    assert "callInitiatedCallbackUrl" in result.output


def test_server_serve_subprocess_runs_until_sigint(tmp_path: Path) -> None:
    """`ringback serve` as a process: prints the SDK snippet, serves, stops on SIGINT with 0."""
    db = tmp_path / "serve.sqlite3"
    command = [
        *(sys.executable, "-m", "ringback.cli", "serve"),
        *("--port", "0", "--db", str(db), "--clock", "manual", "--account-id", "123"),
        *("--initiate-url", "http://127.0.0.1:9/initiate", "--application-id", "my-app"),
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(13)]
        found = re.search(r"serving on (http://127\.0\.0\.1:\d+)", banner[0])
        assert found, banner
        url = found.group(1)
        clock = get_json(url + "/_ringback/clock")
        assert clock["mode"] == "manual"
        assert get_json(url + "/_ringback/applications/my-app")["callInitiatedCallbackUrl"] == (
            "http://127.0.0.1:9/initiate"
        )
        assert get_json(url + "/_ringback/numbers/*")["applicationId"] == "my-app"
        snippet = textwrap.dedent("".join(banner[4:12]))
        namespace: dict[str, Any] = {}
        exec(snippet, namespace)  # the printed snippet is real, working SDK code
        configuration: Configuration = namespace["configuration"]
        assert configuration.host == url + "/api/v2"
        assert (configuration.username, configuration.password) == ("ringback", "ringback")
        assert namespace["account_id"] == "123"
        # The REST API and the control API are one server: an inbound call made through the
        # control API (routed to the default application) is listed by the SDK.
        call_id = post_json(
            url + "/_ringback/calls", {"from": "+15551112222", "to": "+15553334444"}
        )
        calls = CallsApi(ApiClient(configuration)).list_calls("123")
        assert [(call.call_id, call.application_id) for call in calls] == [
            (call_id["callId"], "my-app")
        ]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=SERVE_START_TIMEOUT_S)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    store = Store(db)  # what serve wrote was committed before it exited
    try:
        assert store.setting("number", "*") == {"applicationId": "my-app"}
    finally:
        store.close()


def test_server_binds_ipv4_wildcard_with_loopback_url(tmp_path: Path) -> None:
    """Listening on 0.0.0.0, the platform still gives itself a URL clients can reach."""
    server = start_in_thread(PlatformConfig(), tmp_path / "db.sqlite3", host="0.0.0.0")
    try:
        assert server.url.startswith("http://127.0.0.1:")
        with socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1]))):
            pass
    finally:
        server.stop()


def test_server_serve_passes_call_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve`'s --calls-per-second, --max-concurrent-calls, --max-call-queue-size: its config."""
    seen: list[PlatformConfig] = []

    def prepare(config: PlatformConfig, *_args: Any, **_kw: Any) -> None:
        seen.append(config)
        raise OSError(98, "stop here")

    monkeypatch.setattr(hosting, "prepare", prepare)
    options = ["--calls-per-second", "2.5", "--max-concurrent-calls", "3"]
    options += ["--max-call-queue-size", "40", "--db", str(tmp_path / "db.sqlite3")]
    result = CliRunner().invoke(main, ["serve", *options])
    assert "stop here" in result.output
    limits = seen[0].call_limits
    assert (limits.calls_per_second, limits.max_concurrent_calls) == (2.5, 3)
    assert limits.queue_capacity == 40


def test_server_serve_bad_db_is_a_usage_error(tmp_path: Path) -> None:
    """`serve --db` in a missing folder or on a file that is not SQLite: exit 2 naming the file."""
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("not a database\n" * 100)
    missing = tmp_path / "no" / "such" / "folder" / "ringback.sqlite3"
    for db in (not_a_db, missing):
        result = CliRunner().invoke(main, ["serve", "--port", "0", "--db", str(db)])
        assert result.exit_code == 2, result.output
        assert str(db) in result.output
        assert "--db" in result.output
        assert "Traceback" not in result.output
