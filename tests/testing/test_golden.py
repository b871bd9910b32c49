"""Golden files: a call saved, compared with a later run, replayed against another app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ringback.errors import GoldenMismatchError, TestingError
from ringback.testing import Fault, Phone, Ringback, serve_app
from ringback.testing.golden import bxml_lines

from . import sample_apps

MENU_CALL = Phone().wait_for_gather().press("1")


def test_golden_written_then_matched_by_the_same_call(
    ringback: Ringback, app_url: str, tmp_path: Path
) -> None:
    """Written under update; the same call in a later test (new ports, same ids) matches."""
    golden = tmp_path / "menu.json"
    ringback.update_goldens = True
    ringback.call(
        f"{app_url}/answer", MENU_CALL, disconnect_url=f"{app_url}/status"
    ).assert_matches(golden)
    saved = json.loads(golden.read_text())
    assert saved["call"]["answerUrl"] == "{app}/answer"
    assert saved["call"]["phone"]["steps"] == [{"waitFor": "gather"}, {"press": "1"}]
    gather = saved["webhooks"][1]
    assert (gather["event"], gather["url"], gather["at"]) == ("gather", "{app}/menu", 1.1)
    assert gather["body"]["callId"] == "{c-1}"
    assert gather["body"]["startTime"] == "{t+0.000}"
    assert gather["body"]["callUrl"].startswith("{ringback}/api/v2/accounts/")
    ringback.update_goldens = False
    ringback.reset()
    ringback.call(
        f"{app_url}/answer", MENU_CALL, disconnect_url=f"{app_url}/status"
    ).assert_matches(golden)


def test_golden_mismatch_shows_a_diff_of_webhooks_and_bxml(
    ringback: Ringback, app_url: str, tmp_path: Path
) -> None:
    """Another digit: the gather body and the BXML answered differ, line by line."""
    golden = tmp_path / "menu.json"
    first = ringback.call(f"{app_url}/answer", MENU_CALL)
    first.update_goldens = True
    first.assert_matches(golden)
    ringback.reset()
    other = ringback.call(f"{app_url}/answer", Phone().wait_for_gather().press("9").hang_up())
    with pytest.raises(GoldenMismatchError) as raised:
        other.assert_matches(golden)
    message = str(raised.value)
    assert "differs from" in message
    assert '-#2 gather sent digits = "1"' in message
    assert '+#2 gather sent digits = "9"' in message
    assert "-#2 gather answered     Goodbye." in message
    assert (
        '+#2 gather answered   <Gather firstDigitTimeout="5" gatherUrl="/menu" maxDigits="1">'
        in (message)
    )


def test_golden_replayed_against_another_app(
    ringback: Ringback, app_url: str, tmp_path: Path
) -> None:
    """The Flask version of the app, replayed from the FastAPI golden, answers the same."""
    golden = tmp_path / "voicemail.json"
    phone = Phone().wait_for_gather().press("2").wait_for_record().say("call me back").press("#")
    saved = ringback.inbound(
        f"{app_url}/answer",
        phone,
        status_url=f"{app_url}/status",
        faults=[Fault.delay(30, "recordingAvailable")],
    )
    saved.update_goldens = True
    saved.assert_matches(golden)
    with serve_app(sample_apps.flask_app()) as flask_url:
        ringback.reset()
        replayed = ringback.replay(golden, flask_url)
    assert replayed.raw_webhook("initiate").url == f"{flask_url}/answer"
    assert replayed.raw_webhook("recordingAvailable").fault == "delay 30 s"
    replayed.assert_matches(golden)


def test_golden_missing_or_not_a_golden_says_what_to_do(
    ringback: Ringback, app_url: str, tmp_path: Path
) -> None:
    """No file: how to write one. Not a golden file: refused."""
    call = ringback.call(f"{app_url}/answer", MENU_CALL)
    with pytest.raises(GoldenMismatchError, match="run once with --ringback-update-goldens"):
        call.assert_matches(tmp_path / "none.json")
    (tmp_path / "other.json").write_text("{}")
    with pytest.raises(TestingError, match="not a Ringback golden file"):
        call.assert_matches(tmp_path / "other.json")


def test_bxml_lines_one_element_a_line_attributes_sorted() -> None:
    """BXML is compared element by element; what is not XML is compared as it is."""
    assert bxml_lines(
        '<Response><Gather maxDigits="1" gatherUrl="/m">Hi <b/></Gather></Response>'
    ) == [
        "<Response>",
        '  <Gather gatherUrl="/m" maxDigits="1">',
        "    Hi",
        "    <b>",
    ]
    assert bxml_lines("not xml\nat all") == ["not xml", "at all"]
    assert bxml_lines("  ") == []
