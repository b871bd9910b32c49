"""`ringback load` against the example IVR app on a real loopback port."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from click.testing import CliRunner, Result

from ringback.cli import main

if TYPE_CHECKING:
    from conftest import RunningApp

# The callee answers at once and hangs up during the menu: a short call on the real clock.
QUICK_CALL = ["--answer-after", "0", "--hangup-after", "0.05"]


def load(*args: str) -> Result:
    return CliRunner().invoke(main, ["load", *args])


def outbound(url: str, *args: str) -> Result:
    return load(
        "--answer-url", f"{url}/answer", "--disconnect-url", f"{url}/disconnect", *QUICK_CALL, *args
    )


def test_cli_load_reports_json(ivr_app: RunningApp) -> None:
    """Ten calls through the IVR: all ok, both event types timed, exit 0."""
    result = outbound(ivr_app.url, "--calls", "10", "--rate", "200", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["calls"]["placed"] == 10
    assert report["calls"]["ok"] == 10
    assert report["causes"] == {"hangup": 10}
    assert report["responseMs"]["answer"]["count"] == 10
    assert report["responseMs"]["disconnect"]["count"] == 10
    times = report["responseMs"]["all"]
    assert 0 < times["p50"] <= times["p90"] <= times["p99"] <= times["p99.9"] <= times["max"]
    assert report["errors"] == {}
    assert report["rate"]["askedPerS"] == 200
    assert report["cpu"]["seconds"] > 0
    assert [event["cause"] for event in ivr_app.log.ended] == ["hangup"] * 10


def test_cli_load_text_and_p99_threshold(ivr_app: RunningApp) -> None:
    """A p99 threshold of 0 ms is crossed: the report says so and the exit status is 1."""
    result = outbound(ivr_app.url, "--calls", "3", "--rate", "100", "--max-p99-ms", "0")
    assert result.exit_code == 1, result.output
    assert "app response time (ms)" in result.stdout
    assert "THRESHOLD CROSSED: p99" in result.stdout


def test_cli_load_inbound(ivr_app: RunningApp) -> None:
    """--initiate-url: inbound calls to an application; `initiate` is timed."""
    result = load(
        "--initiate-url",
        f"{ivr_app.url}/answer",
        "--status-url",
        f"{ivr_app.url}/disconnect",
        *QUICK_CALL,
        "--calls",
        "4",
        "--rate",
        "100",
        "--workers",
        "1",
        "--json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["asked"]["direction"] == "inbound"
    assert report["responseMs"]["initiate"]["count"] == 4


def test_cli_load_failed_threshold_on_refused(closed_url: str) -> None:
    """Nothing listening: calls fail with refused connections; --max-failed 0 exits 1."""
    result = outbound(closed_url, "--calls", "2", "--workers", "1", "--max-failed", "0")
    assert result.exit_code == 1, result.output
    assert "refused" in result.stdout
    assert "THRESHOLD CROSSED: 2 calls failed > --max-failed 0" in result.stdout


def test_cli_load_needs_one_url() -> None:
    """Neither or both of --answer-url and --initiate-url is a usage error (exit 2)."""
    assert load("--calls", "1").exit_code == 2
    both = load(
        "--calls", "1", "--answer-url", "http://127.0.0.1:1/a", "--initiate-url", "http://x/b"
    )
    assert both.exit_code == 2
    assert "either --answer-url" in both.output
