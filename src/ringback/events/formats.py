"""Value formats of spec §1.2: timestamps and durations as validated strings, and converters.

Events keep timestamps and durations as the strings that travel on the wire, so a payload that
comes in with `PT1M52.217257456S` goes out with exactly that text: a float or a `datetime`
would drop digits. The engine works in seconds (its clock is a number), so the converters below
turn seconds into wire strings and back. They are pure: none of them reads a clock.

Durations are written the way `java.time.Duration.toString()` writes them, which is what
Bandwidth's own examples show (`PT20.056S`, `PT4.9891287S`, `PT1M52.217257456S`): hours and
minutes only when non-zero, seconds with at most nine fraction digits and no trailing zeros.
"""

from __future__ import annotations

import functools
import math
import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Final

from msgspec import Meta

from ringback.errors import EventError

# ASCII digits only: `\d` would also accept other scripts' digits in Python's `re`.
TIMESTAMP_PATTERN: Final = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?Z$"
)
# At least one component after `PT`; the lookahead keeps a bare `PT` out.
DURATION_PATTERN: Final = r"^PT(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]{1,9})?S)?$"

TIMESTAMP_EXAMPLE: Final = "2019-06-20T15:54:25.435Z"
DURATION_EXAMPLE: Final = "PT20.056S"

Timestamp = Annotated[
    str,
    Meta(
        pattern=TIMESTAMP_PATTERN,
        description="ISO-8601 UTC date-time with milliseconds and `Z`.",
        examples=[TIMESTAMP_EXAMPLE],
        extra_json_schema={"format": "date-time"},
    ),
]
Duration = Annotated[
    str,
    Meta(
        pattern=DURATION_PATTERN,
        description="ISO-8601 duration (hours, minutes, seconds).",
        examples=[DURATION_EXAMPLE, "PT1M52.217257456S"],
        extra_json_schema={"format": "duration"},
    ),
]

_TIMESTAMP_RE: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?Z"
)
_DURATION_RE: Final = re.compile(DURATION_PATTERN)
_DURATION_PARTS_RE: Final = re.compile(r"PT(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+(?:\.[0-9]+)?)S)?")
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_NANOS_PER_S: Final = 10**9
_MS_PER_S: Final = 1000
_S_PER_MIN: Final = 60
_S_PER_HOUR: Final = 3600


def is_timestamp(text: str) -> bool:
    """Whether `text` has the wire form of a timestamp (the calendar is checked by the parser)."""
    return re.fullmatch(TIMESTAMP_PATTERN, text) is not None


def is_duration(text: str) -> bool:
    """Whether `text` has the wire form of a duration."""
    return _DURATION_RE.fullmatch(text) is not None


def _exact(seconds: float, what: str) -> Decimal:
    # repr() is the shortest text that reads back as the same float, so 20.056 stays 20.056
    # instead of becoming 20.05599999999999916...
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise EventError(f"{what} must be a number of seconds, got {type(seconds).__name__}")
    if not math.isfinite(seconds):
        raise EventError(f"{what} must be a finite number of seconds, got {seconds!r}")
    return Decimal(repr(seconds))


# A call's few instants are formatted again for every event and stored state (a virtual clock
# repeats the same instant across many calls), so recent results are kept; typed, so that
# `True` is never served the answer for `1`.
@functools.lru_cache(maxsize=4096, typed=True)
def timestamp_from_epoch(seconds: float) -> str:
    """Seconds since the Unix epoch → `2019-06-20T15:54:25.435Z` (rounded to the millisecond)."""
    millis = int((_exact(seconds, "a timestamp") * _MS_PER_S).to_integral_value(ROUND_HALF_EVEN))
    try:
        moment = _EPOCH + timedelta(milliseconds=millis)
    except OverflowError:
        raise EventError(f"timestamp out of range (years 1-9999): {seconds!r}") from None
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
        f".{moment.microsecond // 1000:03d}Z"
    )


def epoch_from_timestamp(text: str) -> float:
    """`2019-06-20T15:54:25.435Z` → seconds since the Unix epoch."""
    match = _TIMESTAMP_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None or not is_timestamp(text):
        raise EventError(
            f"not an ISO-8601 UTC timestamp such as {TIMESTAMP_EXAMPLE}: {text!r}",
        )
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as exc:
        raise EventError(f"not a valid calendar date-time ({exc}): {text!r}") from None
    whole = (moment - _EPOCH) // timedelta(seconds=1)
    fraction = Decimal(f"0.{match.group(7)}") if match.group(7) else Decimal(0)
    return float(whole + fraction)


def duration_from_seconds(seconds: float) -> str:
    """A length in seconds → ISO-8601: 20.056 → `PT20.056S`, 112.5 → `PT1M52.5S`, 0 → `PT0S`."""
    exact = _exact(seconds, "a duration")
    if exact < 0:
        raise EventError(f"a duration cannot be negative: {seconds!r}")
    nanos = int((exact * _NANOS_PER_S).to_integral_value(ROUND_HALF_EVEN))
    whole, fraction = divmod(nanos, _NANOS_PER_S)
    hours, rest = divmod(whole, _S_PER_HOUR)
    minutes, secs = divmod(rest, _S_PER_MIN)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if secs or fraction or not (hours or minutes):
        text += str(secs)
        if fraction:
            text += "." + f"{fraction:09d}".rstrip("0")
        text += "S"
    return text


def seconds_from_duration(text: str) -> float:
    """`PT1M52.217257456S` → 112.217257456."""
    if not isinstance(text, str) or not is_duration(text):
        raise EventError(f"not an ISO-8601 duration such as {DURATION_EXAMPLE}: {text!r}")
    match = _DURATION_PARTS_RE.fullmatch(text)
    assert match is not None  # the stricter pattern above already matched
    hours, minutes, secs = (Decimal(part) if part else Decimal(0) for part in match.groups())
    return float(hours * _S_PER_HOUR + minutes * _S_PER_MIN + secs)
