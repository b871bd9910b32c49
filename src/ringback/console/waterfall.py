"""A call's timeline as a waterfall: every entry placed on the call's own time axis.

How this works. The call and each of its legs (transfers, bridges, forwards) is a lane; every
timeline entry becomes a bar in its lane, at its offset from the first entry of the call. A verb's
`started` and `ended` entries make one bar as long as the verb ran (on the platform's clock); a
webhook, a far-end step or a state change is a moment, drawn with a minimum width so it can be
seen and clicked. Positions are percentages of the axis, so the page needs no script to draw it.
Pure: entries in, geometry out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from lxml import etree

MOMENT_WIDTH_PCT = 0.6  # a moment is drawn this wide, so it shows on a long axis
MIN_SPAN_S = 1.0  # the axis of a call that took no time still has a length
NORMAL_CAUSE = "hangup"
TICK_STEPS_S = (0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600)
MAX_TICKS = 10


@dataclass(frozen=True, slots=True)
class Body:
    """A request or response body, with the language to colour it in (`json`, `xml`, `text`)."""

    label: str
    text: str
    language: str


@dataclass(frozen=True, slots=True)
class Bar:
    """One entry (or a verb's start and end) in its lane."""

    lane: int
    offset_s: float
    duration_s: float | None  # None: a moment
    kind: str  # webhook, verb, far-end, state, or a verb's note kind
    label: str
    status: str
    tone: str  # ok, error, running, info
    left_pct: float
    width_pct: float
    took: str
    url: str = ""
    message: str = ""
    bodies: tuple[Body, ...] = ()
    detail: Mapping[str, Any] = field(default_factory=dict)
    key: str = ""  # stable across redraws (lane and the entry's seq): a page keeps it open


@dataclass(frozen=True, slots=True)
class Lane:
    """A call or one of its legs, as a span on the shared axis."""

    call_id: str
    label: str
    left_pct: float
    width_pct: float
    state: str


@dataclass(frozen=True, slots=True)
class Waterfall:
    """The lanes, the bars in time order, and the ticks of the axis."""

    start: float
    span_s: float
    lanes: tuple[Lane, ...]
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]


@dataclass(frozen=True, slots=True)
class CallTimeline:
    """What one lane is made from: the call's id, how to label it, its state and its entries."""

    call_id: str
    label: str
    state: Mapping[str, Any]
    entries: Sequence[Mapping[str, Any]]


def build(calls: Sequence[CallTimeline], now: float | None = None) -> Waterfall:
    """The waterfall of a call (first) and its legs; `now` ends bars still running."""
    times = [float(e["at"]) for call in calls for e in call.entries]
    start = min(times) if times else 0.0
    last = max([*times, now or 0.0]) if times else start
    span = max(last - start, MIN_SPAN_S)
    axis = _Axis(start, span)
    bars: list[Bar] = []
    lanes: list[Lane] = []
    for index, call in enumerate(calls):
        lane_times = [float(e["at"]) for e in call.entries] or [start]
        ended = call.state.get("state") == "disconnected"
        lane_end = max(lane_times) if ended else max(last, *lane_times)
        left, width = axis.place(min(lane_times), lane_end)
        lanes.append(Lane(call.call_id, call.label, left, width, str(call.state.get("state"))))
        bars += _bars(index, call.entries, axis, lane_end)
    bars.sort(key=lambda bar: (bar.offset_s, bar.lane))
    return Waterfall(start, span, tuple(lanes), tuple(bars), axis.ticks())


@dataclass(frozen=True, slots=True)
class _Axis:
    start: float
    span: float

    def place(self, at: float, end: float | None = None) -> tuple[float, float]:
        left = (at - self.start) / self.span * 100
        if end is None:
            return min(left, 100 - MOMENT_WIDTH_PCT), MOMENT_WIDTH_PCT
        width = max((end - at) / self.span * 100, MOMENT_WIDTH_PCT)
        return min(left, 100 - width), width

    def ticks(self) -> tuple[tuple[float, str], ...]:
        step = next((s for s in TICK_STEPS_S if self.span / s <= MAX_TICKS), TICK_STEPS_S[-1])
        count = int(self.span / step) + 1
        marks = (i * step for i in range(count))
        return tuple((at / self.span * 100, f"{round(at, 3):g} s") for at in marks)


