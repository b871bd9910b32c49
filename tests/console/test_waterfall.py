"""A timeline's geometry on the call's time axis (pure)."""

from __future__ import annotations

from typing import Any

from ringback.console.waterfall import CallTimeline, build, leg_label


def _entry(at: float, kind: str, summary: str, **detail: Any) -> dict[str, Any]:
    return {"at": at, "kind": kind, "summary": summary, "detail": detail}


CALL = [
    _entry(100.0, "state", "initiated"),
    _entry(100.0, "webhook", "initiate", event_type="initiate", status=200, duration_ms=3.2,
           method="POST", url="http://app/answer", request_body='{"eventType":"initiate"}',
           response_body="<Response><Gather><SpeakSentence>Hi</SpeakSentence></Gather></Response>"),
    _entry(100.0, "verb", "<Gather> started", verb="Gather"),
    _entry(102.5, "far-end", "presses 1", digits="1"),
    _entry(102.5, "verb", "<Gather> ended", verb="Gather", started=100.0),
    _entry(110.0, "state", "disconnected: callback-error", cause="callback-error",
           errorMessage="Callback to http://app/menu failed: HTTP 500"),
]  # fmt: skip


def test_waterfall_places_each_entry_on_the_calls_axis() -> None:
    """A verb spans its run; moments sit at their offset; the axis is the call's length."""
    drawn = build([CallTimeline("c-1", "call", {"state": "disconnected"}, CALL)])
    assert drawn.span_s == 10.0
    gather = next(bar for bar in drawn.bars if bar.label == "<Gather>")
    assert (gather.offset_s, gather.duration_s, gather.took) == (0.0, 2.5, "2.5 s")
    assert (gather.left_pct, gather.width_pct) == (0.0, 25.0)
    press = next(bar for bar in drawn.bars if bar.kind == "far-end")
    assert press.left_pct == 25.0
    assert [tick[1] for tick in drawn.ticks][:3] == ["0 s", "1 s", "2 s"]


def test_waterfall_webhook_bodies_are_indented_and_named_by_language() -> None:
    """The request is indented JSON, the answer BXML one element a line."""
    drawn = build([CallTimeline("c-1", "call", {"state": "disconnected"}, CALL)])
    webhook = next(bar for bar in drawn.bars if bar.kind == "webhook")
    request, response = webhook.bodies
    assert (request.language, response.language) == ("json", "xml")
    assert request.text == '{\n  "eventType": "initiate"\n}'
    assert response.text.splitlines()[1] == "  <Gather>"
    assert (webhook.status, webhook.tone, webhook.took) == ("200", "ok", "3 ms")


def test_waterfall_a_failed_end_carries_its_message() -> None:
    """The disconnect is an error bar with the cause and the message."""
    drawn = build([CallTimeline("c-1", "call", {"state": "disconnected"}, CALL)])
    end = drawn.bars[-1]
    assert (end.label, end.status, end.tone) == ("disconnected", "callback-error", "error")
    assert end.message == "Callback to http://app/menu failed: HTTP 500"


def test_waterfall_legs_share_the_axis_and_a_running_verb_lasts_until_now() -> None:
    """A leg is its own lane on the parent's axis; a verb still running reaches `now`."""
    parent = [*CALL[:3], _entry(101.0, "transfer", "dialing +2", callId="c-2", transferTo="+2")]
    leg = [_entry(104.0, "state", "initiated"), _entry(104.0, "verb", "<Bridge>", verb="Bridge")]
    drawn = build(
        [
            CallTimeline("c-1", "call", {"state": "answered"}, parent),
            CallTimeline("c-2", leg_label(parent, {"callId": "c-2"}), {"state": "answered"}, leg),
        ],
        now=108.0,
    )
    assert [lane.label for lane in drawn.lanes] == ["call", "transfer to +2"]
    assert drawn.lanes[1].left_pct == 50.0
    bridge = next(bar for bar in drawn.bars if bar.label == "<Bridge>")
    assert (bridge.lane, bridge.status, bridge.duration_s) == (1, "running", 4.0)


def test_waterfall_bxml_that_does_not_parse_is_shown_as_sent() -> None:
    """Invalid BXML is shown exactly as the app sent it."""
    broken = "<Response><SpeakSentence>hi</Response>"
    entries = [_entry(1.0, "webhook", "initiate", status=200, response_body=broken)]
    drawn = build([CallTimeline("c-1", "call", {"state": "disconnected"}, entries)])
    assert drawn.bars[0].bodies[0].text == broken
