"""The AsyncAPI 2.6.0 document of every voice webhook, built from the models.

One channel per event, `/voice/<eventType>`, as in Bandwidth's own AsyncAPI description (seed
004), whose servers and security scheme are kept. Payload schemas are the ones of `schema.py`,
placed under `components.schemas` with `#/components/schemas/...` references (no `$defs`, so
they read the same as AsyncAPI's draft-07-based schema format and as draft 2020-12).

Seed 004 names a channel `/voice/recordingComplete`; the event is `recordComplete` (spec §2.1
naming note), so `/voice/recordComplete` is the channel and `/voice/recordingComplete` an alias
pointing at the same message. The other differences from seed 004 are listed in docs/events.md.
"""

from __future__ import annotations

from typing import Any, Final

from ringback.events.catalogue import EVENT_TYPES, SYNC_EVENT_TYPES
from ringback.events.examples import CONSTRUCTED_EXAMPLES, SPEC_EXAMPLES
from ringback.events.schema import schema_components

ASYNCAPI_VERSION: Final = "2.6.0"
_SCHEMA_REF: Final = "#/components/schemas/{name}"
ALIAS_CHANNELS: Final = {"recordingComplete": "recordComplete"}

# eventType → (when it is sent, per spec §2.1; the official SDK model, if there is one)
EVENT_SUMMARIES: Final[dict[str, tuple[str, str | None]]] = {
    "initiate": ("An inbound call arrived for the application.", "InitiateCallback"),
    "answer": ("An outbound call created through the API was answered.", "AnswerCallback"),
    "disconnect": ("A call ended, for any reason, including errors.", "DisconnectCallback"),
    "redirect": ("<Redirect> ran, or the call was redirected through the API.", "RedirectCallback"),
    "gather": ("<Gather> finished and has a gatherUrl.", "GatherCallback"),
    "dtmf": ("A digit was detected after <StartGather>.", "DtmfCallback"),
    "recordComplete": (
        "<Record> finished while the call is still up.",
        "RecordingCompleteCallback",
    ),
    "recordingAvailable": (
        "A call recording is processed and downloadable.",
        "RecordingAvailableCallback",
    ),
    "transcriptionAvailable": (
        "A recording's transcription is ready.",
        "TranscriptionAvailableCallback",
    ),
    "machineDetectionComplete": (
        "Asynchronous answering-machine detection finished.",
        "MachineDetectionCompleteCallback",
    ),
    "transferAnswer": ("A <Transfer> B-leg answered.", "TransferAnswerCallback"),
    "transferComplete": (
        "The <Transfer> ended (B-leg done or failed) and the A-leg is still up.",
        "TransferCompleteCallback",
    ),
    "transferDisconnect": ("A <Transfer> B-leg ended.", "TransferDisconnectCallback"),
    "bridgeComplete": (
        "The bridge target left the bridge, or the bridge failed.",
        "BridgeCompleteCallback",
    ),
    "bridgeTargetComplete": (
        "The call that executed <Bridge> left first.",
        "BridgeTargetCompleteCallback",
    ),
    "conferenceCreated": ("A conference was created.", "ConferenceCreatedCallback"),
    "conferenceMemberJoin": ("A call joined a conference.", "ConferenceMemberJoinCallback"),
    "conferenceMemberExit": ("A call left a conference.", "ConferenceMemberExitCallback"),
    "conferenceRedirect": (
        "A conference was redirected through the API.",
        "ConferenceRedirectCallback",
    ),
    "conferenceCompleted": (
        "The last member left, or the conference ended.",
        "ConferenceCompletedCallback",
    ),
    "conferenceRecordingAvailable": (
        "A conference recording is processed and downloadable.",
        "ConferenceRecordingAvailableCallback",
    ),
    "mediaStreamStarted": ("A <StartStream> stream started.", None),
    "mediaStreamRejected": ("A <StartStream> stream could not start.", None),
    "mediaStreamStopped": ("A stream ended (<StopStream>, hangup or error).", None),
    "realTimeTranscriptionStarted": ("<StartTranscription> started.", None),
    "realTimeTranscriptionRejected": ("Real-time transcription could not start.", None),
    "realTimeTranscriptionStopped": ("Real-time transcription ended.", None),
    "realTimeTranscriptionAvailable": (
        "Real-time transcription finished and is downloadable.",
        None,
    ),
    "referComplete": ("The <Refer> SIP REFER flow finished.", "ReferCompleteCallback"),
}

