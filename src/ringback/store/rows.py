"""What every table of the store shares: rows' JSON, and what a table mixin needs of `Store`.

Rows keep their REST/wire form as JSON next to the few columns that are filtered on. The tables
of one kind of thing (messages, recordings, settings) are each a mixin of `Store`, working on its
one connection and its open transaction: `Tables` names what they take from it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import msgspec

# msgspec writes the same JSON as json.dumps (read back with json.loads, equal) in a sixth of
# the time; a whole call writes a dozen such rows. Values JSON has no form for (a datetime in a
# timeline detail) are written as their str(), as json.dumps(default=str) did.
_ENCODER = msgspec.json.Encoder(enc_hook=str)


def dumps(data: Any) -> str:
    """A row's JSON text."""
    return _ENCODER.encode(data).decode()


def loads(text: str) -> dict[str, Any]:
    """A row's JSON object."""
    data: dict[str, Any] = json.loads(text)
    return data


class Tables:
    """The base of a table mixin: the Store's connection and its writer (defined there)."""

    @property
    def _db(self) -> sqlite3.Connection:  # pragma: no cover - Store's (a property there)
        raise NotImplementedError

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:  # pragma: no cover - Store's
        raise NotImplementedError
