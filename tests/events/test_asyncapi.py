"""The AsyncAPI 2.6.0 document: structure, seed-004 channels, examples valid against payloads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ringback.events import EVENT_TYPES, SYNC_EVENT_TYPES
from ringback.events.asyncapi import asyncapi_document

from .fixtures import SPEC_EXAMPLES
from .strategies import maximal

DOCUMENT = asyncapi_document()
DOCUMENT_URI = "urn:ringback:asyncapi"
REGISTRY: Registry = Registry().with_resource(
    DOCUMENT_URI, Resource.from_contents(DOCUMENT, default_specification=DRAFT202012)
)
# shared/ sits beside the checkout (in CI too); the seed is checked when it is there.
SEED = next(
    Path(__file__).resolve().parents[3].glob("shared/seeds/004_*.txt"), Path("/nonexistent")
)
# The channels of seed 004 (Bandwidth's AsyncAPI description), copied so the test runs anywhere.
SEED_CHANNELS = {
    "/voice/answer",
    "/voice/initiate",
    "/voice/disconnect",
    "/voice/transferAnswer",
    "/voice/transferDisconnect",
    "/voice/redirect",
    "/voice/recordingComplete",
    "/voice/transcriptionAvailable",
    "/voice/gather",
    "/voice/conferenceCreated",
    "/voice/conferenceMemberJoin",
    "/voice/conferenceMemberExit",
    "/voice/conferenceCompleted",
}


def _resolve(ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = DOCUMENT
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _payload_validator(message: dict[str, Any]) -> Draft202012Validator:
    schema = {"$ref": DOCUMENT_URI + message["payload"]["$ref"]}
    return Draft202012Validator(schema, registry=REGISTRY)


def test_asyncapi_top_level_structure() -> None:
    """asyncapi 2.6.0, info with title and version, servers, channels and components."""
    assert DOCUMENT["asyncapi"] == "2.6.0"
    assert DOCUMENT["info"]["title"]
    assert DOCUMENT["info"]["version"]
    assert DOCUMENT["servers"]["production"]["protocol"] == "https"
    assert set(DOCUMENT["components"]) == {"securitySchemes", "messages", "schemas"}
    for channel in DOCUMENT["channels"]:
        assert re.fullmatch(r"/voice/[a-zA-Z]+", channel)


def test_asyncapi_one_channel_per_event_plus_the_seed_alias() -> None:
    """Every eventType has /voice/<eventType>; /voice/recordingComplete aliases recordComplete."""
    expected = {f"/voice/{name}" for name in EVENT_TYPES} | {"/voice/recordingComplete"}
    assert set(DOCUMENT["channels"]) == expected
    alias = DOCUMENT["channels"]["/voice/recordingComplete"]
    main = DOCUMENT["channels"]["/voice/recordComplete"]
    assert alias["publish"]["message"] == main["publish"]["message"]
    assert "Alias of /voice/recordComplete" in alias["description"]


def test_asyncapi_has_every_seed_004_channel() -> None:
    """No channel of Bandwidth's AsyncAPI description (seed 004) is missing."""
    assert set(DOCUMENT["channels"]) >= SEED_CHANNELS
    if SEED.exists():  # the copied list above must match the seed itself
        seed_channels = set(re.findall(r"^  (/voice/\w+):$", SEED.read_text(), re.MULTILINE))
        assert seed_channels == SEED_CHANNELS


def test_asyncapi_refs_resolve_and_operation_ids_are_unique() -> None:
    """Every channel's message and every message's payload resolve; operationIds are unique."""
    operation_ids = []
    for channel in DOCUMENT["channels"].values():
        operation = channel["publish"]
        operation_ids.append(operation["operationId"])
        message = _resolve(operation["message"]["$ref"])
        payload = _resolve(message["payload"]["$ref"])
        assert payload["type"] == "object"
        assert channel["x-sync"] == (
            payload["properties"]["eventType"]["const"] in SYNC_EVENT_TYPES
        )
    assert len(operation_ids) == len(set(operation_ids))


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_asyncapi_payload_has_event_type_const(event_type: str) -> None:
    """Each channel's payload fixes eventType with a const, per the spec's naming."""
    channel = DOCUMENT["channels"][f"/voice/{event_type}"]
    message = _resolve(channel["publish"]["message"]["$ref"])
    payload = _resolve(message["payload"]["$ref"])
    assert payload["properties"]["eventType"]["const"] == event_type
    assert message["contentType"] == "application/json"


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_asyncapi_examples_validate_against_payload(event_type: str) -> None:
    """Each message example validates (draft 2020-12), and is the spec's where it has one."""
    message = _resolve(DOCUMENT["channels"][f"/voice/{event_type}"]["publish"]["message"]["$ref"])
    validator = _payload_validator(message)
    assert message["examples"]
    for example in message["examples"]:
        validator.validate(example["payload"])
    if event_type in SPEC_EXAMPLES:
        assert message["examples"][0]["payload"] == SPEC_EXAMPLES[event_type]


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_asyncapi_our_instances_validate(event_type: str) -> None:
    """A maximal emitted instance validates against the channel's payload schema."""
    message = _resolve(DOCUMENT["channels"][f"/voice/{event_type}"]["publish"]["message"]["$ref"])
    _payload_validator(message).validate(maximal(EVENT_TYPES[event_type]).to_wire())


def test_asyncapi_payload_rejects_seed_shapes_that_differ_from_the_spec() -> None:
    """Seed 004's `recording` const and transferCallId do not validate: we follow the spec."""
    record = _resolve("#/components/messages/RecordCompleteCallback")
    bad_record = {**SPEC_EXAMPLES["recordComplete"], "eventType": "recording"}
    assert not _payload_validator(record).is_valid(bad_record)
    transfer = _resolve("#/components/messages/TransferAnswerCallback")
    bad_transfer = {**SPEC_EXAMPLES["transferAnswer"], "transferCallId": "c-1"}
    assert not _payload_validator(transfer).is_valid(bad_transfer)