_SYNC_TEXT: Final = (
    "Synchronous: the application answers 200 with BXML (or an empty body), which is executed."
)
_ASYNC_TEXT: Final = "Notification only: any 2xx is accepted and the reply body is ignored."
_REFER_TEXT: Final = (
    "Synchronous only on failure: after a failed REFER the reply BXML runs on the still-active"
    " call; after a successful one the call is gone and the reply is ignored."
)


def _pascal(event_type: str) -> str:
    return event_type[0].upper() + event_type[1:]


def _message_name(event_type: str) -> str:
    return f"{_pascal(event_type)}Callback"


def _mode_text(event_type: str) -> str:
    if event_type == "referComplete":
        return _REFER_TEXT
    return _SYNC_TEXT if event_type in SYNC_EVENT_TYPES else _ASYNC_TEXT


def _message(event_type: str, schema_name: str) -> dict[str, Any]:
    summary, sdk_model = EVENT_SUMMARIES[event_type]
    if event_type in SPEC_EXAMPLES:
        example = {
            "name": f"{event_type}-spec",
            "summary": "The example payload of the spec (§2.3), from Bandwidth's documentation.",
            "payload": SPEC_EXAMPLES[event_type],
        }
    else:
        example = {
            "name": f"{event_type}-constructed",
            "summary": "Built by Ringback from the spec's field list (no documented example).",
            "payload": CONSTRUCTED_EXAMPLES[event_type],
        }
    message: dict[str, Any] = {
        "name": _message_name(event_type),
        "title": f"{_pascal(event_type)} event",
        "summary": summary,
        "description": _mode_text(event_type),
        "contentType": "application/json",
        "payload": {"$ref": _SCHEMA_REF.format(name=schema_name)},
        "examples": [example],
    }
    if sdk_model is not None:
        message["x-sdk-model"] = f"bandwidth.{sdk_model}"
    return message


def _channel(event_type: str, operation_id: str, alias_of: str | None = None) -> dict[str, Any]:
    summary, _ = EVENT_SUMMARIES[event_type]
    description = f"{summary} {_mode_text(event_type)}"
    if alias_of is not None:
        description = (
            f"Alias of /voice/{event_type}, kept for Bandwidth's AsyncAPI description, which"
            f" names this channel {alias_of}. The eventType sent is {event_type!r}. {description}"
        )
    return {
        "description": description,
        "publish": {
            "operationId": operation_id,
            "summary": summary,
            "message": {"$ref": f"#/components/messages/{_message_name(event_type)}"},
        },
        "x-sync": event_type in SYNC_EVENT_TYPES,
    }


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 2.6.0 document, as plain JSON-compatible data."""
    schemas = schema_components(_SCHEMA_REF)
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event_type, cls in EVENT_TYPES.items():
        channels[f"/voice/{event_type}"] = _channel(event_type, f"on{_message_name(event_type)}")
        messages[_message_name(event_type)] = _message(event_type, cls.__name__)
    for alias, event_type in ALIAS_CHANNELS.items():
        channels[f"/voice/{alias}"] = _channel(
            event_type, f"on{_message_name(alias)}", alias_of=f"/voice/{alias}"
        )
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:ringback:bandwidth-voice-events",
        "info": {
            "title": "Bandwidth Voice Events",
            "version": "2.0",
            "description": (
                "The webhooks (BXML callbacks) that Bandwidth Voice, and Ringback in its place,"
                " send to a voice application. Synchronous events expect 200 with BXML (or an"
                " empty body) and run it; the others are notifications. Webhooks are POSTed as"
                " JSON, or sent as GET query parameters when the callback method is GET."
            ),
            "contact": {"name": "Bandwidth Support", "url": "https://support.bandwidth.com"},
        },
        "defaultContentType": "application/json",
        "servers": {
            "production": {
                "url": "{callbackUrl}",
                "protocol": "https",
                "description": (
                    "Your application's webhook endpoint, configured per call (answerUrl,"
                    " disconnectUrl, ...) or per application (callInitiatedCallbackUrl, ...)."
                ),
                "variables": {
                    "callbackUrl": {"description": "The URL configured to receive the webhook"}
                },
                "security": [{"basicAuth": []}],
            }
        },
        "channels": channels,
        "components": {
            "securitySchemes": {
                "basicAuth": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "Optional HTTP Basic authentication of webhook requests.",
                }
            },
            "messages": messages,
            "schemas": schemas,
        },
    }
