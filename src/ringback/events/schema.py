"""JSON Schema (draft 2020-12) of each event, generated from the models.

msgspec writes the schemas; this module shapes them for readers of the wire form: `eventType`
becomes a `const`, optional fields are plain types left out of `required` (we omit them, we
never send `null`), every property gets a description from `FIELD_DESCRIPTIONS`, and
`Diversion` (hand-decoded, see parts.py) gets its schema by hand: known keys plus any other
string-valued key. The same components feed the AsyncAPI document.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any, Final

import msgspec

from ringback.events.catalogue import EVENT_CLASSES, EVENT_TYPES
from ringback.events.parts import Diversion

DRAFT_2020_12: Final = "https://json-schema.org/draft/2020-12/schema"
_DEFS_TEMPLATE: Final = "#/$defs/{name}"

# Spec §1.3 and §2.3, by wire name (a key means the same thing in every event that has it).
FIELD_DESCRIPTIONS: Final[Mapping[str, str]] = {
    "eventType": "The event's name; one fixed value per event.",
    "eventTime": "Approximate UTC time the event was generated.",
    "accountId": "The account, always a string.",
    "applicationId": "The voice application's id.",
    "from": "Caller id of the call: E.164, a SIP URI, or Private/Restricted/Unavailable/Anonymous.",
    "to": "Called number (E.164) or SIP URI.",
    "direction": "inbound or outbound; never changes during a call.",
    "callId": "The call the event is about.",
    "callUrl": "REST URL of the call.",
    "enqueuedTime": "When an outbound call entered the queue; only for queued calls.",
    "startTime": "Call start (on recording events: recording start).",
    "answerTime": "When the call was answered.",
    "endTime": "Call end (on recording events: recording end).",
    "tag": "The call's current tag; absent when none is set.",
    "parentCallId": "For a <Transfer> B-leg: the A-leg's call id.",
    "transferCallerId": "For a <Transfer> B-leg: the caller id used on the B-leg.",
    "transferTo": "For a <Transfer> B-leg: the number or SIP URI dialled.",
    "cause": "Why it ended or failed (spec §2.2; the list is not exhaustive).",
    "errorMessage": "Human-readable error text.",
    "errorId": "Bandwidth's internal error id.",
    "sipCallId": "SIP Call-ID of the call's dialog with Bandwidth's SBC.",
    "sipResponseCode": "SIP status with which an outbound INVITE was rejected.",
    "privacy": "Whether the calling number is hidden.",
    "callerDisplayName": "The caller display name used.",
    "diversion": "The most recent SIP Diversion header; unknown keys are kept.",
    "stirShaken": "STIR/SHAKEN verification of the caller id.",
    "uui": "User-To-User header value, with its ;encoding= parameter.",
    "identity": "The raw SIP Identity header (only if the account forwards it).",
    "sipHeaders": "Customer X- headers of an inbound SIP URI call (lower-case names).",
    "machineDetectionResult": "Answering-machine detection outcome.",
    "digits": "Digits collected, without the terminating digit; empty if none.",
    "terminatingDigit": "The digit that ended the gather; empty if none was pressed.",
    "digit": "The one digit detected.",
    "recordingId": "The recording's id.",
    "mediaUrl": "URL of the recording's media.",
    "duration": "Length, as an ISO-8601 duration.",
    "channels": "Number of audio channels.",
    "fileFormat": "wav or mp3.",
    "status": "Processing status.",
    "recordingName": "The name given to the recording by <Record> or <StartRecording>.",
    "transcription": "The recording's transcription (id, url, status, completedTime).",
    "conferenceId": "The conference's id.",
    "name": "The name given in BXML (conference, stream or transcription).",
    "mediaStream": "The audio stream.",
    "originalMediaStream": "For cause duplicate: the stream that already has this name.",
    "realTimeTranscription": "The real-time transcription session.",
    "originalTranscription": "For cause duplicate: the session that already has this name.",
    "referCallStatus": "success or failure of the SIP REFER flow.",
    "referSipResponseCode": "SIP status of the response to the REFER.",
    "notifySipResponseCode": "SIP status in the final NOTIFY sipfrag.",
    "value": "The detection result.",
    "verstat": "Verification status, e.g. TN-Validation-Passed.",
    "attestationIndicator": "Attestation level A, B or C.",
    "originatingId": "Originating identifier (a UUID).",
    "id": "Identifier.",
    "url": "URL where the result can be fetched.",
    "completedTime": "When processing completed.",
    "destination": "WebSocket URL the audio or transcripts go to.",
    "tracks": "Which audio tracks: inbound, outbound or both.",
    "type": "Stream transport; WebSocket.",
    "stabilized": "Whether only stable (final) results are sent.",
    "origTo": "The last number the call was diverted from.",
    "reason": "Diversion reason, e.g. unavailable, user-busy, no-answer.",
    "screen": "yes or no.",
    "counter": "How many diversions happened.",
    "limit": "Diversion limit.",
}

_DIVERSION_SCHEMA: Final[dict[str, Any]] = {
    "title": "Diversion",
    "description": (Diversion.__doc__ or "").strip(),
    "type": "object",
    "properties": {key: {"type": "string"} for key in Diversion.KNOWN},
    "required": ["origTo"],
    "additionalProperties": {"type": "string"},
}


def schema_components(ref_template: str = _DEFS_TEMPLATE) -> dict[str, dict[str, Any]]:
    """Every model's schema by class name; references use `ref_template` (`{name}` filled in)."""

    def diversion_ref(kind: type) -> dict[str, Any]:
        if kind is Diversion:
            return {"$ref": ref_template.format(name="Diversion")}
        raise NotImplementedError(f"no schema for {kind!r}")

    _, components = msgspec.json.schema_components(
        EVENT_CLASSES, schema_hook=diversion_ref, ref_template=ref_template
    )
    components["Diversion"] = copy.deepcopy(_DIVERSION_SCHEMA)
    for schema in components.values():
        _shape_object(schema)
    for cls in EVENT_CLASSES:
        tag = cls.__struct_config__.tag
        components[cls.__name__]["properties"]["eventType"] = {
            "type": "string",
            "const": tag,
            "description": FIELD_DESCRIPTIONS["eventType"],
        }
    return components


