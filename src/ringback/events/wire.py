"""The JSON wire form: decode with validation, encode fast, and say exactly what was wrong.

msgspec does the work (one prebuilt encoder, one decoder per class; no reflection per call).
Its validation errors read like "Expected `str`, got `int` - at `$.mediaStream.id`"; they are
turned here into `EventError`s whose `field` is the dotted wire path (`mediaStream.id`) and
whose message a person understands. `null` for an optional field means "absent", so it decodes
to None and is left out when encoded again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

import msgspec

from ringback.errors import EventError
from ringback.events.calls import Event
from ringback.events.catalogue import EVENT_TYPES, AnyEvent
from ringback.events.formats import (
    DURATION_EXAMPLE,
    DURATION_PATTERN,
    TIMESTAMP_EXAMPLE,
    TIMESTAMP_PATTERN,
)
from ringback.events.parts import NestedFieldError, dec_hook, enc_hook

_ENCODER: Final = msgspec.json.Encoder(enc_hook=enc_hook)
_DECODER: Final = msgspec.json.Decoder(AnyEvent, dec_hook=dec_hook)

_AT: Final = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_MISSING: Final = re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")
_UNKNOWN: Final = re.compile(r"^Object contains unknown field `(?P<name>[^`]+)`$")
_PATTERN: Final = re.compile(r"^Expected `str` matching regex '(?P<regex>.*)'$", re.DOTALL)
_EXPECTED: Final = re.compile(
    r"^Expected `(?P<want>[^`]+)`(?:, got `(?P<got>[^`]+)`)?(?P<rest>.*)$"
)
_JSON_TYPES: Final = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}
_PATH_STEP: Final = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\[\.\.\.\]")
_TAG_PATH: Final = ".eventType"


def to_json(event: Event) -> bytes:
    """The JSON body of a webhook, as bytes (the delivery layer's hot path)."""
    return _ENCODER.encode(event)


def to_wire(event: Event) -> dict[str, Any]:
    """The JSON object of an event as Python builtins (same as `event.to_wire()`)."""
    return event.to_wire()


def from_wire(mapping: Mapping[str, Any]) -> Event:
    """Validate a decoded JSON object and build its event; raises `EventError` naming the field."""
    if not isinstance(mapping, Mapping):
        raise EventError(f"expected a JSON object, got {type(mapping).__name__}")
    cls = _event_class(mapping.get("eventType", _ABSENT))
    try:
        event: Event = msgspec.convert(
            mapping if isinstance(mapping, dict) else dict(mapping), cls, dec_hook=dec_hook
        )
    except msgspec.ValidationError as exc:
        raise _translate(exc, mapping) from None
    return event


def from_json(data: bytes | str) -> Event:
    """Parse and validate a JSON body; raises `EventError` naming the field."""
    try:
        event: Event = _DECODER.decode(data)
    except msgspec.ValidationError as exc:
        document = msgspec.json.decode(data)
        if isinstance(document, dict):
            _event_class(document.get("eventType", _ABSENT))  # the clearer error, if it is that
        raise _translate(exc, document) from None
    except msgspec.DecodeError as exc:
        raise EventError(f"not valid JSON: {exc}") from None
    return event


_ABSENT: Final = object()


def _event_class(event_type: object) -> type[Event]:
    if event_type is _ABSENT:
        raise EventError("missing required field", field="eventType")
    cls = EVENT_TYPES.get(event_type) if isinstance(event_type, str) else None
    if cls is None:
        known = ", ".join(EVENT_TYPES)
        raise EventError(f"unknown event type {event_type!r}; known: {known}", field="eventType")
    return cls


def _translate(exc: msgspec.ValidationError, document: object) -> EventError:
    """msgspec's message and `$.a.b[0]` path → an EventError with a dotted field."""
    match = _AT.match(str(exc))
    assert match is not None  # the pattern matches any text
    message, raw_path = match.group("message"), match.group("path") or ""
    steps = _steps(raw_path)
    cause = exc.__cause__
    if isinstance(cause, NestedFieldError):
        return EventError(cause.message, field=_dotted([*steps, cause.key]))
    if missing := _MISSING.match(message):
        return EventError("missing required field", field=_dotted([*steps, missing["name"]]))
    if unknown := _UNKNOWN.match(message):
        return EventError(
            "unknown field (not part of this event's wire form)",
            field=_dotted([*steps, unknown["name"]]),
        )
    value = _value_at(document, steps)
    if pattern := _PATTERN.match(message):
        expected = {
            TIMESTAMP_PATTERN: f"an ISO-8601 UTC timestamp such as {TIMESTAMP_EXAMPLE}",
            DURATION_PATTERN: f"an ISO-8601 duration such as {DURATION_EXAMPLE}",
        }.get(pattern["regex"].replace("\\\\", "\\"), f"a string matching {pattern['regex']}")
        return EventError(f"expected {expected}, got {value!r}", field=_dotted(steps))
    if expected_match := _EXPECTED.match(message):
        return EventError(_expected(expected_match, value), field=_dotted(steps) or None)
    if message.startswith("Invalid enum value"):
        return EventError(f"{value!r} is not one of the allowed values", field=_dotted(steps))
    text = message[0].lower() + message[1:] if message else "invalid value"
    return EventError(text.replace("`", ""), field=_dotted(steps) or None)


def _expected(match: re.Match[str], value: object) -> str:
    wanted = [name for name in match["want"].split(" | ") if name != "null"] or ["null"]
    want = " or ".join(_JSON_TYPES.get(name, name) for name in wanted) + match["rest"]
    got_name = match["got"]
    got = (
        ("a boolean" if got_name == "bool" else _JSON_TYPES.get(got_name, got_name))
        if got_name
        else None
    )
    shown = "" if isinstance(value, dict | list) else f" {_json_text(value)}"
    if got is None or got == "null":
        return f"expected {want}, got{shown}"
    return f"expected {want}, got {got}{shown}"


def _json_text(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _steps(raw_path: str) -> list[str | int]:
    steps: list[str | int] = []
    for step in _PATH_STEP.finditer(raw_path):
        if step.group(1) is not None:
            steps.append(step.group(1))
        elif step.group(2) is not None:
            steps.append(int(step.group(2)))
    return steps


def _dotted(steps: list[str | int]) -> str:
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _value_at(document: object, steps: list[str | int]) -> object:
    for step in steps:
        in_list = isinstance(step, int) and isinstance(document, list) and step < len(document)
        in_object = isinstance(document, Mapping) and step in document
        if not (in_list or in_object):
            return None
        document = document[step]  # type: ignore[index]
    return document
