"""The one table of BXML wire names: every attribute of every verb (spec §4.6), its Python field,
kind, range and choices; the text content and the nested elements of each verb; the contexts.

Defaults are not repeated here: they are the dataclass defaults in `verbs.py` (`DEFAULTS`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ringback.bxml.values import Kind
from ringback.bxml.verbs import NESTED_CLASSES, VERB_CLASSES


@dataclass(frozen=True, slots=True)
class Attr:
    """One attribute: wire name, Python field, kind, and its limits."""

    wire: str
    field: str
    kind: Kind
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True, slots=True)
class TextContent:
    """The text inside an element and the field it fills."""

    field: str
    kind: Kind
    what: str  # how messages name it: "audio URL"
    required: bool = True


@dataclass(frozen=True, slots=True)
class Children:
    """The nested elements a verb allows, the field they fill, and how many."""

    field: str
    tags: tuple[str, ...]
    minimum: int
    maximum: int | None
    single: bool = False  # the field holds one element, not a tuple


def _a(wire: str, field: str, kind: Kind = Kind.TEXT, **limits: Any) -> Attr:
    return Attr(wire, field, kind, **limits)


def _callback(prefix: str, snake: str) -> tuple[Attr, ...]:
    """`xUrl`, `xMethod`, `xFallbackUrl`, `xFallbackMethod` (spec §4.5)."""
    return (
        _a(f"{prefix}Url", f"{snake}_url", Kind.URL),
        _a(f"{prefix}Method", f"{snake}_method", Kind.METHOD),
        _a(f"{prefix}FallbackUrl", f"{snake}_fallback_url", Kind.URL),
        _a(f"{prefix}FallbackMethod", f"{snake}_fallback_method", Kind.METHOD),
    )


CREDENTIALS = (_a("username", "username"), _a("password", "password"))
FALLBACK_CREDENTIALS = (
    _a("fallbackUsername", "fallback_username"),
    _a("fallbackPassword", "fallback_password"),
)
TAG = _a("tag", "tag", Kind.TAG)
TRACKS = ("inbound", "outbound", "both")
FILE_FORMATS = ("wav", "mp3")
DIVERSION_TREATMENTS = ("none", "propagate", "stack")
DIVERSION_REASONS = (
    "unknown",
    "user-busy",
    "no-answer",
    "unavailable",
    "unconditional",
    "time-of-day",
    "do-not-disturb",
    "deflection",
    "follow-me",
    "out-of-service",
    "away",
)
# fmt: off
VOICES = (
    "julie", "kate", "susan", "dave", "paul", "bridget", "simon", "katrin", "stefan", "esperanza",
    "violeta", "jorge", "rosa", "jolie", "bernard", "paola", "luca", "masako", "kenji", "nadiya",
    "anatoli", "zeina", "zhiyu", "ruth", "stephen", "lupe", "pedro", "gabrielle", "liam",
)
# fmt: on
_RECORDING_EXTRAS = (
    _a("recordingAvailableUrl", "recording_available_url", Kind.URL),
    _a("recordingAvailableMethod", "recording_available_method", Kind.METHOD),
    _a("transcribe", "transcribe", Kind.BOOL),
    _a("detectLanguage", "detect_language", Kind.BOOL),
    _a("transcriptionAvailableUrl", "transcription_available_url", Kind.URL),
    _a("transcriptionAvailableMethod", "transcription_available_method", Kind.METHOD),
)
_DESTINATION = (
    *_callback("transferAnswer", "transfer_answer"),
    _a("transferDisconnectUrl", "transfer_disconnect_url", Kind.URL),
    _a("transferDisconnectMethod", "transfer_disconnect_method", Kind.METHOD),
    *CREDENTIALS,
    *FALLBACK_CREDENTIALS,
    TAG,
    _a("uui", "uui", Kind.UUI),
)

ATTRIBUTES: dict[str, tuple[Attr, ...]] = {
    "SpeakSentence": (
        _a("voice", "voice", Kind.VOICE, choices=VOICES),
        _a("gender", "gender", Kind.ENUM, choices=("male", "female")),
        _a("locale", "locale", Kind.NAME),
    ),
    "PlayAudio": CREDENTIALS,
    "Gather": (
        *_callback("gather", "gather"),
        *CREDENTIALS,
        *FALLBACK_CREDENTIALS,
        TAG,
        _a("terminatingDigits", "terminating_digits", Kind.TERMINATING_DIGITS),
        _a("maxDigits", "max_digits", Kind.INT, low=1, high=50),
        _a("interDigitTimeout", "inter_digit_timeout", Kind.SECONDS, low=1, high=60),
        _a("firstDigitTimeout", "first_digit_timeout", Kind.SECONDS, low=0, high=60),
        _a("repeatCount", "repeat_count", Kind.INT, low=1, high=20),
        _a("input", "input", Kind.ENUM, choices=("dtmf", "speech", "dtmf_speech")),
        _a("hints", "hints"),
        _a("language", "language", Kind.NAME),
        _a("partialResultCallback", "partial_result_callback", Kind.URL),
        _a("partialResultCallbackMethod", "partial_result_callback_method", Kind.METHOD),
        _a("profanityFilter", "profanity_filter", Kind.BOOL),
        _a("speechModel", "speech_model", Kind.NAME),
        _a("speechTimeout", "speech_timeout", Kind.SECONDS, low=0, high=60),
    ),
    "StartGather": (
        _a("dtmfUrl", "dtmf_url", Kind.URL, required=True),
        _a("dtmfMethod", "dtmf_method", Kind.METHOD),
        *CREDENTIALS,
        TAG,
    ),
    "StopGather": (),
    "SendDtmf": (
        _a("toneDuration", "tone_duration", Kind.MILLISECONDS, low=50, high=5000),
        _a("toneInterval", "tone_interval", Kind.MILLISECONDS, low=50, high=5000),
    ),
    "Record": (
        *_callback("recordComplete", "record_complete"),
        *_RECORDING_EXTRAS,
        *CREDENTIALS,
        *FALLBACK_CREDENTIALS,
        TAG,
        _a("terminatingDigits", "terminating_digits", Kind.TERMINATING_DIGITS),
        _a("maxDuration", "max_duration", Kind.SECONDS, low=1, high=10800),
        _a("silenceTimeout", "silence_timeout", Kind.SECONDS, low=0, high=10800),
        _a("fileFormat", "file_format", Kind.ENUM, choices=FILE_FORMATS),
        _a("recordingName", "recording_name"),
    ),
    "StartRecording": (
        *_RECORDING_EXTRAS,
        *CREDENTIALS,
        TAG,
        _a("fileFormat", "file_format", Kind.ENUM, choices=FILE_FORMATS),
        _a("multiChannel", "multi_channel", Kind.BOOL),
        _a("recordingName", "recording_name"),
    ),
    "PauseRecording": (),
    "ResumeRecording": (),
    "StopRecording": (),
    "Transfer": (
        _a("transferCallerId", "transfer_caller_id", Kind.CALLER_ID),
        _a("transferCallerDisplayName", "transfer_caller_display_name", Kind.DISPLAY_NAME),
        _a("privacy", "privacy", Kind.BOOL),
        _a("callTimeout", "call_timeout", Kind.SECONDS, low=1, high=300),
        *_callback("transferComplete", "transfer_complete"),
        *CREDENTIALS,
        *FALLBACK_CREDENTIALS,
        TAG,
        _a("diversionTreatment", "diversion_treatment", Kind.ENUM, choices=DIVERSION_TREATMENTS),
        _a("diversionReason", "diversion_reason", Kind.ENUM, choices=DIVERSION_REASONS),
    ),
    "PhoneNumber": _DESTINATION,
    "SipUri": _DESTINATION,
    "Bridge": (
        *_callback("bridgeComplete", "bridge_complete"),
        *_callback("bridgeTargetComplete", "bridge_target_complete"),
        *CREDENTIALS,
        *FALLBACK_CREDENTIALS,
        TAG,
    ),
    "Conference": (
        _a("mute", "mute", Kind.BOOL),
        _a("hold", "hold", Kind.BOOL),
        _a("callIdsToCoach", "call_ids_to_coach"),
        *_callback("conferenceEvent", "conference_event"),
        *CREDENTIALS,
        *FALLBACK_CREDENTIALS,
        TAG,
        _a("callbackTimeout", "callback_timeout", Kind.SECONDS, low=1, high=25),
    ),
    "Redirect": (
        _a("redirectUrl", "redirect_url", Kind.URL, required=True),
        *_callback("redirect", "redirect")[1:],
        *CREDENTIALS,
        *FALLBACK_CREDENTIALS,
        TAG,
    ),
    "Hangup": (),
    "Pause": (_a("duration", "duration", Kind.SECONDS, low=0.1, high=86400),),
    "Ring": (
        _a("duration", "duration", Kind.SECONDS, low=0.1, high=86400),
        _a("answerCall", "answer_call", Kind.BOOL),
    ),
    "Forward": (
        _a("to", "to", Kind.PHONE_OR_SIP, required=True),
        _a("from", "from_", Kind.CALLER_ID),
        _a("callTimeout", "call_timeout", Kind.SECONDS, low=1, high=300),
        _a("diversionTreatment", "diversion_treatment", Kind.ENUM, choices=DIVERSION_TREATMENTS),
        _a("diversionReason", "diversion_reason", Kind.ENUM, choices=DIVERSION_REASONS),
        _a("uui", "uui", Kind.UUI),
        _a("privacy", "privacy", Kind.BOOL),
        _a("callerDisplayName", "caller_display_name", Kind.DISPLAY_NAME),
    ),
    "Tag": (),
    "StartStream": (
        _a("destination", "destination", Kind.URL, required=True),
        _a("name", "name", Kind.NAME),
        _a("tracks", "tracks", Kind.ENUM, choices=TRACKS),
        _a("mode", "mode", Kind.ENUM, choices=("unidirectional", "bidirectional")),
        _a("destinationUsername", "destination_username"),
        _a("destinationPassword", "destination_password"),
        _a("streamEventUrl", "stream_event_url", Kind.URL),
        _a("streamEventMethod", "stream_event_method", Kind.METHOD),
        *CREDENTIALS,
    ),
    "StreamParam": (
        _a("name", "name", required=True),
        _a("value", "value", required=True),
    ),
    "StopStream": (
        _a("name", "name", Kind.NAME, required=True),
        _a("wait", "wait", Kind.BOOL),
    ),
    "StartTranscription": (
        _a("name", "name", Kind.NAME),
        _a("tracks", "tracks", Kind.ENUM, choices=TRACKS),
        _a("transcriptionEventUrl", "transcription_event_url", Kind.URL),
        _a("transcriptionEventMethod", "transcription_event_method", Kind.METHOD),
        *CREDENTIALS,
        _a("destination", "destination", Kind.URL),
        _a("stabilized", "stabilized", Kind.BOOL),
        _a("detectLanguage", "detect_language", Kind.BOOL),
        _a("preferredLanguages", "preferred_languages", Kind.NAME),
    ),
    "CustomParam": (
        _a("name", "name", required=True),
        _a("value", "value", required=True),
    ),
    "StopTranscription": (_a("name", "name", Kind.NAME),),
    "Connect": (
        _a("eventCallbackUrl", "event_callback_url", Kind.URL),
        _a("eventFallbackUrl", "event_fallback_url", Kind.URL),
    ),
    "Endpoint": (),
    "Refer": (
        _a("referCompleteUrl", "refer_complete_url", Kind.URL),
        _a("referCompleteMethod", "refer_complete_method", Kind.METHOD),
        TAG,
    ),
}
"""Every attribute of every element, in canonical (render) order."""

ATTRIBUTE_ALIASES: dict[str, dict[str, str]] = {
    # Typos some SDK builds emitted (spec §4.7); they mean the attribute on the right.
    "Bridge": {"bridgeTargetCompleteFallback_url": "bridgeTargetCompleteFallbackUrl"},
    "Record": {
        "recordCompleteFallback_url": "recordCompleteFallbackUrl",
        "recordCompleteFallback_method": "recordCompleteFallbackMethod",
    },
}

TEXT_CONTENT: dict[str, TextContent] = {
    "PlayAudio": TextContent("url", Kind.URL, "audio URL"),
    "Bridge": TextContent("call_id", Kind.CALL_ID, "call id"),
    "Conference": TextContent("name", Kind.CONFERENCE_NAME, "conference name"),
    "SendDtmf": TextContent("digits", Kind.DTMF, "digits"),
    "Tag": TextContent("text", Kind.TEXT, "tag", required=False),
    "PhoneNumber": TextContent("number", Kind.E164, "number"),
    "SipUri": TextContent("uri", Kind.SIP_URI, "SIP URI"),
    "Endpoint": TextContent("endpoint_id", Kind.CALL_ID, "endpoint id"),
}
"""Elements whose text is a value (SpeakSentence's SSML is handled by `ssml.py`)."""

CHILDREN: dict[str, Children] = {
    "Gather": Children("prompts", ("SpeakSentence", "PlayAudio"), 0, 20),
    "Transfer": Children("destinations", ("PhoneNumber", "SipUri"), 1, 8),
    "StartStream": Children("params", ("StreamParam",), 0, 12),
    "StartTranscription": Children("params", ("CustomParam",), 0, 12),
    "Connect": Children("endpoints", ("Endpoint",), 1, None),
    "Refer": Children("sip_uri", ("SipUri",), 1, 1, single=True),
}
"""Elements that contain other elements (spec §4.3)."""

ROOT_TAGS = ("Response", "Bxml")
CONTEXTS: dict[str, frozenset[str]] = {
    "call": frozenset(VERB_CLASSES),
    "transferAnswer": frozenset(VERB_CLASSES) - {"Bridge", "Conference", "Forward", "Transfer"},
    "conference": frozenset(
        {
            "PlayAudio",
            "SpeakSentence",
            "StartRecording",
            "StopRecording",
            "PauseRecording",
            "ResumeRecording",
        }
    ),
}
"""The verbs each context allows at the top level (spec §4.3)."""

ELEMENT_CLASSES: dict[str, type] = {**VERB_CLASSES, **NESTED_CLASSES}

DEFAULTS: dict[str, dict[str, Any]] = {
    tag: {
        field.name: field.default
        for field in dataclasses.fields(cls)
        if field.default is not dataclasses.MISSING
    }
    for tag, cls in ELEMENT_CLASSES.items()
}
"""Each element's field defaults, read from the dataclasses: omitted on render."""

BY_WIRE: dict[str, dict[str, Attr]] = {
    tag: {attr.wire: attr for attr in attrs} for tag, attrs in ATTRIBUTES.items()
}
