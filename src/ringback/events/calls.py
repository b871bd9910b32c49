"""The event base classes and the events about one call (spec §1.3, §2.1, §2.3).

Each class is one `eventType`: the type is implied by the class (msgspec's tag), so the engine
writes `GatherEvent(event_time=..., ..., digits="12", terminating_digit="#")`. Required fields
come without a default; optional ones default to None and are left out of the wire form. Field
lists follow spec §2.3 event by event; fields the official SDK model lacks are marked
"not in SDK model" as in the spec.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from ringback.events.base import WireModel
from ringback.events.formats import Duration, Timestamp
from ringback.events.parts import (
    Diversion,
    MachineDetectionResult,
    StirShaken,
    Transcription,
    enc_hook,
)

Direction = Literal["inbound", "outbound"]
FileFormat = Literal["wav", "mp3"]
RecordingStatus = Literal["complete", "partial", "error", "processing", "deleted"]
Channels = Annotated[int, Meta(ge=1, le=2)]
SipStatus = Annotated[int, Meta(ge=100, le=699)]
SipHeaders = Annotated[dict[str, str], Meta(min_length=1)]


class Event(WireModel, kw_only=True, frozen=True, tag_field="eventType"):
    """A webhook event; `eventType` on the wire is implied by the subclass."""

    event_time: Timestamp

    @property
    def event_type(self) -> str:
        """The `eventType` this class is sent as."""
        tag = self.__struct_config__.tag
        assert isinstance(tag, str)
        return tag

    def to_wire(self) -> dict[str, Any]:
        """The JSON object sent to the application, keys in Bandwidth's camelCase."""
        wire: dict[str, Any] = msgspec.to_builtins(self, enc_hook=enc_hook)
        return wire


class CallEvent(Event, kw_only=True, frozen=True):
    """An event about one call: its parties, direction, id and REST URL."""

    from_: str
    to: str
    direction: Direction
    call_id: str
    call_url: str
    start_time: Timestamp


class ApplicationCallEvent(CallEvent, kw_only=True, frozen=True):
    """A call event that always names the account and the voice application."""

    account_id: str
    application_id: str


class InitiateEvent(ApplicationCallEvent, kw_only=True, frozen=True, tag="initiate"):
    """An inbound call arrived (sync: the reply BXML runs on the call)."""

    diversion: Diversion | None = None
    stir_shaken: StirShaken | None = None
    uui: Annotated[str, Meta(max_length=256)] | None = None
    identity: str | None = None  # not in SDK model
    sip_call_id: str | None = None
    sip_headers: SipHeaders | None = None


class AnswerEvent(ApplicationCallEvent, kw_only=True, frozen=True, tag="answer"):
    """An outbound call was answered (sync)."""

    answer_time: Timestamp
    enqueued_time: Timestamp | None = None
    tag: str | None = None
    machine_detection_result: MachineDetectionResult | None = None
    sip_call_id: str | None = None
    privacy: bool | None = None  # not in SDK model (docs 2026)
    caller_display_name: Annotated[str, Meta(max_length=256)] | None = None  # not in SDK model


class DisconnectEvent(ApplicationCallEvent, kw_only=True, frozen=True, tag="disconnect"):
    """A call ended, for any reason (async)."""

    end_time: Timestamp
    cause: str
    enqueued_time: Timestamp | None = None
    answer_time: Timestamp | None = None
    tag: str | None = None
    error_message: str | None = None
    error_id: str | None = None
    sip_call_id: str | None = None
    sip_response_code: SipStatus | None = None


class _BLegFields(ApplicationCallEvent, kw_only=True, frozen=True):
    """Fields present when the event is about a `<Transfer>` B-leg (spec §1.3)."""

    parent_call_id: str | None = None
    transfer_caller_id: str | None = None
    transfer_to: str | None = None


class RedirectEvent(_BLegFields, kw_only=True, frozen=True, tag="redirect"):
    """`<Redirect>` ran, or the call was redirected through the REST API (sync)."""

    enqueued_time: Timestamp | None = None
    answer_time: Timestamp | None = None
    tag: str | None = None


class GatherEvent(_BLegFields, kw_only=True, frozen=True, tag="gather"):
    """`<Gather>` finished; `digits` excludes the terminating digit (sync)."""

    answer_time: Timestamp
    digits: str
    terminating_digit: str
    enqueued_time: Timestamp | None = None
    tag: str | None = None


