"""A timeline entry (of a call or a message) as the control API and the CLI's --json show it."""

from __future__ import annotations

from typing import Any

from ringback.events import timestamp_from_epoch


def timeline_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A timeline entry for the wire: camelCase keys, the time also as an ISO string."""
    detail = entry.get("detail")
    if isinstance(detail, dict):
        detail = {camel(key): rounded(value) for key, value in detail.items()}
    return {
        "seq": entry["seq"],
        "at": entry["at"],
        "time": timestamp_from_epoch(entry["at"]),
        "kind": entry["kind"],
        "summary": entry["summary"],
        "detail": detail,
    }


# Measurements carry float noise (3.9749999046325684 s of a float32 duration, 2.4000000000000004
# from sums); a microsecond is finer than anything the platform measures.
MEASUREMENT_DECIMALS = 6


def rounded(value: Any) -> Any:
    """Floats (also inside lists and objects) rounded to a microsecond; the rest unchanged."""
    if isinstance(value, float):
        return round(value, MEASUREMENT_DECIMALS)
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [rounded(item) for item in value]
    return value


def camel(key: str) -> str:
    """`error_code` → `errorCode`."""
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
