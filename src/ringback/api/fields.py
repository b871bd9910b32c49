"""Reading one JSON object's fields with Bandwidth's validation messages (pure, no I/O).

Every reader names the field in its error, with its path for nested objects
(`machineDetection.mode`), in Bandwidth's wording where Bandwidth has one (spec §5.2):
`callTimeout must be within the range [1, 300], but was 400`,
`Invalid answerUrl: only http and https are allowed`,
`Invalid answerUrl method. Supported methods: [POST, GET]`. A JSON `null` counts as absent,
as in Bandwidth's API, and the SDK's explicit defaults are accepted like any other value.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from ringback.errors import RequestValidationError

MAX_URL_LENGTH = 2048
MAX_CREDENTIAL_LENGTH = 1024
METHODS = ("POST", "GET")
E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
SIP_URI = re.compile(r"^sips?:[^@\s]+@[^@\s]+$", re.IGNORECASE)


def show(value: Any) -> str:
    """A value as the client sent it, for an error message (`400`, `"abc"`, `true`)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    try:
        return json.dumps(value)
    except (TypeError, ValueError):  # pragma: no cover - JSON values always dump
        return repr(value)


def json_kind(value: Any) -> str:
    """What a JSON value is, for messages: `an object`, `a string`, `null`..."""
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    for cls, name in kinds.items():
        if isinstance(value, cls):
            return name
    return "a number" if isinstance(value, int | float) else "null"


class Fields:
    """The fields of one JSON object, read and checked one at a time."""

    def __init__(self, data: Mapping[str, Any], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix

    @classmethod
    def of(cls, body: Any, what: str = "The request body") -> Fields:
        """The fields of a decoded JSON body, which must be an object."""
        if not isinstance(body, Mapping):
            raise RequestValidationError(
                f"{what} must be a JSON object, but was {json_kind(body)}", field=None
            )
        return cls(body)

    def name(self, key: str) -> str:
        """The field's name as the client knows it (`machineDetection.mode`)."""
        return self.prefix + key

    def invalid(self, key: str, message: str) -> RequestValidationError:
        """An error about this field: `Invalid <field>: <message>`."""
        return RequestValidationError(f"Invalid {self.name(key)}: {message}", self.name(key))

    def has(self, key: str) -> bool:
        """Whether the field is present and not null."""
        return self.data.get(key) is not None

    def get(self, key: str) -> Any:
        """The raw value, None when absent or null."""
        return self.data.get(key)

    def string(self, key: str, *, max_length: int | None = None) -> str | None:
        """A string field, at most `max_length` characters."""
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.invalid(key, f"must be a string, but was {show(value)}")
        if max_length is not None and len(value) > max_length:
            raise RequestValidationError(
                f"{self.name(key)} must contain at most {max_length} characters, "
                f"but had {len(value)}",
                self.name(key),
            )
        return value

    def credential(self, key: str) -> str | None:
        """A username or password (at most 1024 characters)."""
        return self.string(key, max_length=MAX_CREDENTIAL_LENGTH)

    def number(self, key: str, *, default: float, low: float, high: float | None) -> float:
        """A number within [low, high] (decimals allowed; no upper bound with None)."""
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise self.invalid(key, f"must be a number, but was {show(value)}")
        if high is None and value < low:
            raise RequestValidationError(
                f"{self.name(key)} must be at least {show(low)}, but was {show(value)}",
                self.name(key),
            )
        if high is not None and not low <= value <= high:
            raise RequestValidationError(
                f"{self.name(key)} must be within the range [{show(low)}, {show(high)}], "
                f"but was {show(value)}",
                self.name(key),
            )
        return float(value)

    def integer(self, key: str, *, default: int, low: int, high: int) -> int:
        """A whole number within [low, high]; `default` when absent."""
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.invalid(key, f"must be a whole number, but was {show(value)}")
        self.number(key, default=default, low=low, high=high)
        return value

    def boolean(self, key: str) -> bool | None:
        """`true` or `false` (not a string); None when absent."""
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self.invalid(key, f"must be true or false, but was {show(value)}")
        return value

    def choice(self, key: str, choices: Iterable[str], default: str) -> str:
        """One of a few strings; `default` when absent."""
        options = tuple(choices)
        value = self.get(key)
        if value is None:
            return default
        if value not in options:
            raise self.invalid(key, f"must be one of [{', '.join(options)}], but was {show(value)}")
        return str(value)

    def url(self, key: str, *, relative: bool = False) -> str | None:
        """An http(s) URL of at most 2048 characters; `relative` also allows a relative one."""
        value = self.string(key, max_length=MAX_URL_LENGTH)
        if value is None:
            return None
        if not value.strip():
            raise self.invalid(key, "must not be empty")
        try:
            parts = urlsplit(value)
        except ValueError:
            raise self.invalid(key, f"not a URL: {show(value)}") from None
        if not parts.scheme and relative:
            return value
        if parts.scheme.lower() not in ("http", "https"):
            raise self.invalid(key, "only http and https are allowed")
        if not parts.hostname:
            raise self.invalid(key, f"the URL has no host: {show(value)}")
        return value

    def method(self, key: str, url_key: str) -> str:
        """An HTTP method for the URL in `url_key`: POST (default) or GET, any case."""
        value = self.get(key)
        if value is None:
            return "POST"
        if not isinstance(value, str) or value.upper() not in METHODS:
            raise RequestValidationError(
                f"Invalid {self.name(url_key)} method. Supported methods: [{', '.join(METHODS)}]",
                self.name(key),
            )
        return value.upper()

    def nested(self, key: str) -> Fields | None:
        """A nested object's fields, named `key.field` in errors; None when absent."""
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.invalid(key, f"must be an object, but was {json_kind(value)}")
        return Fields(value, prefix=f"{self.name(key)}.")

    def string_list(self, key: str) -> tuple[str, ...] | None:
        """An array of strings; None when absent."""
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.invalid(key, f"must be an array of strings, but was {show(value)}")
        return tuple(value)

    def not_allowed(self, keys: Iterable[str], when: str) -> None:
        """Refuse fields that make no sense in this request (`tag` when hanging up)."""
        for key in keys:
            if self.has(key):
                raise RequestValidationError(
                    f"{self.name(key)} is not allowed when {when}", self.name(key)
                )


def phone_number(fields: Fields, key: str, *, sip: bool = False) -> str:
    """An E.164 number (`+15551234567`), or with `sip` a SIP URI (`sip:user@host`)."""
    value = fields.string(key)
    assert value is not None, "required fields are checked first"
    if E164.match(value) or (sip and SIP_URI.match(value)):
        return value
    # Bandwidth's wording, even where a SIP URI would also do.
    raise fields.invalid(key, "must be an E164 telephone number")
