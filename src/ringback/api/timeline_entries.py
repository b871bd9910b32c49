"""A timeline entry (of a call or a message) as the control API shows it."""

from __future__ import annotations

from typing import Any

from ringback.events import timestamp_from_epoch


def timeline_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A timeline entry for the wire: camelCase keys, the time also as an ISO string."""
    detail = entry.get("detail")
    if isinstance(detail, dict):
        detail = {camel(key): value for key, value in detail.items()}
    return {
        "seq": entry["seq"],
        "at": entry["at"],
        "time": timestamp_from_epoch(entry["at"]),
        "kind": entry["kind"],
        "summary": entry["summary"],
        "detail": detail,
    }


def camel(key: str) -> str:
    """`error_code` → `errorCode`."""
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
