"""The base of every model: keyword-only, immutable, optional fields omitted from the wire.

msgspec validates types only when it decodes; a constructor call from the engine is checked by
mypy instead. The one thing a type checker cannot see is the text of a timestamp or duration,
so `__post_init__` checks those fields (a precomputed list per class, so the check costs a few
regex matches, no reflection per call, and a text checked lately is not searched again). A
malformed time can therefore never be emitted.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final, get_args

import msgspec

from ringback.errors import EventError
from ringback.events.formats import (
    DURATION_EXAMPLE,
    DURATION_PATTERN,
    TIMESTAMP_EXAMPLE,
    TIMESTAMP_PATTERN,
    Duration,
    Timestamp,
)
from ringback.events.naming import wire_name

_TIMESTAMP_RE: Final = re.compile(TIMESTAMP_PATTERN)
_DURATION_RE: Final = re.compile(DURATION_PATTERN)
_CHECKS: Final = (
    (Timestamp, _TIMESTAMP_RE, f"an ISO-8601 UTC timestamp such as {TIMESTAMP_EXAMPLE}"),
    (Duration, _DURATION_RE, f"an ISO-8601 duration such as {DURATION_EXAMPLE}"),
)


class WireModel(
    msgspec.Struct,
    kw_only=True,
    frozen=True,
    omit_defaults=True,
    forbid_unknown_fields=True,
    rename=wire_name,
):
    """Shared configuration; subclasses repeat `kw_only=True, frozen=True` (not inherited)."""

    def __post_init__(self) -> None:
        for attribute, key, pattern, expected in _format_checks(type(self)):
            value = getattr(self, attribute)
            if value is None or (type(value) is str and value in _CHECKED[pattern]):
                continue
            if type(value) is not str or pattern.search(value) is None:
                raise EventError(f"expected {expected}, got {value!r}", field=key)
            _remember(pattern, value)


# Texts that passed each check lately: one call's events repeat its times, and calls placed
# together share theirs, so most checks are a set lookup, not a regex search. Bounded.
_CHECKED_KEPT = 4096
_CHECKED: Final[dict[re.Pattern[str], set[str]]] = {pattern: set() for _, pattern, _ in _CHECKS}


def _remember(pattern: re.Pattern[str], value: str) -> None:
    checked = _CHECKED[pattern]
    if len(checked) >= _CHECKED_KEPT:
        checked.clear()
    checked.add(value)


@cache
def _format_checks(cls: type[WireModel]) -> tuple[tuple[str, str, re.Pattern[str], str], ...]:
    checks = []
    for field in msgspec.structs.fields(cls):
        candidates = (field.type, *get_args(field.type))
        for annotation, pattern, expected in _CHECKS:
            if annotation in candidates:
                checks.append((field.name, field.encode_name, pattern, expected))
    return tuple(checks)
