"""The one table of wire names: Python attribute (snake_case) → JSON key (Bandwidth's camelCase).

Every model of this package is declared with `rename=wire_name`, so an attribute missing from
this table fails when its class is defined, never silently on the wire. `from_` is `from` on the
wire (a Python keyword).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

WIRE_NAMES: Final = MappingProxyType(
    {
        # Every event
        "event_time": "eventTime",
        # The call an event is about (spec §1.3)
        "account_id": "accountId",
        "application_id": "applicationId",
        "from_": "from",
        "to": "to",
        "direction": "direction",
        "call_id": "callId",
        "call_url": "callUrl",
        "enqueued_time": "enqueuedTime",
        "start_time": "startTime",
        "answer_time": "answerTime",
        "end_time": "endTime",
        "tag": "tag",
        "parent_call_id": "parentCallId",
        "transfer_caller_id": "transferCallerId",
        "transfer_to": "transferTo",
        "cause": "cause",
        "error_message": "errorMessage",
        "error_id": "errorId",
        "sip_call_id": "sipCallId",
        "sip_response_code": "sipResponseCode",
        "privacy": "privacy",
        "caller_display_name": "callerDisplayName",
        # initiate
        "diversion": "diversion",
        "stir_shaken": "stirShaken",
        "uui": "uui",
        "identity": "identity",
        "sip_headers": "sipHeaders",
        # answer, machineDetectionComplete
        "machine_detection_result": "machineDetectionResult",
        # gather, dtmf
        "digits": "digits",
        "terminating_digit": "terminatingDigit",
        "digit": "digit",
        # recordings and transcriptions
        "recording_id": "recordingId",
        "media_url": "mediaUrl",
        "duration": "duration",
        "channels": "channels",
        "file_format": "fileFormat",
        "status": "status",
        "recording_name": "recordingName",
        "transcription": "transcription",
        # conferences
        "conference_id": "conferenceId",
        "name": "name",
        # media streams and real-time transcription
        "media_stream": "mediaStream",
        "original_media_stream": "originalMediaStream",
        "real_time_transcription": "realTimeTranscription",
        "original_transcription": "originalTranscription",
        # referComplete
        "refer_call_status": "referCallStatus",
        "refer_sip_response_code": "referSipResponseCode",
        "notify_sip_response_code": "notifySipResponseCode",
        # Nested objects
        "value": "value",
        "verstat": "verstat",
        "attestation_indicator": "attestationIndicator",
        "originating_id": "originatingId",
        "id": "id",
        "url": "url",
        "completed_time": "completedTime",
        "destination": "destination",
        "tracks": "tracks",
        "type": "type",
        "stabilized": "stabilized",
        "orig_to": "origTo",
        "reason": "reason",
        "screen": "screen",
        "counter": "counter",
        "limit": "limit",
    }
)


def wire_name(attribute: str) -> str:
    """The JSON key of a model attribute; a KeyError names an attribute missing from the table."""
    return WIRE_NAMES[attribute]
