"""Webhook events: one typed model per event, their wire forms, JSON Schema and AsyncAPI.

    event = GatherEvent(event_time=..., account_id=..., ..., digits="12", terminating_digit="#")
    event.to_wire()            # {"eventType": "gather", "eventTime": ..., "digits": "12", ...}
    to_json(event)             # the POST body, as bytes
    to_query(event)            # the GET form: [("eventType", "gather"), ...]
    from_wire(mapping), from_json(body), from_query(pairs)   # validated; EventError on bad input

Timestamps and durations are kept as their wire strings (lossless); convert with
`timestamp_from_epoch`, `epoch_from_timestamp`, `duration_from_seconds`, `seconds_from_duration`.
The schema and AsyncAPI documents live in `ringback.events.schema` and `ringback.events.asyncapi`.
"""

from __future__ import annotations

from ringback.errors import EventError
from ringback.events.calls import (
    AnswerEvent,
    ApplicationCallEvent,
    BridgeCompleteEvent,
    BridgeTargetCompleteEvent,
    CallEvent,
    Direction,
    DisconnectEvent,
    DtmfEvent,
    Event,
    FileFormat,
    GatherEvent,
    InitiateEvent,
    MachineDetectionCompleteEvent,
    RecordCompleteEvent,
    RecordingAvailableEvent,
    RecordingStatus,
    RedirectEvent,
    ReferCompleteEvent,
    TranscriptionAvailableEvent,
    TransferAnswerEvent,
    TransferCompleteEvent,
    TransferDisconnectEvent,
)
from ringback.events.catalogue import EVENT_CLASSES, EVENT_TYPES, SYNC_EVENT_TYPES, AnyEvent
from ringback.events.conferences import (
    ConferenceCompletedEvent,
    ConferenceCreatedEvent,
    ConferenceEvent,
    ConferenceMemberExitEvent,
    ConferenceMemberJoinEvent,
    ConferenceRecordingAvailableEvent,
    ConferenceRedirectEvent,
)
from ringback.events.formats import (
    Duration,
    Timestamp,
    duration_from_seconds,
    epoch_from_timestamp,
    seconds_from_duration,
    timestamp_from_epoch,
)
from ringback.events.naming import WIRE_NAMES
from ringback.events.parts import (
    Diversion,
    MachineDetectionResult,
    MachineDetectionValue,
    MediaStream,
    RealTimeTranscription,
    StirShaken,
    Transcription,
    TranscriptionStatus,
)
from ringback.events.query import from_query, to_query
from ringback.events.streams import (
    MediaStreamRejectedEvent,
    MediaStreamStartedEvent,
    MediaStreamStoppedEvent,
    RealTimeTranscriptionAvailableEvent,
    RealTimeTranscriptionRejectedEvent,
    RealTimeTranscriptionStartedEvent,
    RealTimeTranscriptionStoppedEvent,
)
from ringback.events.wire import from_json, from_wire, to_json, to_wire

__all__ = [
    "EVENT_CLASSES",
    "EVENT_TYPES",
    "SYNC_EVENT_TYPES",
    "WIRE_NAMES",
    "AnswerEvent",
    "AnyEvent",
    "ApplicationCallEvent",
    "BridgeCompleteEvent",
    "BridgeTargetCompleteEvent",
    "CallEvent",
    "ConferenceCompletedEvent",
    "ConferenceCreatedEvent",
    "ConferenceEvent",
    "ConferenceMemberExitEvent",
    "ConferenceMemberJoinEvent",
    "ConferenceRecordingAvailableEvent",
    "ConferenceRedirectEvent",
    "Direction",
    "DisconnectEvent",
    "Diversion",
    "DtmfEvent",
    "Duration",
    "Event",
    "EventError",
    "FileFormat",
    "GatherEvent",
    "InitiateEvent",
    "MachineDetectionCompleteEvent",
    "MachineDetectionResult",
    "MachineDetectionValue",
    "MediaStream",
    "MediaStreamRejectedEvent",
    "MediaStreamStartedEvent",
    "MediaStreamStoppedEvent",
    "RealTimeTranscription",
    "RealTimeTranscriptionAvailableEvent",
    "RealTimeTranscriptionRejectedEvent",
    "RealTimeTranscriptionStartedEvent",
    "RealTimeTranscriptionStoppedEvent",
    "RecordCompleteEvent",
    "RecordingAvailableEvent",
    "RecordingStatus",
    "RedirectEvent",
    "ReferCompleteEvent",
    "StirShaken",
    "Timestamp",
    "Transcription",
    "TranscriptionAvailableEvent",
    "TranscriptionStatus",
    "TransferAnswerEvent",
    "TransferCompleteEvent",
    "TransferDisconnectEvent",
    "duration_from_seconds",
    "epoch_from_timestamp",
    "from_json",
    "from_query",
    "from_wire",
    "seconds_from_duration",
    "timestamp_from_epoch",
    "to_json",
    "to_query",
    "to_wire",
]