def event_schemas() -> dict[str, dict[str, Any]]:
    """A standalone JSON Schema (draft 2020-12) per event, keyed by `eventType`."""
    components = schema_components()
    schemas: dict[str, dict[str, Any]] = {}
    for event_type, cls in EVENT_TYPES.items():
        schema: dict[str, Any] = {"$schema": DRAFT_2020_12, **components[cls.__name__]}
        used = sorted(_referenced(schema, components))
        if used:
            schema["$defs"] = {name: components[name] for name in used}
        schemas[event_type] = schema
    return schemas


def _shape_object(schema: dict[str, Any]) -> None:
    _type_enums(schema)
    for key, prop in schema.get("properties", {}).items():
        options = prop.pop("anyOf", None)
        if options is not None:
            (kept,) = [option for option in options if option != {"type": "null"}]
            prop.update(kept)
        if prop.get("default", ...) is None:
            del prop["default"]
        if "$ref" in prop:  # 2020-12 allows siblings of $ref; keep the schema itself clean
            schema["properties"][key] = {"$ref": prop["$ref"]}
            if key in FIELD_DESCRIPTIONS:
                schema["properties"][key]["description"] = FIELD_DESCRIPTIONS[key]
        elif key in FIELD_DESCRIPTIONS:
            prop["description"] = FIELD_DESCRIPTIONS[key]


def _type_enums(node: object) -> None:
    """msgspec writes a Literal as a bare `enum`; say it is a string, for readers and tools."""
    if isinstance(node, dict):
        if "enum" in node and all(isinstance(value, str) for value in node["enum"]):
            node.setdefault("type", "string")
        for value in node.values():
            _type_enums(value)
    elif isinstance(node, list):
        for item in node:
            _type_enums(item)


def _referenced(
    node: object, components: Mapping[str, Any], seen: set[str] | None = None
) -> set[str]:
    seen = set() if seen is None else seen
    for ref in _refs(node):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _referenced(components[name], components, seen)
    return seen


def _refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)
