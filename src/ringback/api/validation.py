"""Request bodies of the REST API, validated into the engine's requests and facts (pure).

How this works. A route hands the raw body and its Content-Type to `json_fields` (415 unless
JSON, 400 when malformed or not an object) or `bxml_text` (415 unless XML), then to the
function for its endpoint, which returns what the engine takes: an `OutboundCallRequest` for
POST /calls (spec §5.3), a `FactRequest` for everything that becomes a fact — the fact's type
and its fields but for `at`, which the platform fills in when it feeds the fact. Every refusal
is a `RequestValidationError` whose description names the field (spec §5.2). Defaults are
Bandwidth's, and the SDK's habit of sending them explicitly (`redirectMethod` with
`state=completed`, spec §5.6) is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, cast

from ringback.api.fields import Fields, phone_number
from ringback.api.json_input import parse_json
from ringback.engine import facts as f
from ringback.engine.requests import (
    DEFAULT_CALL_TIMEOUT_S,
    DEFAULT_CALLBACK_TIMEOUT_S,
    Callback,
    MachineDetection,
    MachineDetectionMode,
    OutboundCallRequest,
)
from ringback.errors import RequestValidationError, UnsupportedMediaTypeError

F = TypeVar("F", bound=f.Fact)

MAX_TAG_LENGTH = 4096
MAX_DISPLAY_NAME_LENGTH = 256
MAX_UUI_LENGTH = 350
PRIVATE_DISPLAY_NAMES = ("Restricted", "Anonymous", "Private", "Unavailable")
UUI_ENCODINGS = ("jwt", "base64", "hex")
REQUIRED_CALL_FIELDS = ("from", "to", "answerUrl", "applicationId")
JSON_MEDIA_TYPE = "application/json"
XML_MEDIA_TYPES = ("application/xml", "text/xml")


@dataclass(frozen=True, slots=True)
class FactRequest(Generic[F]):
    """A validated request for the engine: the fact's type and its fields but for `at`."""

    fact_type: type[F]
    fields: Mapping[str, Any]

    def build(self, at: float) -> F:
        """The fact, happening at `at`."""
        return self.fact_type(at=at, **self.fields)


@dataclass(frozen=True, slots=True)
class TranscribeRequest:
    """POST .../recordings/{id}/transcription (`TranscribeRecording`, spec §5.8)."""

    callback: Callback | None
    callback_timeout_s: float = DEFAULT_CALLBACK_TIMEOUT_S
    tag: str | None = None
    detect_language: bool = False


# ---- bodies ------------------------------------------------------------------------------


def media_type(content_type: str | None) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def json_fields(content_type: str | None, body: bytes) -> Fields:
    """A JSON object body (415 unless its Content-Type is JSON, 400 when it is not valid)."""
    kind = media_type(content_type)
    if kind != JSON_MEDIA_TYPE and not kind.endswith("+json"):
        raise UnsupportedMediaTypeError(
            f"Content type '{content_type or ''}' not supported: send {JSON_MEDIA_TYPE}"
        )
    return Fields.of(parse_json(body))


def bxml_text(content_type: str | None, body: bytes) -> str:
    """A BXML body (415 unless its Content-Type is XML); the engine checks the document."""
    if media_type(content_type) not in XML_MEDIA_TYPES:
        raise UnsupportedMediaTypeError(
            f"Content type '{content_type or ''}' not supported: send BXML as application/xml"
        )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestValidationError(f"Invalid BXML: the body is not UTF-8 ({exc})") from None


# ---- calls -------------------------------------------------------------------------------


def callback(
    fields: Fields,
    url: str,
    method: str,
    *,
    fallback_url: str | None = None,
    fallback_method: str | None = None,
    username: str = "username",
    password: str = "password",
    fallback_username: str = "fallbackUsername",
    fallback_password: str = "fallbackPassword",
    relative: bool = False,
) -> Callback | None:
    """Bandwidth's `xUrl`/`xMethod`/`xFallbackUrl`/... group as a Callback (None without URL)."""
    primary = fields.url(url, relative=relative)
    main_method = fields.method(method, url)
    fallback = fields.url(fallback_url, relative=relative) if fallback_url else None
    fb_method = "POST"
    if fallback_method is not None:
        fb_method = fields.method(fallback_method, fallback_url or url)
    user, secret = fields.credential(username), fields.credential(password)
    fb_user, fb_secret = fields.credential(fallback_username), fields.credential(fallback_password)
    if primary is None:
        return None
    return Callback(
        url=primary,
        method=main_method,
        username=user,
        password=secret,
        fallback_url=fallback,
        fallback_method=fb_method,
        fallback_username=fb_user,
        fallback_password=fb_secret,
    )


