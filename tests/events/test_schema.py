"""JSON Schema (draft 2020-12) of each event."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from jsonschema import Draft202012Validator

import ringback.events as ev
from ringback.events import EVENT_TYPES, from_wire
from ringback.events.naming import WIRE_NAMES
from ringback.events.schema import FIELD_DESCRIPTIONS, event_schemas

from .fixtures import SPEC_EXAMPLES
from .strategies import events, maximal

SCHEMAS = event_schemas()
VALIDATORS = {name: Draft202012Validator(schema) for name, schema in SCHEMAS.items()}


def test_schema_one_valid_schema_per_event_type() -> None:
    """Keyed by eventType, each is a valid draft 2020-12 schema with eventType as a const."""
    assert set(SCHEMAS) == set(EVENT_TYPES)
    for event_type, schema in SCHEMAS.items():
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["properties"]["eventType"] == {
            "type": "string",
            "const": event_type,
            "description": FIELD_DESCRIPTIONS["eventType"],
        }
        assert "eventType" in schema["required"]
        assert schema["additionalProperties"] is False


def test_schema_required_types_and_formats_follow_the_model() -> None:
    """gather requires digits and terminatingDigit; times are date-time; tag is optional."""
    gather = SCHEMAS["gather"]
    assert {"digits", "terminatingDigit", "answerTime", "callId"} <= set(gather["required"])
    assert "tag" not in gather["required"]
    assert gather["properties"]["tag"]["type"] == "string"  # no null: omitted, never null
    assert gather["properties"]["eventTime"]["format"] == "date-time"
    assert gather["properties"]["direction"]["enum"] == ["inbound", "outbound"]
    record = SCHEMAS["recordComplete"]
    assert record["properties"]["duration"]["format"] == "duration"
    assert record["properties"]["channels"]["type"] == "integer"
    initiate = SCHEMAS["initiate"]
    assert initiate["$defs"]["Diversion"]["additionalProperties"] == {"type": "string"}
    assert initiate["$defs"]["Diversion"]["required"] == ["origTo"]


def test_schema_every_wire_name_has_a_description() -> None:
    """The description table covers every key of the wire table."""
    assert set(WIRE_NAMES.values()) | {"eventType"} == set(FIELD_DESCRIPTIONS)


@pytest.mark.parametrize("event_type", sorted(SPEC_EXAMPLES))
def test_schema_accepts_spec_examples(event_type: str) -> None:
    """The spec's example of each event validates against its schema."""
    VALIDATORS[event_type].validate(SPEC_EXAMPLES[event_type])


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_schema_accepts_maximal_instances(event_type: str) -> None:
    """What we emit with every optional field set validates."""
    VALIDATORS[event_type].validate(maximal(EVENT_TYPES[event_type]).to_wire())


@settings(max_examples=100)
@given(events())
def test_schema_accepts_anything_we_emit(event: ev.Event) -> None:
    """Any valid event's wire form validates against its schema."""
    VALIDATORS[event.event_type].validate(event.to_wire())


@pytest.mark.parametrize(
    "change",
    [
        {"digits": 1},
        {"eventType": "dtmf"},
        {"eventTime": "2019-09-13-16:48:27.198Z"},
        {"reason": "x"},
        {"tag": None},
    ],
)
def test_schema_rejects_what_from_wire_rejects(change: dict[str, Any]) -> None:
    """The schema is as strict as the decoder on types, consts, formats and unknown keys."""
    bad = {**SPEC_EXAMPLES["gather"], **change}
    assert not VALIDATORS["gather"].is_valid(bad)
    if change != {"tag": None}:  # null is tolerated by the decoder (means absent)
        with pytest.raises(ev.EventError):
            from_wire(bad)
