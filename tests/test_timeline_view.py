"""The timeline in the terminal: rows, colour or plain text, bodies, JSON."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console

from ringback.cli.timeline_view import render_report, report_json, rows, summary
from ringback.hosting.local_call import CallReport

START = 1_700_000_000.0


def entry(at: float, kind: str, summary_text: str, **detail: Any) -> dict[str, Any]:
    """A timeline entry as the store keeps it."""
    return {"seq": 0, "at": START + at, "kind": kind, "summary": summary_text, "detail": detail}


def webhook(
    at: float, event_type: str, url: str, status: int | None, **more: Any
) -> dict[str, Any]:
    """A delivery attempt's entry (the fields of delivery.policy.AttemptRecord)."""
    detail = {
        "event_type": event_type,
        "url": url,
        "method": "POST",
        "attempt": 1,
        "target": "primary",
        "authorization_sent": False,
        "status": status,
        "duration_ms": 3.2,
        "request_body": json.dumps({"eventType": event_type}),
        "response_body": "<Response><Hangup/></Response>",
        "error": None,
        "note": None,
        "sync": True,
    }
    detail.update(more)
    return entry(at, "webhook", f"{event_type} → POST {url}", **detail)


CALL_STATE = {
    "callId": "c-1",
    "direction": "outbound",
    "from": "+15551112222",
    "to": "+15553334444",
    "disconnectCause": "hangup",
    "errorMessage": None,
}
TIMELINE = [
    entry(0, "state", "queued"),
    entry(1, "state", "answered"),
    webhook(1, "answer", "http://user:secret@127.0.0.1:5000/answer", 200),
    entry(1, "verb", "<SpeakSentence> started", verb="SpeakSentence"),
    entry(1, "far-end", "presses 1", digits="1"),
    entry(1.375, "verb", "<SpeakSentence> ended", verb="SpeakSentence", started=START + 1),
    entry(1.375, "state", "disconnected: hangup", cause="hangup", errorMessage=None),
]


def render(report: CallReport, *, terminal: bool = False, bodies: bool = False) -> str:
    """The view as printed to a terminal (colour) or a pipe (plain)."""
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=120, highlight=False)
    render_report(console, report, bodies=bodies)
    return out.getvalue()


def test_timeline_view_folds_a_verb_into_one_row() -> None:
    """A verb's started and ended entries become one row with its virtual duration."""
    verb_rows = [row for row in rows(TIMELINE) if row.actor == "← app"]
    assert len(verb_rows) == 1
    assert (verb_rows[0].what, verb_rows[0].status, verb_rows[0].took) == (
        "<SpeakSentence>",
        "ended",
        "0.375 s",
    )


def test_timeline_view_webhook_row_masks_credentials() -> None:
    """A webhook row goes to the app, with its status, real duration and a masked URL."""
    (row,) = [row for row in rows(TIMELINE) if row.actor == "→ app"]
    assert (row.what, row.status, row.took) == ("answer", "200", "3 ms")
    assert row.detail == "POST http://user:***@127.0.0.1:5000/answer"
    assert "secret" not in render(CallReport("c-1", CALL_STATE, TIMELINE))


def test_timeline_view_failed_attempts_show_error_and_attempt() -> None:
    """A refused connection shows its error class; the retry says which attempt it is."""
    timeline = [
        webhook(0, "answer", "http://127.0.0.1:1/answer", None, error="connect-error"),
        webhook(0, "answer", "http://127.0.0.1:1/answer", None, error="connect-error", attempt=2),
        webhook(0, "answer", "http://127.0.0.1:2/fb", 200, target="fallback", attempt=1),
    ]
    shown = rows(timeline)
    assert [(row.what, row.status) for row in shown] == [
        ("answer", "connect-error"),
        ("answer (attempt 2)", "connect-error"),
        ("answer (fallback)", "200"),
    ]


def test_timeline_view_plain_when_not_a_terminal() -> None:
    """Through a pipe: no escape codes; times are offsets from the call's start."""
    text = render(CallReport("c-1", CALL_STATE, TIMELINE))
    assert "\x1b[" not in text
    lines = text.splitlines()
    assert lines[0] == "c-1 outbound +15551112222 → +15553334444"
    assert lines[1].split() == [
        "time",
        "who",
        "event",
        "/",
        "verb",
        "status",
        "took",
        "url",
        "/",
        "detail",
    ]
    assert lines[2].split() == ["+0.000", "queued"]
    assert "+1.375" in text
    assert "far end  presses 1" in text
    assert lines[-1] == "ended: hangup after 1.375 s"


def test_timeline_view_colour_on_a_terminal() -> None:
    """On a terminal the rows are coloured."""
    assert "\x1b[" in render(CallReport("c-1", CALL_STATE, TIMELINE), terminal=True)


