"""A call's timeline as plain text, for assertion messages and pytest's failure report.

One line per thing that happened, times relative to the call's start on its own clock:

       +1.000  → app       gather  POST http://127.0.0.1:5000/menu  200
                        ← <Response><SpeakSentence>Connecting you</SpeakSentence>...</Response>
       +1.000  verb        <Transfer> started

The app's answers are shown squeezed onto one line and cut at `RESPONSE_CHARS` (`bodies=True`
shows request and response bodies whole). Plain text, no colour: it goes into pytest's output
and into CI logs.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ringback.testing.result import CallResult

RESPONSE_CHARS = 160
_SPACE = re.compile(r"\s+")
_KINDS = {"far-end": "far end", "state": "state", "verb": "verb"}


def render_call(call: CallResult, *, bodies: bool = False, indent: str = "") -> str:
    """The call and its legs, one line per timeline entry."""
    zero = float(call.timeline[0]["at"]) if call.timeline else 0.0
    lines = [indent + heading(call)]
    for entry in call.timeline:
        lines.extend(indent + "  " + line for line in _entry_lines(entry, zero, bodies))
    for leg in call.legs:
        lines.append(render_call(leg, bodies=bodies, indent=indent + "    "))
    return "\n".join(lines)


def heading(call: CallResult) -> str:
    """`call c-... outbound +1555... → +1555...: disconnected, hangup, 12.1 s`."""
    state = call.state
    ended = f"{state.get('state', '?')}, cause {call.cause or '-'}"
    line = (
        f"call {call.call_id} {state.get('direction', '')} {state.get('from', '?')} →"
        f" {state.get('to', '?')}: {ended}, {call.duration:.3f} s"
    )
    if call.error_message:
        line += f" ({call.error_message})"
    if call.cut_short:
        line += f" [hung up by Ringback: {call.cut_short}]"
    return line


def _entry_lines(entry: dict[str, Any], zero: float, bodies: bool) -> list[str]:
    at = f"+{float(entry['at']) - zero:.3f}".rjust(9)
    kind = entry["kind"]
    detail = entry.get("detail") or {}
    if kind != "webhook":
        return [f"{at}  {_KINDS.get(kind, kind):<10}  {entry['summary']}"]
    outcome = detail.get("status") or detail.get("error") or "no response"
    retry = f" (attempt {detail['attempt']})" if (detail.get("attempt") or 1) > 1 else ""
    lines = [
        f"{at}  → app       {detail.get('event_type')}  {detail.get('method')} {detail.get('url')}"
        f"  {outcome}{retry}"
    ]
    pad = " " * 22
    if detail.get("fault"):
        lines.append(f"{pad}fault on purpose: {detail['fault']}")
    if detail.get("note"):
        lines.append(f"{pad}note: {detail['note']}")
    if bodies and detail.get("request_body"):
        lines.append(f"{pad}sent: {detail['request_body']}")
    response = str(detail.get("response_body") or "")
    if response.strip():
        lines.append(f"{pad}← {response if bodies else squeeze(response)}")
    return lines


def squeeze(text: str, limit: int = RESPONSE_CHARS) -> str:
    """Whitespace collapsed, the XML declaration dropped, cut at `limit` characters."""
    text = _SPACE.sub(" ", re.sub(r"<\?xml[^>]*\?>", "", text)).strip()
    text = text.replace("> <", "><")
    return text if len(text) <= limit else text[: limit - 1] + "…"
