"""The GET form: query pairs with dotted keys, repeated list keys, true/false, decimal ints."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings

import ringback.events as ev
from ringback.events import EVENT_TYPES, EventError, from_query, from_wire, to_query

from .fixtures import SPEC_EXAMPLES
from .strategies import events, maximal


def test_query_flattens_nested_objects_with_dotted_keys() -> None:
    """machineDetectionResult.value=... as the docs/events.md rule says."""
    pairs = to_query(from_wire(SPEC_EXAMPLES["machineDetectionComplete"]))
    assert ("machineDetectionResult.value", "answering-machine") in pairs
    assert ("machineDetectionResult.duration", "PT4.9891287S") in pairs
    assert pairs[0] == ("eventType", "machineDetectionComplete")


def test_query_repeats_list_keys_and_writes_ints_in_decimal() -> None:
    """A list is its key repeated in order; channels=1 is the text `1`."""
    stopped = to_query(from_wire(SPEC_EXAMPLES["mediaStreamStopped"]))
    assert [v for k, v in stopped if k == "mediaStream.tracks"] == ["inbound", "outbound"]
    recorded = to_query(from_wire(SPEC_EXAMPLES["recordComplete"]))
    assert ("channels", "1") in recorded


def test_query_writes_booleans_and_maps() -> None:
    """privacy=true; sipHeaders.<name>=value; an empty object is its bare key."""
    answer = maximal(ev.AnswerEvent)
    assert ("privacy", "true") in to_query(answer)
    initiate = maximal(ev.InitiateEvent)
    initiate_pairs = to_query(initiate)
    assert ("sipHeaders.x-account-code", "42") in initiate_pairs
    assert ("diversion.unknown", "unknownValue") in initiate_pairs
    bare = from_wire({**SPEC_EXAMPLES["initiate"], "stirShaken": {}})
    assert ("stirShaken", "") in to_query(bare)
    assert from_query(to_query(bare)) == bare


def test_query_keeps_digit_strings_as_strings() -> None:
    """digits=123 comes back as the string "123" because the field is a string."""
    event = from_query([(k, v) for k, v in to_query(from_wire(SPEC_EXAMPLES["gather"]))])
    assert isinstance(event, ev.GatherEvent)
    assert event.digits == "123"


def test_query_keys_with_dots_inside_maps_and_diversion() -> None:
    """A map or Diversion key may contain dots: only the first dot splits."""
    initiate = from_wire(
        {
            **SPEC_EXAMPLES["initiate"],
            "sipHeaders": {"x-a.b": "1"},
            "diversion": {"origTo": "+1", "x.y": "z"},
        }
    )
    pairs = to_query(initiate)
    assert ("sipHeaders.x-a.b", "1") in pairs
    assert ("diversion.x.y", "z") in pairs
    assert from_query(pairs) == initiate


@pytest.mark.parametrize("event_type", sorted(SPEC_EXAMPLES))
def test_query_spec_examples_round_trip(event_type: str) -> None:
    """Every spec example survives to_query/from_query unchanged."""
    event = from_wire(SPEC_EXAMPLES[event_type])
    assert from_query(to_query(event)) == event


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_query_maximal_instances_round_trip(event_type: str) -> None:
    """With every optional field set, the GET form is still lossless."""
    event = maximal(EVENT_TYPES[event_type])
    assert from_query(to_query(event)) == event


@settings(max_examples=200)
@given(events())
def test_query_round_trip_is_lossless(event: ev.Event) -> None:
    """from_query(to_query(e)) == e for any event, and every pair is a pair of strings."""
    pairs = to_query(event)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in pairs)
    assert from_query(pairs) == event
    assert from_query([*pairs[1:], pairs[0]]) == event  # eventType need not come first


GATHER_PAIRS = to_query(from_wire(SPEC_EXAMPLES["gather"]))


def _replace(pairs: list[tuple[str, str]], key: str, value: str | None) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in pairs if k != key]
    return kept if value is None else [*kept, (key, value)]


BAD_QUERIES: list[tuple[str, list[tuple[str, str]], str, str]] = [
    ("no eventType", _replace(GATHER_PAIRS, "eventType", None), "eventType", "missing"),
    ("unknown eventType", _replace(GATHER_PAIRS, "eventType", "gathers"), "eventType", "unknown"),
    ("eventType twice", [*GATHER_PAIRS, ("eventType", "gather")], "eventType", "more than once"),
    ("unknown key", [*GATHER_PAIRS, ("reason", "x")], "reason", "unknown field"),
    ("scalar repeated", [*GATHER_PAIRS, ("digits", "9")], "digits", "more than once"),
    ("missing field", _replace(GATHER_PAIRS, "digits", None), "digits", "missing"),
    ("dotted scalar", [*GATHER_PAIRS, ("tag.x", "1")], "tag", "not an object"),
    ("bad timestamp", _replace(GATHER_PAIRS, "eventTime", "yesterday"), "eventTime", "ISO-8601"),
    (
        "bad integer",
        _replace(to_query(from_wire(SPEC_EXAMPLES["recordComplete"])), "channels", "one"),
        "channels",
        "decimal integer",
    ),
    (
        "bad boolean",
        _replace(to_query(maximal(ev.AnswerEvent)), "privacy", "yes"),
        "privacy",
        "true or false",
    ),
    (
        "object given a value",
        [*to_query(from_wire(SPEC_EXAMPLES["initiate"])), ("stirShaken", "A")],
        "stirShaken",
        "is an object",
    ),
    (
        "unknown nested key",
        [
            *to_query(from_wire(SPEC_EXAMPLES["machineDetectionComplete"])),
            ("machineDetectionResult.x", "1"),
        ],
        "machineDetectionResult.x",
        "unknown field",
    ),
]


@pytest.mark.parametrize(
    ("pairs", "field", "words"), [c[1:] for c in BAD_QUERIES], ids=[c[0] for c in BAD_QUERIES]
)
def test_query_bad_input_names_the_field(pairs: list[Any], field: str, words: str) -> None:
    """Bad query pairs raise EventError with the dotted field and a reason."""
    with pytest.raises(EventError) as caught:
        from_query(pairs)
    assert caught.value.field == field
    assert words in caught.value.message
