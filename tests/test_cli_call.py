"""`ringback call` against the example IVR app on a real loopback port."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bandwidth import AnswerCallback, DisconnectCallback, GatherCallback
from click.testing import CliRunner, Result

from ringback.cli import main

if TYPE_CHECKING:
    from conftest import RunningApp


def call(app_url: str, *args: str) -> Result:
    """Run `ringback call` against the app's /answer and /disconnect."""
    argv = [
        "call",
        "--answer-url",
        app_url + "/answer",
        "--disconnect-url",
        app_url + "/disconnect",
    ]
    return CliRunner().invoke(main, [*argv, *args])


def as_json(result: Result) -> dict[str, Any]:
    """The --json document printed by the command."""
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def webhooks(document: dict[str, Any], event_type: str) -> list[dict[str, Any]]:
    """The request bodies of the timeline's webhook attempts of one event type."""
    return [
        json.loads(entry["detail"]["requestBody"])
        for entry in document["timeline"]
        if entry["kind"] == "webhook" and entry["detail"]["eventType"] == event_type
    ]


def test_cli_call_normal_hangup_exits_0(ivr_app: RunningApp) -> None:
    """Wrong key twice: the app says goodbye and hangs up; cause hangup, exit status 0."""
    result = call(ivr_app.url, "--press", "9", "--press", "7")
    assert result.exit_code == 0, result.output
    assert "ended: hangup" in result.stdout
    assert "<Gather>" in result.stdout
    assert "Traceback" not in result.output
    assert [event["cause"] for event in ivr_app.log.ended] == ["hangup"]


def test_cli_call_busy_exits_1(ivr_app: RunningApp) -> None:
    """A busy callee: the call ends with cause busy and no `answer`; exit status 1."""
    result = call(ivr_app.url, "--answer", "busy")
    assert result.exit_code == 1
    assert "ended: busy" in result.stdout
    document = as_json(call(ivr_app.url, "--answer", "busy", "--json"))
    assert webhooks(document, "answer") == []
    assert document["endedNormally"] is False


def test_cli_call_unreachable_app_shows_callback_error(closed_url: str) -> None:
    """Nothing listening at the answer URL: callback-error on the timeline, a message, exit 1."""
    result = CliRunner().invoke(main, ["call", "--answer-url", closed_url + "/answer"])
    assert result.exit_code == 1
    assert "callback-error" in result.stdout
    assert "connection refused" in result.stdout.lower()
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_call_json_parses(ivr_app: RunningApp) -> None:
    """--json prints one document; its webhook bodies parse with the official SDK's models."""
    result = call(ivr_app.url, "--press", "9", "--press", "7", "--json")
    assert result.exit_code == 0
    document = as_json(result)
    assert document["call"]["disconnectCause"] == "hangup"
    assert document["endedNormally"] is True
    assert document["timeline"][0]["offset"] == 0
    answer = AnswerCallback.from_dict(webhooks(document, "answer")[0])
    assert answer.call_id == document["callId"]
    disconnect = DisconnectCallback.from_dict(webhooks(document, "disconnect")[0])
    assert disconnect.cause == "hangup"


def test_cli_call_press_drives_a_gather(ivr_app: RunningApp) -> None:
    """--press waits for the <Gather> and presses: the app's gatherUrl gets the digits."""
    result = call(ivr_app.url, "--press", "2", "--say", "please call me back", "--json")
    assert result.exit_code == 0
    document = as_json(result)
    gathers = [GatherCallback.from_dict(body) for body in webhooks(document, "gather")]
    assert [gather.digits for gather in gathers] == ["2"]
    assert webhooks(document, "recordComplete")
    assert len(ivr_app.log.transcriptions) == 1


def test_cli_call_phone_file_plays_the_far_end(ivr_app: RunningApp, tmp_path: Path) -> None:
    """A JSON phone script: answers after 3 s, presses 9 then 7 at each gather."""
    script = {
        "answerAfter": 3,
        "steps": [{"waitFor": "gather"}, {"press": "9"}, {"waitFor": "gather"}, {"press": "7"}],
    }
    phone = tmp_path / "caller.json"
    phone.write_text(json.dumps(script))
    result = call(ivr_app.url, "--phone", str(phone), "--json")
    assert result.exit_code == 0
    document = as_json(result)
    answered = next(e for e in document["timeline"] if e["summary"] == "answered")
    assert answered["offset"] == 3
    assert [body["digits"] for body in webhooks(document, "gather")] == ["9", "7"]


def test_cli_call_bad_phone_file_names_the_step(ivr_app: RunningApp, tmp_path: Path) -> None:
    """A malformed script is a usage error (exit 2) that names the file and the step."""
    phone = tmp_path / "caller.json"
    phone.write_text(json.dumps({"steps": [{"waitFor": "gather"}, {"press": "1x"}]}))
    result = call(ivr_app.url, "--phone", str(phone))
    assert result.exit_code == 2
    assert "steps[1].press" in result.output
    assert str(phone) in result.output
    assert ivr_app.log.ended == []


