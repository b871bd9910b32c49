"""The JSON wire form: golden payloads, construction, validation errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings

import ringback.events as ev
from ringback.events import EVENT_TYPES, SYNC_EVENT_TYPES, EventError, from_json, from_wire

from .fixtures import SPEC_EXAMPLES
from .strategies import events, maximal

# Every event the spec's overview table (§2.1) lists, with its class name.
SPEC_EVENT_TYPES = {
    "initiate": "InitiateEvent",
    "answer": "AnswerEvent",
    "disconnect": "DisconnectEvent",
    "redirect": "RedirectEvent",
    "gather": "GatherEvent",
    "dtmf": "DtmfEvent",
    "recordComplete": "RecordCompleteEvent",
    "recordingAvailable": "RecordingAvailableEvent",
    "transcriptionAvailable": "TranscriptionAvailableEvent",
    "machineDetectionComplete": "MachineDetectionCompleteEvent",
    "transferAnswer": "TransferAnswerEvent",
    "transferComplete": "TransferCompleteEvent",
    "transferDisconnect": "TransferDisconnectEvent",
    "bridgeComplete": "BridgeCompleteEvent",
    "bridgeTargetComplete": "BridgeTargetCompleteEvent",
    "conferenceCreated": "ConferenceCreatedEvent",
    "conferenceMemberJoin": "ConferenceMemberJoinEvent",
    "conferenceMemberExit": "ConferenceMemberExitEvent",
    "conferenceRedirect": "ConferenceRedirectEvent",
    "conferenceCompleted": "ConferenceCompletedEvent",
    "conferenceRecordingAvailable": "ConferenceRecordingAvailableEvent",
    "mediaStreamStarted": "MediaStreamStartedEvent",
    "mediaStreamRejected": "MediaStreamRejectedEvent",
    "mediaStreamStopped": "MediaStreamStoppedEvent",
    "realTimeTranscriptionStarted": "RealTimeTranscriptionStartedEvent",
    "realTimeTranscriptionRejected": "RealTimeTranscriptionRejectedEvent",
    "realTimeTranscriptionStopped": "RealTimeTranscriptionStoppedEvent",
    "realTimeTranscriptionAvailable": "RealTimeTranscriptionAvailableEvent",
    "referComplete": "ReferCompleteEvent",
}

GATHER: dict[str, Any] = SPEC_EXAMPLES["gather"]


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    wire = dict(base)
    for key, value in changes.items():
        if value is ...:
            del wire[key]
        else:
            wire[key] = value
    return wire


def test_wire_catalogue_names_every_spec_event() -> None:
    """EVENT_TYPES maps exactly the spec's event types to the `<EventType>Event` classes."""
    assert {name: cls.__name__ for name, cls in EVENT_TYPES.items()} == SPEC_EVENT_TYPES
    for cls in EVENT_TYPES.values():
        assert getattr(ev, cls.__name__) is cls


def test_wire_sync_event_types_follow_the_spec_table() -> None:
    """The sync set is §2.1's: BXML replies run; notifications (dtmf, disconnect...) excluded."""
    assert set(SYNC_EVENT_TYPES) == {
        "initiate", "answer", "redirect", "gather", "recordComplete", "transferAnswer",
        "transferComplete", "bridgeComplete", "bridgeTargetComplete", "conferenceCreated",
        "conferenceMemberJoin", "conferenceMemberExit", "conferenceRedirect", "referComplete",
    }  # fmt: skip
    assert SYNC_EVENT_TYPES.issubset(EVENT_TYPES)


@pytest.mark.parametrize("event_type", sorted(SPEC_EXAMPLES))
def test_wire_spec_example_round_trips_unchanged(event_type: str) -> None:
    """Each §2.3 example decodes to its class and encodes back to the identical object."""
    payload = SPEC_EXAMPLES[event_type]
    event = from_wire(payload)
    assert type(event) is EVENT_TYPES[event_type]
    assert event.event_type == event_type
    wire = event.to_wire()
    assert wire == payload
    assert list(wire) == [key for key in wire if key in payload]  # no extra keys
    assert set(wire) == set(payload)
    assert from_json(json.dumps(payload)) == event
    assert json.loads(ev.to_json(event)) == payload