def outbound_call(fields: Fields) -> OutboundCallRequest:
    """POST /accounts/{accountId}/calls (spec §5.3)."""
    if not all(fields.has(key) and fields.get(key) != "" for key in REQUIRED_CALL_FIELDS):
        raise RequestValidationError(
            "Missing at least one required field. Required fields are "
            f"[{', '.join(REQUIRED_CALL_FIELDS)}]"
        )
    to = phone_number(fields, "to", sip=True)
    from_ = phone_number(fields, "from")
    application_id = fields.string("applicationId")
    answer = callback(
        fields,
        "answerUrl",
        "answerMethod",
        fallback_url="answerFallbackUrl",
        fallback_method="answerFallbackMethod",
    )
    disconnect_url = fields.url("disconnectUrl")
    disconnect_method = fields.method("disconnectMethod", "disconnectUrl")
    privacy = fields.boolean("privacy")
    assert application_id is not None, "required fields are checked first"
    assert answer is not None, "required fields are checked first"
    return OutboundCallRequest(
        to=to,
        from_=from_,
        application_id=application_id,
        answer=answer,
        disconnect=Callback(disconnect_url, disconnect_method) if disconnect_url else None,
        call_timeout_s=fields.number(
            "callTimeout", default=DEFAULT_CALL_TIMEOUT_S, low=1, high=300
        ),
        callback_timeout_s=fields.number(
            "callbackTimeout", default=DEFAULT_CALLBACK_TIMEOUT_S, low=1, high=25
        ),
        machine_detection=machine_detection(fields.nested("machineDetection")),
        tag=fields.string("tag", max_length=MAX_TAG_LENGTH),
        priority=fields.integer("priority", default=5, low=1, high=5),
        privacy=privacy,
        display_name=display_name(fields, privacy=bool(privacy)),
        uui=uui(fields),
    )


def machine_detection(fields: Fields | None) -> MachineDetection | None:
    """The `machineDetection` object (spec §5.3); its timings are non-negative seconds."""
    if fields is None:
        return None
    mode = fields.choice("mode", [m.value for m in MachineDetectionMode], "async")

    def seconds(key: str, default: float) -> float:
        return fields.number(key, default=default, low=0, high=None)

    speech_end = seconds("speechEndThreshold", 5.0)
    return MachineDetection(
        mode=MachineDetectionMode(mode),
        detection_timeout_s=seconds("detectionTimeout", 15.0),
        silence_timeout_s=seconds("silenceTimeout", 10.0),
        speech_threshold_s=seconds("speechThreshold", 10.0),
        speech_end_threshold_s=speech_end,
        machine_speech_end_threshold_s=(
            seconds("machineSpeechEndThreshold", speech_end)
            if fields.has("machineSpeechEndThreshold")
            else None
        ),
        delay_result=bool(fields.boolean("delayResult")),
        callback=callback(
            fields,
            "callbackUrl",
            "callbackMethod",
            fallback_url="fallbackUrl",
            fallback_method="fallbackMethod",
        ),
    )


def display_name(fields: Fields, *, privacy: bool) -> str | None:
    """`displayName`: ≤256 characters, no control characters; with privacy, a private word."""
    name = fields.string("displayName", max_length=MAX_DISPLAY_NAME_LENGTH)
    if name is None:
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        raise fields.invalid("displayName", "must not contain control characters")
    if privacy and name not in PRIVATE_DISPLAY_NAMES:
        raise fields.invalid(
            "displayName",
            f"with privacy it must be one of [{', '.join(PRIVATE_DISPLAY_NAMES)}]",
        )
    return name


def uui(fields: Fields) -> str | None:
    """`uui`: comma-separated values, each `value;encoding=jwt|base64|hex`, ≤350 in all."""
    value = fields.string("uui", max_length=MAX_UUI_LENGTH)
    if value is None:
        return None
    for part in value.split(","):
        _, _, encoding = part.strip().partition(";encoding=")
        if encoding.lower() not in UUI_ENCODINGS:
            raise fields.invalid(
                "uui",
                f"each value must end with ;encoding= one of [{', '.join(UUI_ENCODINGS)}], "
                f"but {part.strip()!r} does not",
            )
    return value


def redirect_callback(fields: Fields) -> Callback | None:
    """The `redirectUrl` family of a call or conference update (None without a redirectUrl).

    A relative URL is kept: the engine resolves it against the URL of the current BXML (spec §9).
    """
    return callback(
        fields,
        "redirectUrl",
        "redirectMethod",
        fallback_url="redirectFallbackUrl",
        fallback_method="redirectFallbackMethod",
        relative=True,
    )