class DtmfEvent(_BLegFields, kw_only=True, frozen=True, tag="dtmf"):
    """One digit detected after `<StartGather>` (async, BXML not allowed in the reply)."""

    answer_time: Timestamp
    digit: Annotated[str, Meta(min_length=1, max_length=1)]
    enqueued_time: Timestamp | None = None
    tag: str | None = None


class RecordCompleteEvent(_BLegFields, kw_only=True, frozen=True, tag="recordComplete"):
    """`<Record>` finished while the call is up (sync); times are the recording's."""

    answer_time: Timestamp
    end_time: Timestamp
    recording_id: str
    media_url: str
    duration: Duration
    channels: Channels
    file_format: FileFormat
    enqueued_time: Timestamp | None = None
    tag: str | None = None


class RecordingAvailableEvent(_BLegFields, kw_only=True, frozen=True, tag="recordingAvailable"):
    """A call recording is processed and downloadable (async)."""

    end_time: Timestamp
    recording_id: str
    media_url: str
    duration: Duration
    channels: Channels
    file_format: FileFormat
    status: RecordingStatus
    enqueued_time: Timestamp | None = None
    tag: str | None = None
    recording_name: str | None = None  # not in SDK model


class TranscriptionAvailableEvent(
    _BLegFields, kw_only=True, frozen=True, tag="transcriptionAvailable"
):
    """A recording's transcription is ready (async)."""

    end_time: Timestamp
    recording_id: str
    media_url: str
    duration: Duration
    file_format: FileFormat
    transcription: Transcription  # docs shape; the SDK model's keys differ
    enqueued_time: Timestamp | None = None
    tag: str | None = None


class MachineDetectionCompleteEvent(
    ApplicationCallEvent, kw_only=True, frozen=True, tag="machineDetectionComplete"
):
    """Asynchronous answering-machine detection finished (async)."""

    answer_time: Timestamp
    machine_detection_result: MachineDetectionResult
    enqueued_time: Timestamp | None = None
    tag: str | None = None


class TransferAnswerEvent(ApplicationCallEvent, kw_only=True, frozen=True, tag="transferAnswer"):
    """A `<Transfer>` B-leg answered; from/to are the A-leg's (sync, BXML runs on the B-leg)."""

    answer_time: Timestamp
    parent_call_id: str  # not in SDK model
    transfer_caller_id: str
    transfer_to: str
    enqueued_time: Timestamp | None = None
    tag: str | None = None


class TransferCompleteEvent(
    ApplicationCallEvent, kw_only=True, frozen=True, tag="transferComplete"
):
    """The `<Transfer>` ended while the A-leg is up (sync, BXML runs on the A-leg)."""

    answer_time: Timestamp
    transfer_caller_id: str
    transfer_to: str
    cause: str
    enqueued_time: Timestamp | None = None
    tag: str | None = None
    error_message: str | None = None
    error_id: str | None = None


class TransferDisconnectEvent(CallEvent, kw_only=True, frozen=True, tag="transferDisconnect"):
    """A `<Transfer>` B-leg ended, for any reason (async); account ids are optional here."""

    end_time: Timestamp
    parent_call_id: str
    transfer_caller_id: str
    transfer_to: str
    cause: str
    account_id: str | None = None
    application_id: str | None = None
    enqueued_time: Timestamp | None = None
    answer_time: Timestamp | None = None
    tag: str | None = None
    error_message: str | None = None
    error_id: str | None = None


class BridgeCompleteEvent(ApplicationCallEvent, kw_only=True, frozen=True, tag="bridgeComplete"):
    """The bridge target left, or bridging failed (sync, BXML runs on the bridging call)."""

    answer_time: Timestamp
    enqueued_time: Timestamp | None = None
    tag: str | None = None
    cause: str | None = None
    error_message: str | None = None
    error_id: str | None = None
    transfer_caller_id: str | None = None  # not in SDK model (failed-bridge example)
    transfer_to: str | None = None  # not in SDK model (failed-bridge example)


class BridgeTargetCompleteEvent(
    ApplicationCallEvent, kw_only=True, frozen=True, tag="bridgeTargetComplete"
):
    """The call that ran `<Bridge>` left first (sync, BXML runs on the target)."""

    answer_time: Timestamp
    enqueued_time: Timestamp | None = None
    tag: str | None = None


class ReferCompleteEvent(ApplicationCallEvent, kw_only=True, frozen=True, tag="referComplete"):
    """The `<Refer>` SIP REFER flow finished (reply BXML runs only on failure)."""

    answer_time: Timestamp
    refer_call_status: Literal["success", "failure"]
    tag: str | None = None
    refer_sip_response_code: SipStatus | None = None
    notify_sip_response_code: SipStatus | None = None
