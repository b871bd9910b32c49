"""A call's timeline in the terminal (Rich), as plain text, and as JSON.

How this works. The store keeps a call's timeline as entries `{seq, at, kind, summary, detail}`
(`kind`: `webhook`, `verb`, `far-end`, `state`, or a verb's own notes such as `gather` or
`transfer`). `rows` turns them into one line each, readable at a glance:

    +1.000  → app    answer          200  2 ms     POST http://127.0.0.1:5000/answer
    +1.000  ← app    <Gather>        ended 0.1 s
    +1.000  far end  presses 1

— time from the start of the call, who acts (a webhook goes to the app, a verb is the app's
answer being run, the far end is the phone), what happened, its status and how long it took, and
the URL (credentials masked) or a detail. A verb's `started` and `ended` entries are folded into
one row with its virtual duration. Webhook durations are real (milliseconds on the wire); all
other times are the platform's clock. Rich prints colour on a terminal and plain text otherwise.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.text import Text

from ringback.api.timeline_entries import rounded, timeline_entry
from ringback.delivery.policy import AttemptRecord
from ringback.hosting.local_call import NORMAL_CAUSE, CallReport
from ringback.masking import mask_url

MISSING = "-"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the terminal view."""

    at: float
    actor: str  # "→ app" (a webhook), "← app" (a verb being run), "far end", "" (the platform)
    what: str
    status: str = ""
    took: str = ""
    detail: str = ""
    style: str = ""
    bodies: tuple[tuple[str, str], ...] = ()


# ---- entries to rows -------------------------------------------------------------------------


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# The control API sends webhook details camelCased (`eventType`); the store keeps the delivery
# record's own names (`event_type`). The view reads the latter.
_ATTEMPT_FIELDS = {_camel(name): name for name in AttemptRecord.__struct_fields__}


def from_wire(entry: dict[str, Any]) -> dict[str, Any]:
    """A timeline entry as GET /_ringback/calls/{id}/timeline sends it, in the store's form."""
    detail = entry.get("detail") or {}
    if entry.get("kind") == "webhook":
        detail = {_ATTEMPT_FIELDS.get(key, key): value for key, value in detail.items()}
    return {**entry, "detail": detail}


def rows(entries: Iterable[dict[str, Any]]) -> list[Row]:
    """The rows of a timeline, in order; a verb's start and end become one row."""
    entries = list(entries)
    # A verb's end names its start time; verbs of one kind starting at the same instant (one cut
    # at once, the next one run) are matched to their ends in order.
    ends: dict[tuple[Any, float], deque[dict[str, Any]]] = defaultdict(deque)
    for entry in entries:
        if entry["kind"] == "verb" and "started" in entry["detail"]:
            key = (entry["detail"].get("verb"), _epoch(entry["detail"]["started"]))
            ends[key].append(entry)
    result = []
    for entry in entries:
        kind, detail = entry["kind"], entry["detail"]
        at = _epoch(entry["at"])
        if kind == "webhook":
            result.append(_webhook_row(at, detail))
        elif kind == "verb" and "started" in detail:
            continue  # shown on its start row
        elif kind == "verb" and "verb" in detail:
            waiting = ends.get((detail["verb"], at))
            end = waiting.popleft() if waiting else None
            result.append(_verb_row(at, detail["verb"], end))
        elif kind == "verb":
            result.append(Row(at, "← app", entry["summary"]))
        elif kind == "far-end":
            result.append(Row(at, "far end", entry["summary"], style="cyan"))
        elif kind == "state":
            result.append(_state_row(at, entry["summary"], detail))
        else:
            result.append(Row(at, "", entry["summary"], style="dim"))
    return result


