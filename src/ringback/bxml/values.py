"""What one attribute or text value may be, and its Python value: a kind per value (spec §4.6).

Each `Kind` turns the raw wire string into its Python value or raises `BadValue` with the tail of
a message (`must be 1–50, got 80`); the parser puts `<Verb> attributeName` in front.
"""

from __future__ import annotations

import math
import re
from enum import Enum

MAX_TAG_CHARS = 256
MAX_DISPLAY_NAME_CHARS = 256
MAX_UUI_CHARS = 256
MAX_DTMF_DIGITS = 50
MAX_CONFERENCE_NAME_CHARS = 100
PRIVATE_CALLER_IDS = ("Restricted", "Anonymous", "Private", "Unavailable")
UUI_ENCODINGS = ("base64", "jwt")

# Written so that each character can be matched only one way: `\d+\.?\d*` let a run of digits
# split between its two parts n ways, and a failing match of n digits took O(n²) (a 64 KB
# attribute: a minute, with the event loop stalled).
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Far longer than any number in range: a longer one is refused before any regex or float().
MAX_NUMBER_CHARS = 40
MAX_SHOWN_CHARS = 60  # a bad value in a message is cut to this
_WHOLE = re.compile(r"[+-]?\d+(?:\.0*)?")
_E164 = re.compile(r"\+[1-9]\d{1,14}")
_SIP_URI = re.compile(r"sips?:\S+", re.IGNORECASE)
_DTMF = re.compile(r"[0-9*#a-dA-D,wW]*")
_TERMINATING = re.compile(r"[0-9*#]*")
_CONFERENCE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_XML_SPACE = " \t\n\r"


class BadValue(Exception):
    """A wire value breaks its kind's rule; the argument is the message tail."""


class Kind(Enum):
    """How a value is checked and what Python type it becomes."""

    TEXT = "text"  # any string, kept exactly
    URL = "url"  # a non-blank URL (may be relative)
    METHOD = "method"  # GET or POST
    BOOL = "bool"
    INT = "int"
    SECONDS = "seconds"
    MILLISECONDS = "milliseconds"
    ENUM = "enum"  # one of Attr.choices, exactly
    VOICE = "voice"  # one of Attr.choices, any case
    TAG = "tag"  # a call tag: at most 256 characters
    TERMINATING_DIGITS = "terminating digits"
    CALLER_ID = "caller id"  # E.164 or Restricted / Anonymous / Private / Unavailable
    E164 = "E.164 number"
    SIP_URI = "SIP URI"
    PHONE_OR_SIP = "phone number or SIP URI"
    UUI = "uui"
    DISPLAY_NAME = "display name"
    DTMF = "dtmf"
    CONFERENCE_NAME = "conference name"
    CALL_ID = "call id"  # required text
    NAME = "name"  # a required non-blank name


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def range_text(low: float | None, high: float | None) -> str:
    """`1–50`, `at least 0` or `at most 10800`."""
    if low is not None and high is not None:
        return f"{_number_text(low)}–{_number_text(high)}"
    if low is not None:
        return f"at least {_number_text(low)}"
    return f"at most {_number_text(high or 0)}"


def convert(
    kind: Kind,
    raw: str,
    choices: tuple[str, ...] = (),
    low: float | None = None,
    high: float | None = None,
) -> object:
    """The Python value of `raw` for `kind`, or BadValue."""
    if kind is Kind.TEXT:
        return raw
    value = raw.strip(_XML_SPACE)
    if kind in (Kind.INT, Kind.SECONDS, Kind.MILLISECONDS):
        return _convert_number(kind, value, low, high)
    if kind is Kind.BOOL:
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise BadValue(f"must be true or false, got {raw!r}")
        return lowered == "true"
    if kind is Kind.METHOD:
        upper = value.upper()
        if upper not in ("GET", "POST"):
            raise BadValue(f"must be GET or POST, got {raw!r}")
        return upper
    if kind is Kind.ENUM:
        if value not in choices:
            raise BadValue(f"must be one of {', '.join(choices)}, got {raw!r}")
        return value
    if kind is Kind.VOICE:
        if value.lower() not in choices:
            raise BadValue(f"must be a known voice ({', '.join(choices)}), got {raw!r}")
        return value.lower()
    return _convert_string(kind, value, raw)


def shown(value: str, *, quoted: bool = True) -> str:
    """`value` for a message, cut short when long (a hostile value can be 64 KB)."""
    if len(value) <= MAX_SHOWN_CHARS:
        return repr(value) if quoted else value
    cut = repr(value[:MAX_SHOWN_CHARS]) if quoted else value[:MAX_SHOWN_CHARS]
    return f"{cut}... ({len(value)} characters)"


