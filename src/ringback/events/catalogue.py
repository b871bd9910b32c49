"""Every event type, and which ones are synchronous (spec §2.1)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, get_args

from ringback.events.calls import (
    AnswerEvent,
    BridgeCompleteEvent,
    BridgeTargetCompleteEvent,
    DisconnectEvent,
    DtmfEvent,
    Event,
    GatherEvent,
    InitiateEvent,
    MachineDetectionCompleteEvent,
    RecordCompleteEvent,
    RecordingAvailableEvent,
    RedirectEvent,
    ReferCompleteEvent,
    TranscriptionAvailableEvent,
    TransferAnswerEvent,
    TransferCompleteEvent,
    TransferDisconnectEvent,
)
from ringback.events.conferences import (
    ConferenceCompletedEvent,
    ConferenceCreatedEvent,
    ConferenceMemberExitEvent,
    ConferenceMemberJoinEvent,
    ConferenceRecordingAvailableEvent,
    ConferenceRedirectEvent,
)
from ringback.events.streams import (
    MediaStreamRejectedEvent,
    MediaStreamStartedEvent,
    MediaStreamStoppedEvent,
    RealTimeTranscriptionAvailableEvent,
    RealTimeTranscriptionRejectedEvent,
    RealTimeTranscriptionStartedEvent,
    RealTimeTranscriptionStoppedEvent,
)

# In the order of the spec's overview table (§2.1).
AnyEvent = (
    InitiateEvent
    | AnswerEvent
    | DisconnectEvent
    | RedirectEvent
    | GatherEvent
    | DtmfEvent
    | RecordCompleteEvent
    | RecordingAvailableEvent
    | TranscriptionAvailableEvent
    | MachineDetectionCompleteEvent
    | TransferAnswerEvent
    | TransferCompleteEvent
    | TransferDisconnectEvent
    | BridgeCompleteEvent
    | BridgeTargetCompleteEvent
    | ConferenceCreatedEvent
    | ConferenceMemberJoinEvent
    | ConferenceMemberExitEvent
    | ConferenceRedirectEvent
    | ConferenceCompletedEvent
    | ConferenceRecordingAvailableEvent
    | MediaStreamStartedEvent
    | MediaStreamRejectedEvent
    | MediaStreamStoppedEvent
    | RealTimeTranscriptionStartedEvent
    | RealTimeTranscriptionRejectedEvent
    | RealTimeTranscriptionStoppedEvent
    | RealTimeTranscriptionAvailableEvent
    | ReferCompleteEvent
)


def _tag(cls: type[Event]) -> str:
    tag = cls.__struct_config__.tag
    assert isinstance(tag, str)
    return tag


EVENT_CLASSES: Final[tuple[type[Event], ...]] = get_args(AnyEvent)
EVENT_TYPES: Final[Mapping[str, type[Event]]] = MappingProxyType(
    {_tag(cls): cls for cls in EVENT_CLASSES}
)

# Events whose reply BXML is executed. Everything else is a notification: any reply body is
# ignored (disconnect, dtmf, recordingAvailable, transcriptionAvailable,
# machineDetectionComplete, transferDisconnect, conferenceCompleted,
# conferenceRecordingAvailable, mediaStream*, realTimeTranscription*).
SYNC_EVENT_TYPES: Final[frozenset[str]] = frozenset(
    {
        "initiate",
        "answer",
        "redirect",
        "gather",
        "recordComplete",
        "transferAnswer",  # runs on the B-leg, then the legs are bridged
        "transferComplete",  # runs on the A-leg
        "bridgeComplete",
        "bridgeTargetComplete",
        "conferenceCreated",  # conference BXML, or an empty reply
        "conferenceMemberJoin",
        "conferenceMemberExit",
        "conferenceRedirect",
        # Sync only on failure: after a successful REFER the call is already gone and the reply
        # is ignored; after a failed one the reply runs on the still-active call. The delivery
        # layer must look at referCallStatus.
        "referComplete",
    }
)