def _webhook_row(at: float, detail: dict[str, Any]) -> Row:
    what = str(detail.get("event_type", "webhook"))
    if detail.get("target") == "fallback":
        what += " (fallback)"
    if (detail.get("attempt") or 1) > 1:
        what += f" (attempt {detail['attempt']})"
    status = detail.get("status")
    ok = isinstance(status, int) and 200 <= status < 300
    shown = str(status) if status is not None else str(detail.get("error") or "failed")
    url = f"{detail.get('method', 'POST')} {mask_url(str(detail.get('url', '')))}"
    if detail.get("note"):
        url += f"  ({detail['note']})"
    bodies = (
        ("request", _pretty(str(detail.get("request_body") or ""))),
        ("response", str(detail.get("response_body") or "").strip()),
    )
    took = f"{detail['duration_ms']:.0f} ms" if detail.get("duration_ms") is not None else ""
    return Row(at, "→ app", what, shown, took, url, "green" if ok else "bold red", bodies)


def _verb_row(at: float, verb: str, end: dict[str, Any] | None) -> Row:
    if end is None:
        return Row(at, "← app", f"<{verb}>", "running", style="yellow")
    status = "interrupted" if "interrupted" in end["summary"] else "ended"
    return Row(at, "← app", f"<{verb}>", status, seconds(_epoch(end["at"]) - at), style="yellow")


def _state_row(at: float, summary: str, detail: dict[str, Any]) -> Row:
    cause = detail.get("cause")
    if cause is None:
        return Row(at, "", summary, style="bold")
    style = "bold green" if cause == NORMAL_CAUSE else "bold red"
    return Row(at, "", "disconnected", str(cause), "", str(detail.get("errorMessage") or ""), style)


def seconds(value: float) -> str:
    """A virtual duration as people write it: `0.375 s`, `30 s`."""
    return f"{round(value, 3):g} s"


def _epoch(at: Any) -> float:
    """Entries from the store carry epoch seconds; tolerate ISO 8601 from other sources."""
    if isinstance(at, int | float):
        return float(at)
    return datetime.fromisoformat(str(at).replace("Z", "+00:00")).timestamp()


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body


# ---- the terminal ----------------------------------------------------------------------------

_HEADINGS = ("time", "who", "event / verb", "status", "took", "url / detail")


def render_report(console: Console, report: CallReport, *, bodies: bool = False) -> None:
    """Print a call (and its legs) as a heading, a table of rows and a closing line."""
    zero = call_start(report)
    console.print(Text(heading(report), style="bold"))
    _render_rows(console, rows(report.timeline), zero, bodies=bodies)
    for leg in report.legs:
        console.print(Text(f"  leg {leg.call_id}: {leg_label(report, leg)}", style="bold"))
        _render_rows(console, rows(leg.timeline), zero, bodies=bodies, indent="  ")
    console.print(Text(summary(report), style="green" if report.ended_normally else "red"))


def _render_rows(
    console: Console, table: Sequence[Row], zero: float, *, bodies: bool, indent: str = ""
) -> None:
    cells = [(f"+{row.at - zero:.3f}", row.actor, row.what, row.status, row.took) for row in table]
    # A note (no status, no duration) may run past its column rather than widen it for all.
    measured = [cell for row, cell in zip(table, cells, strict=True) if row.status or row.took]
    widths = [
        max([len(heading), *(len(cell[i]) for cell in (measured if i == 2 else cells))])
        for i, heading in enumerate(_HEADINGS[:5])
    ]
    head = "  ".join(h.ljust(w) for h, w in zip(_HEADINGS, widths, strict=False))
    console.print(Text(f"{indent}{head}  {_HEADINGS[5]}", style="dim"))
    for row, cell in zip(table, cells, strict=True):
        line = Text(indent)
        line.append(cell[0].rjust(widths[0]), style="dim")
        if row.status or row.took or row.detail:
            for text, width in zip(cell[1:], widths[1:], strict=True):
                line.append("  ")
                line.append(text.ljust(width), style=row.style)
            line.append("  " + row.detail)
        else:
            line.append("  " + cell[1].ljust(widths[1]) + "  ")
            line.append(row.what, style=row.style)
        line.rstrip()
        console.print(line)
        if bodies:
            for label, body in row.bodies:
                if body:
                    console.print(Text(_indented(f"{label}: {body}", indent + "    "), "dim"))