def _convert_number(kind: Kind, value: str, low: float | None, high: float | None) -> int | float:
    if len(value) > MAX_NUMBER_CHARS:
        raise BadValue(f"must be {range_text(low, high)}, got {shown(value)}")
    if value.isascii() and value.isdigit() and len(value) <= 18:
        # Plain ASCII digits, the common case: what both regex paths below accept, without them.
        number: int | float = int(value) if kind is Kind.INT else float(value)
    elif kind is Kind.INT:
        if not _WHOLE.fullmatch(value):
            raise BadValue(f"must be a whole number, got {shown(value)}")
        whole = value.partition(".")[0]
        if len(whole) > 18:  # far outside every range; int() of huge strings is slow or refused
            raise BadValue(f"must be {range_text(low, high)}, got {shown(value, quoted=False)}")
        number = int(whole)
    else:
        if not _NUMBER.fullmatch(value):
            unit = "seconds" if kind is Kind.SECONDS else "milliseconds"
            raise BadValue(f"must be a number of {unit}, got {shown(value)}")
        number = float(value)
        if not math.isfinite(number):
            raise BadValue(f"must be {range_text(low, high)}, got {shown(value, quoted=False)}")
    if (low is not None and number < low) or (high is not None and number > high):
        raise BadValue(f"must be {range_text(low, high)}, got {shown(value, quoted=False)}")
    return number


def _convert_string(kind: Kind, value: str, raw: str) -> str:
    if kind in (Kind.URL, Kind.CALL_ID, Kind.NAME):
        if not value:
            raise BadValue("must not be empty")
        return value
    if kind is Kind.TAG:
        # A tag is kept as written (not trimmed): it is the app's own opaque string.
        if len(raw) > MAX_TAG_CHARS:
            raise BadValue(f"must be at most {MAX_TAG_CHARS} characters, got {len(raw)}")
        return raw
    if kind is Kind.TERMINATING_DIGITS:
        if not _TERMINATING.fullmatch(value):
            raise BadValue(f"may only contain 0-9, * and #, got {shown(value)}")
        return value
    if kind is Kind.CALLER_ID:
        if not (_E164.fullmatch(value) or value in PRIVATE_CALLER_IDS):
            words = ", ".join(PRIVATE_CALLER_IDS)
            raise BadValue(f"must be an E.164 number (+15551234567) or one of {words}, got {raw!r}")
        return value
    if kind is Kind.E164:
        if not _E164.fullmatch(value):
            raise BadValue(f"must be an E.164 number like +15551234567, got {shown(value)}")
        return value
    if kind is Kind.SIP_URI:
        if not _SIP_URI.fullmatch(value):
            raise BadValue(f"must be a SIP URI like sip:user@example.com, got {shown(value)}")
        return value
    if kind is Kind.PHONE_OR_SIP:
        if not (_E164.fullmatch(value) or _SIP_URI.fullmatch(value)):
            raise BadValue(f"must be an E.164 number or a sip: URI, got {raw!r}")
        return value
    if kind is Kind.UUI:
        return _convert_uui(value)
    if kind is Kind.DISPLAY_NAME:
        if len(value) > MAX_DISPLAY_NAME_CHARS:
            raise BadValue(f"must be at most {MAX_DISPLAY_NAME_CHARS} characters, got {len(value)}")
        if _CONTROL.search(value):
            raise BadValue("must not contain control characters")
        return value
    if kind is Kind.DTMF:
        return _convert_dtmf(value)
    if kind is Kind.CONFERENCE_NAME:
        if not value:
            raise BadValue("must not be empty")
        if len(value) > MAX_CONFERENCE_NAME_CHARS:
            limit = MAX_CONFERENCE_NAME_CHARS
            raise BadValue(f"must be at most {limit} characters, got {len(value)}")
        if not _CONFERENCE_NAME.fullmatch(value):
            raise BadValue(
                f"may only contain letters, digits, '-', '_' and '.', got {shown(value)}"
            )
        return value
    raise AssertionError(f"unhandled kind {kind}")  # pragma: no cover


def _convert_uui(value: str) -> str:
    if len(value) > MAX_UUI_CHARS:
        raise BadValue(f"must be at most {MAX_UUI_CHARS} characters, got {len(value)}")
    data, _, parameter = value.partition(";")
    name, _, encoding = parameter.partition("=")
    if not data or name.strip().lower() != "encoding" or encoding.strip() not in UUI_ENCODINGS:
        raise BadValue(f"must look like DATA;encoding=base64 (or jwt), got {shown(value)}")
    return value


def _convert_dtmf(value: str) -> str:
    if not value:
        raise BadValue("must not be empty")
    if len(value) > MAX_DTMF_DIGITS:
        raise BadValue(f"must be at most {MAX_DTMF_DIGITS} characters, got {len(value)}")
    if not _DTMF.fullmatch(value):
        bad = next(char for char in value if not _DTMF.fullmatch(char))
        raise BadValue(f"may only contain 0-9 * # a-d A-D , w W, got {bad!r} in {value!r}")
    return value