def test_wire_nine_digit_duration_is_kept_exactly() -> None:
    """`PT1M52.217257456S` survives decode and encode digit for digit."""
    event = from_wire(SPEC_EXAMPLES["mediaStreamStopped"])
    assert isinstance(event, ev.MediaStreamStoppedEvent)
    assert event.media_stream.duration == "PT1M52.217257456S"
    assert b'"duration":"PT1M52.217257456S"' in ev.to_json(event)


def test_wire_diversion_keeps_unknown_keys() -> None:
    """The initiate example's `diversion.unknown` is kept and sent back."""
    event = from_wire(SPEC_EXAMPLES["initiate"])
    assert isinstance(event, ev.InitiateEvent)
    assert event.diversion is not None
    assert event.diversion.orig_to == "+15558884444"
    assert event.diversion.extra == {"unknown": "unknownValue"}
    assert event.to_wire()["diversion"]["unknown"] == "unknownValue"


def test_wire_construction_is_keyword_only_with_type_implied() -> None:
    """The engine builds an event by keywords; eventType comes from the class."""
    event = ev.GatherEvent(
        event_time="2019-06-20T15:56:11.554Z",
        account_id="55555555",
        application_id="7fc9698a-b04a-468b-9e8f-91238c0d0086",
        from_="+15551112222",
        to="+15553334444",
        direction="outbound",
        call_id="c-1",
        call_url="https://voice.bandwidth.com/api/v2/accounts/55555555/calls/c-1",
        start_time="2019-06-20T15:54:22.234Z",
        answer_time="2019-06-20T15:54:25.432Z",
        digits="12",
        terminating_digit="#",
    )
    wire = event.to_wire()
    assert wire["eventType"] == "gather"
    assert wire["from"] == "+15551112222"
    assert "tag" not in wire  # optional and None → omitted
    with pytest.raises(TypeError):
        ev.ConferenceCreatedEvent("2019-07-31T13:16:01.324Z", "conf-1", "room")  # type: ignore[misc]


@pytest.mark.parametrize("bad", ["2019-09-13-16:48:27.198Z", "2019-06-20T15:54:25.435", "now"])
def test_wire_constructor_rejects_malformed_timestamp(bad: str) -> None:
    """A malformed timestamp (the docs' typo included) cannot even be constructed."""
    with pytest.raises(EventError) as caught:
        ev.ConferenceCreatedEvent(event_time=bad, conference_id="conf-1", name="room")
    assert caught.value.field == "eventTime"
    assert "ISO-8601" in caught.value.message


def test_wire_constructor_rejects_malformed_nested_duration() -> None:
    """Durations are checked at construction too, in nested objects."""
    with pytest.raises(EventError) as caught:
        ev.MachineDetectionResult(value="human", duration="4.9 seconds")
    assert caught.value.field == "duration"


def test_wire_constructor_checks_what_it_has_seen_by_kind() -> None:
    """A text checked before is not searched again, but only for the same check: a valid
    timestamp is still no duration, and a value that is not text is still refused."""
    moment = "2019-06-20T15:54:25.435Z"
    ev.ConferenceCreatedEvent(event_time=moment, conference_id="conf-1", name="room")
    ev.ConferenceCreatedEvent(event_time=moment, conference_id="conf-1", name="room")
    with pytest.raises(EventError) as caught:
        ev.MachineDetectionResult(value="human", duration=moment)
    assert caught.value.field == "duration"
    with pytest.raises(EventError) as caught:
        ev.ConferenceCreatedEvent(
            event_time=[moment],  # type: ignore[arg-type]
            conference_id="conf-1",
            name="room",
        )
    assert caught.value.field == "eventTime"