def _indented(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def call_start(report: CallReport) -> float:
    """The moment the call's time is counted from: its first timeline entry."""
    for entry in report.timeline:
        return _epoch(entry["at"])
    return 0.0


def leg_label(parent: CallReport, leg: CallReport) -> str:
    """What started a leg, from the parent's note about it: `transfer to +15557770001`."""
    for entry in parent.timeline:
        detail = entry["detail"]
        if detail.get("callId") == leg.call_id and detail.get("transferTo"):
            return f"transfer to {detail['transferTo']}"
        if detail.get("legCallId") == leg.call_id and detail.get("to"):
            return f"forward to {detail['to']}"
    return heading(leg)


def heading(report: CallReport) -> str:
    """`c-… outbound +15551112222 → +15553334444`."""
    state = report.state
    parts = [report.call_id, state.get("direction") or ""]
    if state.get("from") or state.get("to"):
        parts.append(f"{state.get('from') or MISSING} → {state.get('to') or MISSING}")
    return " ".join(part for part in parts if part)


def summary(report: CallReport) -> str:
    """One line on how the call ended: `ended: hangup after 7.375 s`."""
    if report.cause is None:
        return "still up: the call has not ended"
    took = seconds(duration_s(report))
    if report.cut_short is not None:
        return f"hung up by Ringback after {took}: {report.cut_short}"
    line = f"ended: {report.cause} after {took}"
    if report.state.get("errorMessage"):
        line += f" — {report.state['errorMessage']}"
    return line


def duration_s(report: CallReport) -> float:
    """From the first timeline entry to the last state change."""
    states = [_epoch(e["at"]) for e in report.timeline if e["kind"] == "state"]
    return (states[-1] - call_start(report)) if states else 0.0


# ---- warnings --------------------------------------------------------------------------------


def webhook_warnings(report: CallReport) -> list[str]:
    """One line per async webhook (of the call or its legs) no attempt of which got a 2xx."""
    warnings = []
    for call in (report, *report.legs):
        failed: dict[str, Any] | None = None
        for entry in call.timeline:
            detail = entry["detail"]
            if entry["kind"] != "webhook" or detail.get("sync") is not False:
                continue
            if detail.get("attempt") == 1 and detail.get("target") == "primary":
                if failed is not None:  # a new delivery: the previous one never succeeded
                    warnings.append(_unanswered(call, failed))
                failed = detail
            status = detail.get("status")
            if isinstance(status, int) and 200 <= status < 300:
                failed = None
            elif failed is not None:
                failed = detail  # the last attempt says most
        if failed is not None:
            warnings.append(_unanswered(call, failed))
    return warnings


def _unanswered(call: CallReport, detail: dict[str, Any]) -> str:
    status = detail.get("status")
    outcome = f"HTTP {status}" if status is not None else str(detail.get("error") or "no answer")
    url = mask_url(str(detail.get("url", "")))
    return (
        f"{call.call_id}: async webhook {detail.get('event_type')} to {detail.get('method')} {url}"
        f" was answered {outcome}, not 2xx (Bandwidth ignores it; your app likely failed)"
    )


# ---- JSON ------------------------------------------------------------------------------------


def report_json(report: CallReport) -> dict[str, Any]:
    """The machine-readable form: the call's state, every entry with its offset, its legs.

    Entries are in the control API's form (camelCase details, `time` beside `at`).
    """
    return {**_report_json(report, call_start(report)), "warnings": webhook_warnings(report)}


def _report_json(report: CallReport, zero: float) -> dict[str, Any]:
    return {
        "callId": report.call_id,
        "call": report.state,
        "endedNormally": report.ended_normally,
        "hungUpByRingback": report.cut_short,
        "timeline": [
            {**timeline_entry(entry), "offset": rounded(_epoch(entry["at"]) - zero)}
            for entry in report.timeline
        ],
        "legs": [_report_json(leg, zero) for leg in report.legs],
    }
