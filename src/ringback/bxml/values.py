"""What one attribute or text value may be, and its Python value: a kind per value (spec §4.6).

Each `Kind` turns the raw wire string into its Python value or raises `BadValue` with the tail of
a message (`must be 1–50, got 80`); the parser puts `<Verb> attributeName` in front.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from enum import Enum
from functools import cache

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
_PLAIN_DIGITS = 18  # int() and float() of at most this many digits: fast and exact enough
_WHOLE = re.compile(r"[+-]?\d+(?:\.0*)?")
_E164 = re.compile(r"\+[1-9]\d{1,14}")
_SIP_URI = re.compile(r"sips?:\S+", re.IGNORECASE)
_DTMF = re.compile(r"[0-9*#a-dA-D,wW]*")
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


Reader = Callable[[str], object]


def convert(
    kind: Kind,
    raw: str,
    choices: tuple[str, ...] = (),
    low: float | None = None,
    high: float | None = None,
) -> object:
    """The Python value of `raw` for `kind`, or BadValue."""
    return reader(kind, choices, low, high)(raw)


@cache  # keyed by the attribute table's own entries, never by a document's values
def reader(
    kind: Kind,
    choices: tuple[str, ...] = (),
    low: float | None = None,
    high: float | None = None,
) -> Reader:
    """`convert` for one kind and its limits as a one-argument function, built once: the fast
    path (`fast_path.py`) calls it per attribute, so each kind's common case comes first and
    nothing is looked up per value (a chain of `kind is Kind.X` tests cost 1-2 µs a value)."""
    if kind in (Kind.INT, Kind.SECONDS, Kind.MILLISECONDS):
        return _number_reader(kind, low, high)
    if kind is Kind.ENUM:
        allowed = frozenset(choices)

        def enum(raw: str) -> str:
            value = raw.strip(_XML_SPACE)
            if value not in allowed:
                raise BadValue(f"must be one of {', '.join(choices)}, got {raw!r}")
            return value

        return enum
    if kind is Kind.VOICE:
        voices = frozenset(choices)

        def voice(raw: str) -> str:
            value = raw.strip(_XML_SPACE).lower()
            if value not in voices:
                raise BadValue(f"must be a known voice ({', '.join(choices)}), got {raw!r}")
            return value

        return voice
    return _READERS[kind]


def _number_reader(kind: Kind, low: float | None, high: float | None) -> Reader:
    make = int if kind is Kind.INT else float
    bottom = -math.inf if low is None else low
    top = math.inf if high is None else high

    def number(raw: str) -> object:
        value = raw.strip(_XML_SPACE)
        if value.isdigit() and value.isascii() and len(value) <= _PLAIN_DIGITS:
            result = make(value)  # plain ASCII digits, the common case: no pattern needed
            if bottom <= result <= top:
                return result
        return _convert_number(kind, value, low, high)

    return number


def _text(raw: str) -> str:
    return raw


def _boolean(raw: str) -> bool:
    lowered = raw.strip(_XML_SPACE).lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise BadValue(f"must be true or false, got {raw!r}")


def _method(raw: str) -> str:
    upper = raw.strip(_XML_SPACE).upper()
    if upper not in ("POST", "GET"):
        raise BadValue(f"must be GET or POST, got {raw!r}")
    return upper


def _not_blank(raw: str) -> str:
    value = raw.strip(_XML_SPACE)
    if not value:
        raise BadValue("must not be empty")
    return value


def _tag(raw: str) -> str:
    # A tag is kept as written (not trimmed): it is the app's own opaque string.
    if len(raw) > MAX_TAG_CHARS:
        raise BadValue(f"must be at most {MAX_TAG_CHARS} characters, got {len(raw)}")
    return raw


def _terminating_digits(raw: str) -> str:
    value = raw.strip(_XML_SPACE)
    if value.strip("0123456789*#"):  # what `[0-9*#]*` matches, without the pattern
        raise BadValue(f"may only contain 0-9, * and #, got {shown(value)}")
    return value


def _caller_id(raw: str) -> str:
    value = raw.strip(_XML_SPACE)
    if not (_E164.fullmatch(value) or value in PRIVATE_CALLER_IDS):
        words = ", ".join(PRIVATE_CALLER_IDS)
        raise BadValue(f"must be an E.164 number (+15551234567) or one of {words}, got {raw!r}")
    return value


def _e164(raw: str) -> str:
    value = raw.strip(_XML_SPACE)
    if not _E164.fullmatch(value):
        raise BadValue(f"must be an E.164 number like +15551234567, got {shown(value)}")
    return value


def _sip_uri(raw: str) -> str:
    value = raw.strip(_XML_SPACE)
    if not _SIP_URI.fullmatch(value):
        raise BadValue(f"must be a SIP URI like sip:user@example.com, got {shown(value)}")
    return value


def _phone_or_sip(raw: str) -> str:
    value = raw.strip(_XML_SPACE)
    if not (_E164.fullmatch(value) or _SIP_URI.fullmatch(value)):
        raise BadValue(f"must be an E.164 number or a sip: URI, got {raw!r}")
    return value


def _display_name(raw: str) -> str:
    value = raw.strip(_XML_SPACE)
    if len(value) > MAX_DISPLAY_NAME_CHARS:
        raise BadValue(f"must be at most {MAX_DISPLAY_NAME_CHARS} characters, got {len(value)}")
    if _CONTROL.search(value):
        raise BadValue("must not contain control characters")
    return value


def _conference_name(raw: str) -> str:
    value = _not_blank(raw)
    if len(value) > MAX_CONFERENCE_NAME_CHARS:
        limit = MAX_CONFERENCE_NAME_CHARS
        raise BadValue(f"must be at most {limit} characters, got {len(value)}")
    if not _CONFERENCE_NAME.fullmatch(value):
        raise BadValue(f"may only contain letters, digits, '-', '_' and '.', got {shown(value)}")
    return value


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


def _convert_uui(raw: str) -> str:
    value = raw.strip(_XML_SPACE)
    if len(value) > MAX_UUI_CHARS:
        raise BadValue(f"must be at most {MAX_UUI_CHARS} characters, got {len(value)}")
    data, _, parameter = value.partition(";")
    name, _, encoding = parameter.partition("=")
    if not data or name.strip().lower() != "encoding" or encoding.strip() not in UUI_ENCODINGS:
        raise BadValue(f"must look like DATA;encoding=base64 (or jwt), got {shown(value)}")
    return value


def _convert_dtmf(raw: str) -> str:
    value = _not_blank(raw)
    if len(value) > MAX_DTMF_DIGITS:
        raise BadValue(f"must be at most {MAX_DTMF_DIGITS} characters, got {len(value)}")
    if not _DTMF.fullmatch(value):
        bad = next(char for char in value if not _DTMF.fullmatch(char))
        raise BadValue(f"may only contain 0-9 * # a-d A-D , w W, got {bad!r} in {value!r}")
    return value


_READERS: dict[Kind, Reader] = {
    Kind.TEXT: _text,
    Kind.URL: _not_blank,
    Kind.CALL_ID: _not_blank,
    Kind.NAME: _not_blank,
    Kind.BOOL: _boolean,
    Kind.METHOD: _method,
    Kind.TAG: _tag,
    Kind.TERMINATING_DIGITS: _terminating_digits,
    Kind.CALLER_ID: _caller_id,
    Kind.E164: _e164,
    Kind.SIP_URI: _sip_uri,
    Kind.PHONE_OR_SIP: _phone_or_sip,
    Kind.UUI: _convert_uui,
    Kind.DISPLAY_NAME: _display_name,
    Kind.DTMF: _convert_dtmf,
    Kind.CONFERENCE_NAME: _conference_name,
}
"""The reader of each kind without limits or choices (see `reader`)."""
