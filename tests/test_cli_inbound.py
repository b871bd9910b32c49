"""`ringback inbound` against the example IVR app on a real loopback port."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bandwidth import InitiateCallback, TranscriptionAvailableCallback
from click.testing import CliRunner, Result

from ringback.cli import main

if TYPE_CHECKING:
    from conftest import RunningApp


def inbound(*args: str) -> Result:
    """Run `ringback inbound` with the given flags."""
    return CliRunner().invoke(main, ["inbound", *args])


def app_flags(app: RunningApp) -> list[str]:
    """The flags that make an application of the IVR app."""
    return ["--initiate-url", app.url + "/answer", "--status-url", app.url + "/disconnect"]


def bodies(document: dict[str, Any], event_type: str) -> list[dict[str, Any]]:
    """Request bodies of one event type's webhook attempts."""
    return [
        json.loads(entry["detail"]["requestBody"])
        for entry in document["timeline"]
        if entry["kind"] == "webhook" and entry["detail"]["eventType"] == event_type
    ]


def test_cli_inbound_voicemail_branch(ivr_app: RunningApp) -> None:
    """The caller presses 2 and speaks: `initiate`, a recording and its transcription; exit 0."""
    result = inbound(
        *app_flags(ivr_app),
        *("--from", "+15550009999", "--press", "2", "--say", "please call me back", "--json"),
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    initiate = InitiateCallback.from_dict(bodies(document, "initiate")[0])
    assert (initiate.var_from, initiate.to) == ("+15550009999", "+15551112222")
    assert document["call"]["direction"] == "inbound"
    TranscriptionAvailableCallback.from_dict(bodies(document, "transcriptionAvailable")[0])
    assert [event["cause"] for event in ivr_app.log.ended] == ["hangup"]


def test_cli_inbound_prints_the_timeline(ivr_app: RunningApp) -> None:
    """Without --json: the rows of the call and the closing line."""
    result = inbound(*app_flags(ivr_app), "--press", "9", "--press", "7")
    assert result.exit_code == 0
    assert "initiate" in result.stdout
    assert "ended: hangup" in result.stdout


def test_cli_inbound_needs_an_application() -> None:
    """No --initiate-url and no --db: a usage error that says what to give."""
    result = inbound("--press", "1")
    assert result.exit_code == 2
    assert "--initiate-url" in result.output


def test_cli_inbound_unknown_stored_application_exits_2(tmp_path: Path) -> None:
    """--db without such an application: exit 2, naming the application."""
    result = inbound("--db", str(tmp_path / "db.sqlite3"), "--application-id", "app-404")
    assert result.exit_code == 2
    assert "app-404" in result.output


def test_cli_inbound_reuses_a_stored_application(ivr_app: RunningApp, tmp_path: Path) -> None:
    """An application made with --initiate-url into --db answers a later call by its id."""
    db = str(tmp_path / "db.sqlite3")
    first = inbound(
        *app_flags(ivr_app), "--application-id", "ivr", "--db", db, "--hangup-after", "1"
    )
    assert first.exit_code == 0
    assert "ringback timeline" in first.stdout
    second = inbound("--application-id", "ivr", "--db", db, "--press", "9", "--press", "7")
    assert second.exit_code == 0
    assert len(ivr_app.log.ended) == 2


def test_cli_inbound_unreachable_status_url_still_ends_normally(ivr_app: RunningApp) -> None:
    """A failing async `disconnect` is recorded but does not change how the call ended."""
    result = inbound(
        "--initiate-url",
        ivr_app.url + "/answer",
        "--status-url",
        ivr_app.url + "/nowhere",
        *("--hangup-after", "1", "--json"),
    )
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    statuses = [
        entry["detail"]["status"]
        for entry in document["timeline"]
        if entry["kind"] == "webhook" and entry["detail"]["eventType"] == "disconnect"
    ]
    assert statuses == [404]
