"""Reading v1 request bodies and queries loosely, as the v1 docs and SDKs send them (v1 §1.1).

The docs' own examples send `"recordingEnabled": "true"` and `"maxDigits": "5"`; the SDKs send
real JSON booleans and numbers, and `null` for every argument left out. So: `null` is absent,
`"true"`/`"false"` (any case) are booleans, a numeric string is a number. Anything else that does
not fit is a 400 naming the resource and the property (v1 §1.4 messages), never a 500.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from ringback.api.json_input import parse_json
from ringback.errors import RequestValidationError, V1ApiError

MAX_BODY_BYTES = 1024 * 1024
E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
SIP_URI = re.compile(r"^sip:[^@\s]+@[^@\s]+$")
_TRUE = {"true": True, "false": False}


def bad_request(code: str, message: str, *details: tuple[str, str]) -> V1ApiError:
    """A 400 `bad-request` error with this code."""
    return V1ApiError(400, "bad-request", code, message, details)


def parse_body(raw: bytes, resource: str) -> Body:
    """A request's JSON object body (an empty body is `{}`)."""
    if len(raw) > MAX_BODY_BYTES:
        raise bad_request("request-too-large", f"The request body is over {MAX_BODY_BYTES} bytes")
    if not raw.strip():
        return Body({}, resource)
    try:
        data = parse_json(raw)
    except RequestValidationError as exc:  # the one JSON reader's refusals, in v1's shape
        raise bad_request("invalid-json", exc.description) from None
    if not isinstance(data, dict):
        raise bad_request("invalid-json", f"The '{resource}' request body must be a JSON object")
    return Body(data, resource)


class Body:
    """One request's fields, read with v1's loose typing; every error names the property."""

    def __init__(self, data: Mapping[str, Any], resource: str) -> None:
        self.data = {key: value for key, value in data.items() if value is not None}
        self.resource = resource

    def has(self, name: str) -> bool:
        """Whether the property was given (and not null)."""
        return name in self.data

    def raw(self, name: str) -> Any:
        """The value as sent (None when absent)."""
        return self.data.get(name)

    def missing(self, name: str) -> V1ApiError:
        """The `missing-property` error for `name`."""
        return bad_request(
            "missing-property",
            f"The '{self.resource}' resource property '{name}' is required but was not specified",
            ("property", name),
        )

    def invalid(self, name: str, expected: str) -> V1ApiError:
        """The `validation-error` for a property whose value does not fit."""
        got = json.dumps(self.data.get(name))
        return bad_request(
            "validation-error",
            f"The '{self.resource}' resource property '{name}' must be {expected}, got {got}",
            ("property", name),
        )

    def text(self, name: str, *, required: bool = False, max_length: int = 4096) -> str | None:
        """A string property."""
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.missing(name)
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.invalid(name, "a string")
        text = str(value)
        if len(text) > max_length:
            raise self.invalid(name, f"at most {max_length} characters")
        return text

    def required_text(self, name: str, max_length: int = 4096) -> str:
        """A string property that must be given and not blank."""
        value = self.text(name, required=True, max_length=max_length)
        assert value is not None
        if not value.strip():
            raise bad_request(
                "blank-property",
                f"The '{self.resource}' resource property '{name}' must contain at least one"
                " non-whitespace character",
                ("property", name),
            )
        return value

    def boolean(self, name: str) -> bool | None:
        """A boolean property: JSON true/false or the strings "true"/"false"."""
        value = self.data.get(name)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE:
            return _TRUE[value.strip().lower()]
        raise self.invalid(name, 'true or false (or "true"/"false")')

    def number(self, name: str, low: float, high: float) -> float | None:
        """A number property within [low, high]: JSON numbers or numeric strings."""
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            raise self.invalid(name, f"a number from {low:g} to {high:g}")
        try:
            number = float(value) if isinstance(value, str | int | float) else math.nan
        except ValueError:
            number = math.nan
        if not (math.isfinite(number) and low <= number <= high):
            raise self.invalid(name, f"a number from {low:g} to {high:g}")
        return number

    def integer(self, name: str, low: int, high: int) -> int | None:
        """An integer property within [low, high] ("5" and 5.0 count)."""
        number = self.number(name, low, high)
        if number is None:
            return None
        if number != int(number):
            raise self.invalid(name, f"a whole number from {low} to {high}")
        return int(number)

    def choice(self, name: str, options: Iterable[str]) -> str | None:
        """One of `options` (compared without case); returned as the option is spelled."""
        value = self.text(name)
        if value is None:
            return None
        allowed = list(options)
        for option in allowed:
            if value.lower() == option.lower():
                return option
        raise bad_request(
            "validation-error",
            f"The '{self.resource}' resource property '{name}' must be one of the following"
            f" values: {', '.join(allowed)}; got {value!r}",
            ("property", name),
        )

    def url(self, name: str, *, required: bool = False) -> str | None:
        """A callback or media URL: absolute http(s), credentials allowed (v1 §4.4)."""
        value = self.text(name, required=required, max_length=2048)
        if value is None or value == "":
            return value
        check_url(value, name)
        return value

    def phone(self, name: str, *, required: bool = False, sip: bool = False) -> str | None:
        """An E.164 number (or, where `sip`, a `sip:user@host` URI)."""
        value = self.text(name, required=required, max_length=256)
        if value is None:
            return None
        if E164.match(value) or (sip and SIP_URI.match(value)):
            return value
        expected = "an E.164 number such as +19195551212" + (" or a sip: URI" if sip else "")
        raise self.invalid(name, expected)


def check_url(value: str, name: str) -> None:
    """Raise `callback-invalid-url` unless `value` is an absolute http(s) URL."""
    try:
        parts = urlsplit(value)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        raise bad_request(
            "callback-invalid-url",
            f"The URL '{value}' is not a valid {name}: use an absolute http or https URL",
            ("property", name),
        )


def query_int(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """A paging query parameter (`page`, `size`)."""
    value = query.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise bad_request(
            "validation-error",
            f"The query parameter '{name}' must be a whole number from {low} to {high},"
            f" got {value!r}",
            ("parameter", name),
        )
    return number