def test_cli_call_phone_file_not_json_exits_2(ivr_app: RunningApp, tmp_path: Path) -> None:
    """A phone file that is not JSON: exit 2, with the line and column."""
    phone = tmp_path / "caller.json"
    phone.write_text('{"steps": [\n')
    result = call(ivr_app.url, "--phone", str(phone))
    assert result.exit_code == 2
    assert "is not valid JSON" in result.output
    assert "line 2" in result.output


def test_cli_call_bad_flags_exit_2(ivr_app: RunningApp) -> None:
    """A URL without a scheme, a bad digit, or a callTimeout out of range: exit 2."""
    bad_url = CliRunner().invoke(main, ["call", "--answer-url", "localhost:5000/answer"])
    assert bad_url.exit_code == 2
    assert "http://" in bad_url.output
    bad_digit = call(ivr_app.url, "--press", "1z")
    assert bad_digit.exit_code == 2
    assert "--press" in bad_digit.output
    assert call(ivr_app.url, "--call-timeout", "500").exit_code == 2


def test_cli_call_stalled_call_is_hung_up(ivr_app: RunningApp) -> None:
    """Transfer to a silent agent with a silent caller: nothing can end it, so Ringback does."""
    result = call(ivr_app.url, "--press", "1")
    assert result.exit_code == 1
    assert "nothing left to happen" in result.stdout
    assert "transfer to +15557770001" in result.stdout  # the leg is shown under the call
    assert "completed by Ringback" in result.stdout
    assert "completed through the API" not in result.stdout  # no API request ended it


def test_cli_call_timeout_hangs_up_a_long_call(ivr_app: RunningApp) -> None:
    """On the real clock a call still up at --timeout is hung up by Ringback: exit 1."""
    result = call(ivr_app.url, "--clock", "real", "--timeout", "0.3", "--json")
    assert result.exit_code == 1
    document = as_json(result)
    assert document["hungUpByRingback"] == "still up after 0.3 s (--timeout)"
    assert document["call"]["state"] == "disconnected"


def test_cli_call_bodies_shows_requests_and_responses(ivr_app: RunningApp) -> None:
    """--bodies prints each webhook's JSON and the app's BXML under its row."""
    plain = call(ivr_app.url, "--press", "9", "--press", "7")
    assert '"eventType"' not in plain.stdout
    result = call(ivr_app.url, "--press", "9", "--press", "7", "--bodies")
    assert '"eventType": "answer"' in result.stdout
    assert "<Gather" in result.stdout


def test_cli_call_options_reach_the_webhooks(ivr_app: RunningApp) -> None:
    """--to, --from, --application-id and --tag show up in the answer webhook."""
    result = call(
        ivr_app.url,
        *("--to", "+15550001111", "--from", "+15550002222"),
        *("--application-id", "app-7", "--tag", "campaign-1", "--hangup-after", "1", "--json"),
    )
    assert result.exit_code == 0
    answer = AnswerCallback.from_dict(webhooks(as_json(result), "answer")[0])
    assert (answer.to, answer.var_from, answer.application_id, answer.tag) == (
        "+15550001111",
        "+15550002222",
        "app-7",
        "campaign-1",
    )


def test_cli_call_async_machine_detection(ivr_app: RunningApp) -> None:
    """--machine-detection async with a machine answering: machineDetectionComplete is sent."""
    result = call(
        ivr_app.url,
        *("--answer", "machine", "--machine-detection", "async", "--hangup-after", "6"),
        *("--machine-detection-url", ivr_app.url + "/disconnect", "--json"),
    )
    assert result.exit_code == 0
    (complete,) = webhooks(as_json(result), "machineDetectionComplete")
    assert complete["machineDetectionResult"]["value"] == "answering-machine"


def test_cli_call_db_keeps_the_call(ivr_app: RunningApp, tmp_path: Path) -> None:
    """--db stores the call; a second run into the same file gets a new call id."""
    db = tmp_path / "calls.sqlite3"
    first = call(ivr_app.url, "--hangup-after", "1", "--db", str(db), "--json")
    second = call(ivr_app.url, "--hangup-after", "1", "--db", str(db), "--json")
    assert as_json(first)["callId"] != as_json(second)["callId"]
    shown = CliRunner().invoke(main, ["timeline", as_json(first)["callId"], "--db", str(db)])
    assert shown.exit_code == 0
    assert "ended: hangup" in shown.stdout


def test_cli_call_unusable_db_exits_2(ivr_app: RunningApp, tmp_path: Path) -> None:
    """A --db that is not a SQLite file, or cannot be created: exit 2 naming it, no traceback."""
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    result = call(ivr_app.url, "--db", str(junk))
    assert result.exit_code == 2
    assert f"{junk}: file is not a database" in result.output
    missing_dir = call(ivr_app.url, "--db", str(tmp_path / "no" / "such" / "dir.sqlite3"))
    assert missing_dir.exit_code == 2
    assert "--db" in missing_dir.output
