"""The live log of a running platform: a line per webhook attempt and per call end, as they happen.

How this works. The platform tells its watchers of every timeline entry as it is written
(`ringback.runtime.watchers`); `log_line` turns one entry into one `LogLine`, or None when the
chosen level leaves it out. A line is coloured segments for the terminal and a flat record for
`--log-format json`; printing them is the CLI's job, so this module does no I/O and reads no
clock (times are the platform's, from the entry). Levels, each including the one before:

- `quiet`: nothing.
- `calls`: one line when a call ends: its cause, and the error message when it is not `hangup`.
- `webhooks` (the default): also one line per webhook attempt: the event, method and URL (with
  credentials masked), the HTTP status or the failure, and the milliseconds it took.
- `verbose`: also every other timeline entry (verbs, far-end steps, state changes, notes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ringback.events import timestamp_from_epoch
from ringback.masking import mask_url

LEVELS = ("quiet", "calls", "webhooks", "verbose")
DEFAULT_LEVEL = "webhooks"
FORMATS = ("text", "json")
NORMAL_CAUSE = "hangup"

OK_STYLE = "green"
ERROR_STYLE = "bold red"
DIM_STYLE = "dim"

Segment = tuple[str, str]  # text, and its Rich style ("" for none)


class EntryLike(Protocol):
    """What a line is made from: `ringback.runtime.watchers.Entry` (not imported: that package
    loads asyncio, and this module is pure)."""

    @property
    def owner(self) -> str: ...
    @property
    def at(self) -> float: ...
    @property
    def kind(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def detail(self) -> Mapping[str, Any]: ...
    @property
    def call(self) -> Mapping[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line of the log: styled segments for a terminal, a record for JSON."""

    segments: tuple[Segment, ...]
    record: dict[str, Any]

    @property
    def text(self) -> str:
        """The line without colour."""
        return "".join(text for text, _style in self.segments)

    @property
    def failed(self) -> bool:
        """A webhook that got no 2xx, or a call that ended other than by a normal hangup."""
        return bool(self.record.get("failed"))


def check_level(level: str) -> str:
    """`level` if it is one of LEVELS; ValueError naming the choices otherwise."""
    if level not in LEVELS:
        raise ValueError(f"unknown log level {level!r}: use one of {', '.join(LEVELS)}")
    return level


def log_line(entry: EntryLike, level: str = DEFAULT_LEVEL) -> LogLine | None:
    """The line an entry makes at `level`, or None when that level leaves it out."""
    rank = LEVELS.index(check_level(level))
    if rank == 0:
        return None
    if _is_call_end(entry):
        return _end_line(entry)
    if entry.kind == "webhook":
        return _webhook_line(entry) if rank >= LEVELS.index("webhooks") else None
    if rank >= LEVELS.index("verbose"):
        return _note_line(entry)
    return None


def _is_call_end(entry: EntryLike) -> bool:
    return entry.kind == "state" and "cause" in entry.detail


def _head(entry: EntryLike) -> list[Segment]:
    clock = datetime.fromtimestamp(entry.at).strftime("%H:%M:%S.%f")[:-3]
    return [(clock, DIM_STYLE), ("  ", ""), (entry.owner, ""), ("  ", "")]


def _record(entry: EntryLike, kind: str, **fields: Any) -> dict[str, Any]:
    return {"time": timestamp_from_epoch(entry.at), "id": entry.owner, "kind": kind, **fields}


def _webhook_line(entry: EntryLike) -> LogLine:
    # The store keeps a delivery record's own field names; the control API's wire form is
    # camelCase. Both are read, so a line can be made from either.
    detail = entry.detail
    event = str(_field(detail, "event_type") or "webhook")
    status = detail.get("status")
    error = detail.get("error")
    ok = isinstance(status, int) and 200 <= status < 300
    outcome = str(status) if status is not None else str(error or "failed")
    millis = _field(detail, "duration_ms")
    method = str(detail.get("method") or "POST")
    url = mask_url(str(detail.get("url") or ""))
    label = event
    if detail.get("target") == "fallback":
        label += " (fallback)"
    if (detail.get("attempt") or 1) > 1:
        label += f" (attempt {detail['attempt']})"
    segments = [
        *_head(entry),
        (label.ljust(22), "bold"),
        ("  ", ""),
        (f"{method} {url}", ""),
        ("  ", ""),
        (outcome, OK_STYLE if ok else ERROR_STYLE),
    ]
    if isinstance(millis, int | float):
        segments.append((f"  {millis:.0f} ms", DIM_STYLE))
    note = detail.get("note")
    if note:
        segments.append((f"  {note}", "" if ok else ERROR_STYLE))
    record = _record(
        entry,
        "webhook",
        event=event,
        method=method,
        url=url,
        status=status,
        error=error,
        ms=round(millis, 3) if isinstance(millis, int | float) else None,
        attempt=detail.get("attempt"),
        target=detail.get("target"),
        note=note,
        failed=not ok,
    )
    return LogLine(tuple(segments), record)


def _end_line(entry: EntryLike) -> LogLine:
    call = entry.call or {}
    cause = str(entry.detail.get("cause"))
    message = entry.detail.get("errorMessage") or call.get("errorMessage")
    normal = cause == NORMAL_CAUSE
    took = _duration_s(call)
    segments = [*_head(entry), ("ended".ljust(22), "bold"), ("  ", "")]
    segments.append((cause, OK_STYLE if normal else ERROR_STYLE))
    if took is not None:
        segments.append((f"  after {round(took, 3):g} s", DIM_STYLE))
    if call.get("from") or call.get("to"):
        segments.append((f"  {call.get('from') or '-'} → {call.get('to') or '-'}", ""))
    if message:
        segments.append((f"  {message}", "" if normal else ERROR_STYLE))
    record = _record(
        entry,
        "callEnded",
        cause=cause,
        errorMessage=message,
        durationS=None if took is None else round(took, 3),
        **{"from": call.get("from"), "to": call.get("to")},
        failed=not normal,
    )
    return LogLine(tuple(segments), record)


def _note_line(entry: EntryLike) -> LogLine:
    segments = [*_head(entry), (entry.kind.ljust(22), DIM_STYLE), ("  ", ""), (entry.summary, "")]
    record = _record(entry, entry.kind, summary=entry.summary, detail=dict(entry.detail))
    return LogLine(tuple(segments), record)


def _field(detail: Mapping[str, Any], name: str) -> Any:
    if name in detail:
        return detail[name]
    head, *rest = name.split("_")
    return detail.get(head + "".join(part.title() for part in rest))


def _duration_s(call: Mapping[str, Any]) -> float | None:
    start, end = call.get("startTime"), call.get("endTime")
    if not start or not end:
        return None
    try:
        return _epoch(str(end)) - _epoch(str(start))
    except ValueError:
        return None


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