def call_update(call_id: str, fields: Fields) -> FactRequest[f.CallUpdateRequested]:
    """POST /calls/{callId} (spec §5.6): redirect (`active`) or hang up (`completed`)."""
    state = fields.choice("state", ["active", "completed"], "active")
    if state == "completed":
        # The SDK sends redirectMethod/redirectFallbackMethod defaults even here: accepted.
        fields.not_allowed(["redirectUrl", "redirectFallbackUrl", "tag"], "state is completed")
        return FactRequest(f.CallUpdateRequested, {"call_id": call_id, "state": state})
    if not fields.has("redirectUrl"):
        if fields.has("tag"):
            # Setting only the tag (spec §4.4). The SDK always sends state=active with it.
            tag_only = fields.string("tag", max_length=MAX_TAG_LENGTH)
            return FactRequest(
                f.CallUpdateRequested,
                {"call_id": call_id, "state": state, "tag": tag_only, "set_tag": True},
            )
        raise RequestValidationError(
            "Missing required field: redirectUrl is required when state is active",
            field="redirectUrl",
        )
    redirect = redirect_callback(fields)
    set_tag = fields.has("tag")  # "" clears the tag
    tag = fields.string("tag", max_length=MAX_TAG_LENGTH)
    return FactRequest(
        f.CallUpdateRequested,
        {"call_id": call_id, "state": state, "redirect": redirect, "tag": tag, "set_tag": set_tag},
    )


def call_bxml(call_id: str, text: str) -> FactRequest[f.CallBxmlReplaced]:
    """PUT /calls/{callId}/bxml (spec §5.7); the engine parses it (BxmlError: 400)."""
    return FactRequest(f.CallBxmlReplaced, {"call_id": call_id, "bxml": text})


def recording_state(call_id: str, fields: Fields) -> FactRequest[f.RecordingStateRequested]:
    """PUT /calls/{callId}/recording `{"state": "paused" | "recording"}` (spec §5.8)."""
    if not fields.has("state"):
        raise RequestValidationError("Missing required field: state", field="state")
    state = fields.choice("state", ["paused", "recording"], "recording")
    return FactRequest(
        f.RecordingStateRequested,
        {"call_id": call_id, "state": cast(Literal["paused", "recording"], state)},
    )


def transcribe(fields: Fields) -> TranscribeRequest:
    """POST .../recordings/{recordingId}/transcription (`TranscribeRecording`, spec §5.8)."""
    return TranscribeRequest(
        callback=callback(fields, "callbackUrl", "callbackMethod"),
        callback_timeout_s=fields.number(
            "callbackTimeout", default=DEFAULT_CALLBACK_TIMEOUT_S, low=1, high=25
        ),
        tag=fields.string("tag", max_length=MAX_TAG_LENGTH),
        detect_language=bool(fields.boolean("detectLanguage")),
    )


# ---- conferences -------------------------------------------------------------------------


def conference_update(
    conference_id: str, fields: Fields
) -> FactRequest[f.ConferenceUpdateRequested]:
    """POST /conferences/{conferenceId} (`UpdateConference`, spec §5.9; the field is `status`)."""
    status = fields.choice("status", ["active", "completed"], "active")
    if status == "completed":
        fields.not_allowed(["redirectUrl", "redirectFallbackUrl"], "status is completed")
        return FactRequest(
            f.ConferenceUpdateRequested, {"conference_id": conference_id, "status": status}
        )
    if not fields.has("redirectUrl"):
        raise RequestValidationError(
            "Missing required field: redirectUrl is required when status is active",
            field="redirectUrl",
        )
    redirect = redirect_callback(fields)
    return FactRequest(
        f.ConferenceUpdateRequested,
        {"conference_id": conference_id, "status": status, "redirect": redirect},
    )


def conference_bxml(conference_id: str, text: str) -> FactRequest[f.ConferenceBxmlReplaced]:
    """PUT /conferences/{conferenceId}/bxml; the engine parses it (BxmlError: 400)."""
    return FactRequest(f.ConferenceBxmlReplaced, {"conference_id": conference_id, "bxml": text})


def member_update(
    conference_id: str, call_id: str, fields: Fields
) -> FactRequest[f.ConferenceMemberUpdateRequested]:
    """PUT /conferences/{id}/members/{callId}: `mute`, `hold`, `callIdsToCoach`; absent: kept."""
    return FactRequest(
        f.ConferenceMemberUpdateRequested,
        {
            "conference_id": conference_id,
            "call_id": call_id,
            "mute": fields.boolean("mute"),
            "hold": fields.boolean("hold"),
            "call_ids_to_coach": fields.string_list("callIdsToCoach"),
        },
    )
