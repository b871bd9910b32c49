"""The official SDK (bandwidth-sdk 23.3.1) parses everything we emit, with no stray keys."""

from __future__ import annotations

import json
from typing import Any

import bandwidth
import pytest

from ringback.events import EVENT_TYPES, from_wire, to_json
from ringback.testing.result import SDK_MODELS  # spec §2.1, last column: one table

from .fixtures import SPEC_EXAMPLES
from .strategies import maximal

# Keys the SPEC says we send although the SDK model lacks them; nothing else may land in
# `additional_properties`. Keyed by (eventType, path of the nested object or "").
NOT_IN_SDK_MODEL: dict[tuple[str, str], set[str]] = {
    # §2.3 initiate: "`identity`: raw Identity header ... (not in SDK model)".
    ("initiate", ""): {"identity"},
    # §1.3 and §2.3 answer: `privacy`, `callerDisplayName` are in the newest docs [DOC-2026].
    ("answer", ""): {"privacy", "callerDisplayName"},
    # §2.3 recordingAvailable: `recordingName` "not in the SDK callback model".
    ("recordingAvailable", ""): {"recordingName"},
    # §2.3 transferAnswer: "`parentCallId` (A-leg) (not in SDK model)".
    ("transferAnswer", ""): {"parentCallId"},
    # §2.3 bridgeComplete: the failed example carries transferCallerId/transferTo (not in SDK).
    ("bridgeComplete", ""): {"transferCallerId", "transferTo"},
    # §2.3 transcriptionAvailable: emit the docs shape {id,url,status,completedTime}; the SDK's
    # Transcription model has {speaker,text,confidence}, so these keys go to its extras.
    ("transcriptionAvailable", "transcription"): {"id", "url", "status", "completedTime"},
}


def _extras(model: Any, path: str = "") -> dict[str, set[str]]:
    """additional_properties of a parsed SDK model and of every nested model, by path."""
    found = {path: set(model.additional_properties)}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if hasattr(value, "additional_properties"):
            found.update(_extras(value, field.alias or name))
    return found


def _check(event_type: str, wire: dict[str, Any]) -> None:
    sdk_model = getattr(bandwidth, SDK_MODELS[event_type])
    parsed = sdk_model.from_dict(wire)
    assert parsed is not None
    assert parsed.event_type == event_type
    for path, keys in _extras(parsed).items():
        assert keys <= NOT_IN_SDK_MODEL.get((event_type, path), set()), (path, keys)
    assert sdk_model.from_json(json.dumps(wire)) == parsed


def test_sdk_models_cover_the_spec_table() -> None:
    """Every SDK model named by the spec exists in the installed SDK and maps to one event."""
    assert set(SDK_MODELS) <= set(EVENT_TYPES)
    for name in SDK_MODELS.values():
        assert hasattr(bandwidth, name), name


@pytest.mark.parametrize("event_type", sorted(SDK_MODELS))
def test_sdk_models_parse_maximal_instances(event_type: str) -> None:
    """Our wire form with every optional field set parses with the SDK model, no stray keys."""
    event = maximal(EVENT_TYPES[event_type])
    wire = json.loads(to_json(event))
    _check(event_type, wire)
    assert event.to_wire() == wire


@pytest.mark.parametrize("event_type", sorted(set(SPEC_EXAMPLES) & set(SDK_MODELS)))
def test_sdk_models_parse_spec_examples_as_we_emit_them(event_type: str) -> None:
    """The spec's examples, decoded and emitted again by us, parse with the SDK model."""
    _check(event_type, from_wire(SPEC_EXAMPLES[event_type]).to_wire())


def test_sdk_models_keep_diversion_extras_visible() -> None:
    """A Diversion key we keep but the SDK does not know lands in its extras, as the spec says."""
    wire = from_wire(SPEC_EXAMPLES["initiate"]).to_wire()
    wire["diversion"]["x-custom"] = "kept"
    parsed = bandwidth.InitiateCallback.from_dict(wire)
    assert parsed.diversion.additional_properties == {"x-custom": "kept"}


def test_sdk_models_allowlist_has_no_stale_entries() -> None:
    """Every allowlisted key really is emitted by a maximal instance and unknown to the SDK."""
    seen: dict[tuple[str, str], set[str]] = {}
    for event_type, name in SDK_MODELS.items():
        wire = json.loads(to_json(maximal(EVENT_TYPES[event_type])))
        for path, keys in _extras(getattr(bandwidth, name).from_dict(wire)).items():
            if keys:
                seen[(event_type, path)] = keys
    assert seen == NOT_IN_SDK_MODEL