def _bars(
    lane: int, entries: Sequence[Mapping[str, Any]], axis: _Axis, lane_end: float
) -> list[Bar]:
    ends = {
        (e["detail"].get("verb"), float(e["detail"]["started"])): float(e["at"])
        for e in entries
        if e["kind"] == "verb" and "started" in e["detail"]
    }
    bars = []
    for index, entry in enumerate(entries):
        kind, detail, at = entry["kind"], entry["detail"], float(entry["at"])
        offset = at - axis.start
        if kind == "webhook":
            bar = _webhook(lane, offset, detail, axis.place(at))
        elif kind == "verb" and "started" in detail:
            continue  # drawn from its start entry
        elif kind == "verb" and "verb" in detail:
            end = ends.get((detail["verb"], at))
            running = end is None
            until = lane_end if end is None else end
            left, width = axis.place(at, until)
            took = "" if running else _seconds(until - at)
            bar = Bar(lane, offset, until - at, "verb", f"<{detail['verb']}>",
                      "running" if running else "ended", "running" if running else "info",
                      left, width, took, detail=detail)  # fmt: skip
        else:
            bar = _moment(lane, offset, kind, entry["summary"], detail, axis.place(at))
        bars.append(replace(bar, key=f"{lane}-{entry.get('seq', index)}"))
    return bars


def _webhook(
    lane: int, offset: float, detail: Mapping[str, Any], place: tuple[float, float]
) -> Bar:
    status = detail.get("status")
    ok = isinstance(status, int) and 200 <= status < 300
    event = str(detail.get("event_type") or "webhook")
    if detail.get("target") == "fallback":
        event += " (fallback)"
    if (detail.get("attempt") or 1) > 1:
        event += f" (attempt {detail['attempt']})"
    millis = detail.get("duration_ms")
    bodies = (
        Body("request", *_language(str(detail.get("request_body") or ""))),
        Body("response", *_language(str(detail.get("response_body") or ""))),
    )
    return Bar(
        lane, offset, None, "webhook", event,
        str(status) if status is not None else str(detail.get("error") or "failed"),
        "ok" if ok else "error", *place,
        f"{millis:.0f} ms" if isinstance(millis, int | float) else "",
        url=f"{detail.get('method') or 'POST'} {detail.get('url') or ''}",
        message=str(detail.get("note") or ""),
        bodies=tuple(body for body in bodies if body.text),
        detail=detail,
    )  # fmt: skip


def _moment(
    lane: int,
    offset: float,
    kind: str,
    summary: str,
    detail: Mapping[str, Any],
    place: tuple[float, float],
) -> Bar:
    tone, status, message = "info", "", ""
    if kind == "state" and "cause" in detail:
        cause = str(detail["cause"])
        tone = "ok" if cause == NORMAL_CAUSE else "error"
        status, summary = cause, "disconnected"
        message = str(detail.get("errorMessage") or "")
    elif detail.get("errorMessage"):  # a media stream that failed, a message that did, ...
        tone, message = "error", str(detail["errorMessage"])
    return Bar(lane, offset, None, kind, summary, status, tone, *place, "", message=message,
               detail=detail)  # fmt: skip


def _language(text: str) -> tuple[str, str]:
    """The body as shown (JSON indented) and its language."""
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            return json.dumps(json.loads(stripped), indent=2, ensure_ascii=False), "json"
        except ValueError:
            return text, "text"
    if stripped.startswith("<"):
        return _indented_xml(stripped), "xml"
    return text, "text"


def _indented_xml(text: str) -> str:
    """BXML one element a line, as a person reads it; as it came when it does not parse (the
    page then shows exactly what made the call fail)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=True
    )
    if "<!DOCTYPE" in text:
        return text  # shown whole: the declaration is part of what the app sent
    try:
        root = etree.fromstring(text.encode(), parser)
    except (etree.XMLSyntaxError, ValueError):
        return text
    declaration = '<?xml version="1.0" encoding="UTF-8"?>\n' if text.startswith("<?xml") else ""
    return declaration + etree.tostring(root, pretty_print=True, encoding="unicode").rstrip()


def _seconds(value: float) -> str:
    return f"{round(value, 3):g} s"


def leg_label(parent_entries: Sequence[Mapping[str, Any]], leg: Mapping[str, Any]) -> str:
    """What started a leg, from the parent's notes: `transfer to +15557770001`, `forward to …`."""
    leg_id = leg.get("callId")
    for entry in parent_entries:
        detail = entry["detail"]
        if detail.get("callId") == leg_id and detail.get("transferTo"):
            return f"transfer to {detail['transferTo']}"
        if detail.get("legCallId") == leg_id and detail.get("to"):
            return f"forward to {detail['to']}"
    return f"leg to {leg.get('to')}"
