"""Check emitted payloads against the JSON Schemas of the events package (no SDK model needed)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from ringback.events.schema import event_schemas


@cache
def _validator(event_type: str) -> Draft202012Validator:
    return Draft202012Validator(event_schemas()[event_type])


def assert_matches_schema(payload: dict[str, Any]) -> None:
    """Fail with every schema violation if the payload does not fit its event's JSON Schema."""
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in _validator(payload["eventType"]).iter_errors(payload)
    ]
    assert errors == [], errors
