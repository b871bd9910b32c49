"""The one reader of JSON from clients: plain JSON in, Python out, or a 400 that says why (pure).

`json.loads` takes more than the rest of Ringback can: NaN and Infinity (stored, then every
response that shows them fails), integers of more than 4,300 digits (`int()` refuses them with a
ValueError) and nesting a thousand deep (RecursionError). `parse_json` refuses each of them with
a RequestValidationError, and nesting past `MAX_JSON_DEPTH` too, so every JSON endpoint answers
400 for them, never 500.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from ringback.errors import RequestValidationError

MAX_JSON_DEPTH = 32  # the deepest real body (an application's credentials) is 2


_REQUIRED: Any = object()
REQUEST_BODY = "The request body"


def parse_json(raw: bytes | str, *, empty: Any = _REQUIRED, what: str = REQUEST_BODY) -> Any:
    """`raw` as JSON (`empty`, if given, when it is blank). Anything but plain JSON is a 400
    whose description starts with `what` (a file's name, for the command line)."""
    if empty is not _REQUIRED and not raw.strip():
        return empty

    def refuse_constant(name: str) -> NoReturn:
        raise RequestValidationError(f"{what} is not valid JSON: {name} is not a JSON number")

    try:
        data = json.loads(raw, parse_constant=refuse_constant)
    except RequestValidationError:  # NaN or Infinity, refused by refuse_constant
        raise
    except RecursionError:
        raise _too_deep(what) from None
    except ValueError as exc:  # JSONDecodeError, bad UTF-8, and int() of 4,300+ digits
        message = str(exc)
        if "integer string conversion" in message:
            message = "a number has more than 4,300 digits"
        raise RequestValidationError(f"{what} is not valid JSON: {message}") from None
    _check_depth(data, what)
    return data


def _too_deep(what: str) -> RequestValidationError:
    return RequestValidationError(f"{what} is nested more than {MAX_JSON_DEPTH} deep; refused")


def _check_depth(data: Any, what: str) -> None:
    """Refuse nesting past MAX_JSON_DEPTH, without recursion (a flat body costs a few steps)."""
    level: list[Any] = [data]
    for _ in range(MAX_JSON_DEPTH):
        deeper: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                deeper.extend(value for value in item.values() if isinstance(value, dict | list))
            elif isinstance(item, list):
                deeper.extend(value for value in item if isinstance(value, dict | list))
        if not deeper:
            return
        level = deeper
    raise _too_deep(what)