def test_timeline_view_bodies_only_on_request() -> None:
    """Request and response bodies are printed under their webhook row only with bodies=True."""
    report = CallReport("c-1", CALL_STATE, TIMELINE)
    assert "<Hangup/>" not in render(report)
    with_bodies = render(report, bodies=True)
    assert '"eventType": "answer"' in with_bodies  # pretty-printed JSON
    assert "response: <Response><Hangup/></Response>" in with_bodies


def test_timeline_view_error_ending_names_cause_and_message() -> None:
    """A callback-error shows its cause and errorMessage on the row and the closing line."""
    state = {**CALL_STATE, "disconnectCause": "callback-error", "errorMessage": "HTTP 500"}
    timeline = [
        entry(0, "state", "queued"),
        entry(
            1,
            "state",
            "disconnected: callback-error",
            cause="callback-error",
            errorMessage="HTTP 500",
        ),
    ]
    report = CallReport("c-1", state, timeline)
    assert not report.ended_normally
    text = render(report)
    assert "disconnected  callback-error" in text
    assert summary(report) == "ended: callback-error after 1 s — HTTP 500"


def test_timeline_view_cut_short_is_not_normal() -> None:
    """A call Ringback had to hang up is not a normal ending, whatever its cause."""
    report = CallReport("c-1", CALL_STATE, TIMELINE, cut_short="still up after 5 s (--timeout)")
    assert not report.ended_normally
    assert summary(report).startswith("hung up by Ringback after 1.375 s: still up")


def test_timeline_view_json_offsets_and_legs() -> None:
    """JSON: every entry with its offset from the call's start; legs counted from the same zero."""
    leg = CallReport("c-2", {"callId": "c-2"}, [entry(1.5, "state", "ringing")])
    document = report_json(CallReport("c-1", CALL_STATE, TIMELINE, [leg]))
    assert document["callId"] == "c-1"
    assert document["endedNormally"] is True
    assert [e["offset"] for e in document["timeline"]][:3] == [0, 1, 1]
    assert document["legs"][0]["timeline"][0]["offset"] == 1.5
    assert document["hungUpByRingback"] is None


def test_timeline_view_leg_named_by_the_transfer() -> None:
    """A leg is headed by what started it, from the parent's transfer note."""
    parent_timeline = [
        *TIMELINE[:2],
        entry(1, "transfer", "dialing +15557770001", callId="c-2", transferTo="+15557770001"),
    ]
    leg = CallReport("c-2", {"callId": "c-2"}, [entry(3, "state", "answered")])
    text = render(CallReport("c-1", CALL_STATE, parent_timeline, [leg]))
    assert "leg c-2: transfer to +15557770001" in text
    assert "+3.000" in text


def test_timeline_view_accepts_iso_timestamps() -> None:
    """Entries from a server may carry ISO 8601 times instead of epoch seconds."""
    timeline = [
        {
            "seq": 1,
            "at": "2023-11-14T22:13:20.000Z",
            "kind": "state",
            "summary": "queued",
            "detail": {},
        },
        {
            "seq": 2,
            "at": "2023-11-14T22:13:22.500Z",
            "kind": "state",
            "summary": "ringing",
            "detail": {},
        },
    ]
    assert "+2.500" in render(CallReport("c-1", {}, timeline))


def test_timeline_view_json_is_the_control_apis_camel_case_with_rounded_floats() -> None:
    """JSON keys are camelCase as the control API's; measurements print without float noise."""
    timeline = [
        entry(0, "state", "queued"),
        webhook(2.4000000000000004, "answer", "http://127.0.0.1:5000/answer", 200),
        entry(2.4000000000000004, "recording", "available", duration=3.9749999046325684),
    ]
    document = report_json(CallReport("c-1", CALL_STATE, timeline))
    hook = document["timeline"][1]
    assert hook["detail"]["eventType"] == "answer"
    assert json.loads(hook["detail"]["requestBody"]) == {"eventType": "answer"}
    assert "event_type" not in hook["detail"]
    assert "durationMs" in hook["detail"]
    assert hook["time"] == "2023-11-14T22:13:22.400Z"
    assert hook["offset"] == 2.4
    assert document["timeline"][2]["detail"]["duration"] == 3.975


def test_timeline_view_verb_cut_at_its_start_shows_interrupted() -> None:
    """Two prompts starting at the same instant, the first cut at once: each row its own end."""
    cut = [
        entry(1, "verb", "<SpeakSentence> started", verb="SpeakSentence"),
        entry(1, "verb", "<SpeakSentence> interrupted", verb="SpeakSentence", started=START + 1),
        entry(1, "verb", "<SpeakSentence> started", verb="SpeakSentence"),
        entry(3.25, "verb", "<SpeakSentence> ended", verb="SpeakSentence", started=START + 1),
    ]
    table = [(row.what, row.status, row.took) for row in rows(cut)]
    assert table == [
        ("<SpeakSentence>", "interrupted", "0 s"),
        ("<SpeakSentence>", "ended", "2.25 s"),
    ]