BAD_INPUTS = [
    # (case, payload, field, words the message must contain)
    ("unknown eventType", _with(GATHER, eventType="gathered"), "eventType", "unknown event type"),
    ("eventType missing", _with(GATHER, eventType=...), "eventType", "missing"),
    ("eventType not a string", _with(GATHER, eventType=7), "eventType", "unknown event type"),
    ("missing field", _with(GATHER, digits=...), "digits", "missing required field"),
    ("missing callId", _with(GATHER, callId=...), "callId", "missing required field"),
    (
        "mistyped field",
        _with(GATHER, digits=123),
        "digits",
        "expected a string, got an integer 123",
    ),
    ("bool for a string", _with(GATHER, tag=True), "tag", "expected a string, got a boolean true"),
    ("bad enum", _with(GATHER, direction="sideways"), "direction", "'sideways'"),
    ("bad timestamp", _with(GATHER, eventTime="2019-09-13-16:48:27.198Z"), "eventTime", "ISO-8601"),
    ("timestamp not UTC", _with(GATHER, startTime="2019-06-20T15:54:22+02:00"), "startTime", "ISO"),
    ("unknown key", _with(GATHER, reason="maxDigits"), "reason", "unknown field"),
    ("null required", _with(GATHER, answerTime=None), "answerTime", "expected a string, got null"),
    (
        "string for an int",
        _with(SPEC_EXAMPLES["recordComplete"], channels="1"),
        "channels",
        "expected an integer, got a string '1'",
    ),
    (
        "channels out of range",
        _with(SPEC_EXAMPLES["recordComplete"], channels=3),
        "channels",
        "expected an integer <= 2, got 3",
    ),
    (
        "bad nested duration",
        _with(
            SPEC_EXAMPLES["machineDetectionComplete"],
            machineDetectionResult={"value": "human", "duration": "5s"},
        ),
        "machineDetectionResult.duration",
        "ISO-8601 duration",
    ),
    (
        "missing nested field",
        _with(SPEC_EXAMPLES["machineDetectionComplete"], machineDetectionResult={"value": "human"}),
        "machineDetectionResult.duration",
        "missing required field",
    ),
    (
        "unknown nested key",
        _with(
            SPEC_EXAMPLES["machineDetectionComplete"],
            machineDetectionResult={"value": "human", "duration": "PT1S", "confidence": 0.9},
        ),
        "machineDetectionResult.confidence",
        "unknown field",
    ),
    (
        "diversion without origTo",
        _with(SPEC_EXAMPLES["initiate"], diversion={"reason": "unavailable"}),
        "diversion.origTo",
        "missing required field",
    ),
    (
        "diversion value not a string",
        _with(SPEC_EXAMPLES["initiate"], diversion={"origTo": "+1", "counter": 2}),
        "diversion.counter",
        "expected a string",
    ),
    (
        "bad list item",
        _with(
            SPEC_EXAMPLES["mediaStreamStopped"],
            mediaStream={**SPEC_EXAMPLES["mediaStreamStopped"]["mediaStream"], "tracks": ["both"]},
        ),
        "mediaStream.tracks[0]",
        "'both'",
    ),
]


@pytest.mark.parametrize(
    ("payload", "field", "words"), [case[1:] for case in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
)
def test_wire_bad_input_names_the_field(payload: dict[str, Any], field: str, words: str) -> None:
    """Bad input raises EventError whose field is the dotted wire path and message says why."""
    for decode in (from_wire, lambda p: from_json(json.dumps(p))):
        with pytest.raises(EventError) as caught:
            decode(payload)
        assert caught.value.field == field
        assert words in caught.value.message
        assert str(caught.value).startswith(f"{field}: ")


def test_wire_rejects_non_object_and_bad_json() -> None:
    """A JSON array or broken JSON is an EventError too."""
    with pytest.raises(EventError, match="JSON object"):
        from_wire([1, 2])  # type: ignore[arg-type]
    with pytest.raises(EventError, match="not valid JSON"):
        from_json(b'{"eventType": ')


def test_wire_null_optional_field_means_absent() -> None:
    """An optional field sent as null decodes to None and is omitted again."""
    event = from_wire(_with(GATHER, tag=None))
    assert isinstance(event, ev.GatherEvent)
    assert event.tag is None
    assert event.to_wire() == GATHER


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_wire_maximal_instance_round_trips(event_type: str) -> None:
    """An instance with every optional field set survives JSON both ways."""
    event = maximal(EVENT_TYPES[event_type])
    assert from_wire(event.to_wire()) == event
    assert from_json(ev.to_json(event)) == event


@settings(max_examples=150)
@given(events())
def test_wire_round_trip_is_lossless(event: ev.Event) -> None:
    """from_wire(to_wire(e)) == e and from_json(to_json(e)) == e for any event."""
    assert from_wire(event.to_wire()) == event
    assert from_json(ev.to_json(event)) == event
    assert ev.to_wire(event) == event.to_wire()


def test_wire_diversion_extra_cannot_shadow_a_known_key() -> None:
    """Known Diversion keys go by name; putting one in `extra` is refused."""
    with pytest.raises(EventError) as caught:
        ev.Diversion(orig_to="+1", extra={"reason": "busy"})
    assert caught.value.field == "reason"
