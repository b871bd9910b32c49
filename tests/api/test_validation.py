"""Request bodies: what the SDK sends is accepted; each bad field gets Bandwidth's message."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import bandwidth
import pytest

from ringback.api import validation
from ringback.api.fields import Fields
from ringback.engine import facts as f
from ringback.engine.requests import (
    Callback,
    MachineDetection,
    MachineDetectionMode,
    OutboundCallRequest,
)
from ringback.errors import RequestValidationError, UnsupportedMediaTypeError

CALL_ID = "c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85"
CONF_ID = "conf-fe23a767-a75a5b77-20c5-4cca-b581-cbbf0776eca9"


def sdk_body(model: Any) -> dict[str, Any]:
    """The JSON body the official SDK sends for a request model."""
    body: dict[str, Any] = json.loads(model.to_json())
    return body


def create_body(**changes: Any) -> dict[str, Any]:
    """The SDK's POST /calls body with some fields changed (None removes one)."""
    body = sdk_body(
        bandwidth.CreateCall(
            to="+15551234567",
            var_from="+15557654321",
            application_id="app-1",
            answer_url="https://app.example/answer",
        )
    )
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def refusal(body: Any, parse: Any = validation.outbound_call) -> str:
    """The description of the 400 a body gets."""
    with pytest.raises(RequestValidationError) as caught:
        parse(Fields.of(body))
    assert caught.value.status == 400
    assert caught.value.error_type == "validation"
    return caught.value.description


def test_validation_sdk_create_call_becomes_outbound_request() -> None:
    """The SDK's minimal create_call body, with its explicit defaults, is Bandwidth's defaults."""
    request = validation.outbound_call(Fields.of(create_body()))
    assert request == OutboundCallRequest(
        to="+15551234567",
        from_="+15557654321",
        application_id="app-1",
        answer=Callback("https://app.example/answer"),
    )


def test_validation_sdk_create_call_with_every_field() -> None:
    """Every field of the SDK's CreateCall lands in the engine's request."""
    model = bandwidth.CreateCall(
        to="sip:alice@example.com",
        var_from="+15557654321",
        application_id="app-1",
        answer_url="https://app.example/answer",
        answer_method="GET",
        username="u",
        password="p",
        answer_fallback_url="https://fallback.example/answer",
        answer_fallback_method="GET",
        fallback_username="fu",
        fallback_password="fp",
        disconnect_url="https://app.example/disconnect",
        disconnect_method="GET",
        call_timeout=12.5,
        callback_timeout=3,
        machine_detection=bandwidth.MachineDetectionConfiguration(
            mode="sync",
            detection_timeout=5,
            callback_url="https://app.example/amd",
            machine_speech_end_threshold=2,
        ),
        priority=1,
        tag="t" * 4096,
        privacy=True,
        display_name="Anonymous",
        uui="abc;encoding=base64,def;encoding=hex",
    )
    request = validation.outbound_call(Fields.of(sdk_body(model)))
    assert request == OutboundCallRequest(
        to="sip:alice@example.com",
        from_="+15557654321",
        application_id="app-1",
        answer=Callback(
            "https://app.example/answer",
            "GET",
            "u",
            "p",
            "https://fallback.example/answer",
            "GET",
            "fu",
            "fp",
        ),
        disconnect=Callback("https://app.example/disconnect", "GET"),
        call_timeout_s=12.5,
        callback_timeout_s=3.0,
        machine_detection=MachineDetection(
            mode=MachineDetectionMode.SYNC,
            detection_timeout_s=5.0,
            machine_speech_end_threshold_s=2.0,
            callback=Callback("https://app.example/amd"),
        ),
        tag="t" * 4096,
        priority=1,
        privacy=True,
        display_name="Anonymous",
        uui="abc;encoding=base64,def;encoding=hex",
    )


REQUIRED = (
    "Missing at least one required field. Required fields are [from, to, answerUrl, applicationId]"
)
BAD_CREATE_CALL = [
    ({"to": None}, REQUIRED),
    ({"from": None}, REQUIRED),
    ({"answerUrl": None}, REQUIRED),
    ({"applicationId": ""}, REQUIRED),
    ({"to": "5551234567"}, "Invalid to: must be an E164 telephone number"),
    ({"to": "+0551234567"}, "Invalid to: must be an E164 telephone number"),
    ({"to": 15551234567}, "Invalid to: must be a string, but was 15551234567"),
    ({"from": "Private"}, "Invalid from: must be an E164 telephone number"),
    ({"from": "sip:a@b.example"}, "Invalid from: must be an E164 telephone number"),
    ({"callTimeout": 400}, "callTimeout must be within the range [1, 300], but was 400"),
    ({"callTimeout": 0.5}, "callTimeout must be within the range [1, 300], but was 0.5"),
    ({"callTimeout": "30"}, 'Invalid callTimeout: must be a number, but was "30"'),
    ({"callTimeout": True}, "Invalid callTimeout: must be a number, but was true"),
    ({"callbackTimeout": 26}, "callbackTimeout must be within the range [1, 25], but was 26"),
    ({"priority": 0}, "priority must be within the range [1, 5], but was 0"),
    ({"priority": 2.5}, "Invalid priority: must be a whole number, but was 2.5"),
    ({"answerUrl": "ftp://app.example/a"}, "Invalid answerUrl: only http and https are allowed"),
    ({"answerUrl": "/answer"}, "Invalid answerUrl: only http and https are allowed"),
    ({"answerUrl": "https:///answer"}, 'Invalid answerUrl: the URL has no host: "https:///answer"'),
    (
        {"answerUrl": "https://a.example/" + "x" * 2031},
        "answerUrl must contain at most 2048 characters, but had 2049",
    ),
    ({"answerMethod": "PUT"}, "Invalid answerUrl method. Supported methods: [POST, GET]"),
    (
        {"answerFallbackMethod": "DELETE"},
        "Invalid answerFallbackUrl method. Supported methods: [POST, GET]",
    ),
    ({"disconnectMethod": 1}, "Invalid disconnectUrl method. Supported methods: [POST, GET]"),
    ({"disconnectUrl": "mailto:x@y.z"}, "Invalid disconnectUrl: only http and https are allowed"),
    ({"tag": "t" * 4097}, "tag must contain at most 4096 characters, but had 4097"),
    ({"username": "u" * 1025}, "username must contain at most 1024 characters, but had 1025"),
    ({"fallbackPassword": 7}, "Invalid fallbackPassword: must be a string, but was 7"),
    ({"privacy": "yes"}, 'Invalid privacy: must be true or false, but was "yes"'),
    ({"displayName": "a\nb"}, "Invalid displayName: must not contain control characters"),
    ({"displayName": "d" * 257}, "displayName must contain at most 256 characters, but had 257"),
    (
        {"privacy": True, "displayName": "Alice"},
        "Invalid displayName: with privacy it must be one of "
        "[Restricted, Anonymous, Private, Unavailable]",
    ),
    (
        {"uui": "abc"},
        "Invalid uui: each value must end with ;encoding= one of [jwt, base64, hex], "
        "but 'abc' does not",
    ),
    ({"uui": "a;encoding=hex," * 30}, "uui must contain at most 350 characters, but had 450"),
    ({"machineDetection": "yes"}, "Invalid machineDetection: must be an object, but was a string"),
    (
        {"machineDetection": {"mode": "later"}},
        'Invalid machineDetection.mode: must be one of [sync, async], but was "later"',
    ),
    (
        {"machineDetection": {"detectionTimeout": -1}},
        "machineDetection.detectionTimeout must be at least 0, but was -1",
    ),
    (
        {"machineDetection": {"callbackUrl": "https://a.example/x", "callbackMethod": "PUT"}},
        "Invalid machineDetection.callbackUrl method. Supported methods: [POST, GET]",
    ),
    (
        {"machineDetection": {"callbackUrl": "ws://a.example/x"}},
        "Invalid machineDetection.callbackUrl: only http and https are allowed",
    ),
]


@pytest.mark.parametrize(("changes", "description"), BAD_CREATE_CALL)
def test_validation_create_call_bad_field(changes: dict[str, Any], description: str) -> None:
    """Each bad POST /calls field is a 400 `validation` whose description names it."""
    assert refusal(create_body(**changes)) == description


def test_validation_create_call_field_is_named() -> None:
    """The error carries the offending field's name (nested ones with their path)."""
    with pytest.raises(RequestValidationError) as caught:
        validation.outbound_call(Fields.of(create_body(machineDetection={"mode": 1})))
    assert caught.value.field == "machineDetection.mode"


def test_validation_json_body_requires_json_content_type() -> None:
    """A body that is not application/json is 415, naming the type sent."""
    with pytest.raises(UnsupportedMediaTypeError) as caught:
        validation.json_fields("text/plain;charset=UTF-8", b"{}")
    assert caught.value.status == 415
    assert caught.value.description == (
        "Content type 'text/plain;charset=UTF-8' not supported: send application/json"
    )


def test_validation_json_body_accepts_charset() -> None:
    """`application/json; charset=utf-8` is JSON."""
    fields = validation.json_fields("application/json; charset=utf-8", b'{"a": 1}')
    assert fields.data == {"a": 1}


@pytest.mark.parametrize(
    ("body", "start"),
    [
        (b"{", "The request body is not valid JSON: Expecting property name"),
        (b"", "The request body is not valid JSON: Expecting value: line 1 column 1"),
        (b"\xff", "The request body is not valid JSON: 'utf-8' codec"),
        (b"[1]", "The request body must be a JSON object, but was an array"),
        (b'"x"', "The request body must be a JSON object, but was a string"),
    ],
)
def test_validation_json_body_malformed(body: bytes, start: str) -> None:
    """Malformed JSON, or JSON that is not an object, is a 400 that says why."""
    with pytest.raises(RequestValidationError) as caught:
        validation.json_fields("application/json", body)
    assert caught.value.description.startswith(start)


def test_validation_bxml_body_requires_xml() -> None:
    """PUT .../bxml takes application/xml (or text/xml); JSON is 415."""
    assert validation.bxml_text("application/xml", b"<Bxml/>") == "<Bxml/>"
    assert validation.bxml_text("text/xml; charset=utf-8", b"<Bxml/>") == "<Bxml/>"
    with pytest.raises(UnsupportedMediaTypeError):
        validation.bxml_text("application/json", b"<Bxml/>")


def test_validation_sdk_hangup_accepted_with_default_methods() -> None:
    """The SDK's state=completed body carries redirectMethod defaults: still a hang-up."""
    body = sdk_body(bandwidth.UpdateCall(state=bandwidth.CallStateEnum.COMPLETED))
    assert body["redirectMethod"] == "POST"
    request = validation.call_update(CALL_ID, Fields.of(body))
    assert request.build(1.0) == f.CallUpdateRequested(at=1.0, call_id=CALL_ID, state="completed")


def test_validation_sdk_redirect_becomes_fact() -> None:
    """The SDK's redirect with credentials, fallback and tag becomes CallUpdateRequested."""
    model = bandwidth.UpdateCall(
        redirect_url="https://app.example/next",
        redirect_method="GET",
        username="u",
        password="p",
        redirect_fallback_url="https://fb.example/next",
        tag="",
    )
    request = validation.call_update(CALL_ID, Fields.of(sdk_body(model)))
    assert request.build(2.0) == f.CallUpdateRequested(
        at=2.0,
        call_id=CALL_ID,
        state="active",
        redirect=Callback(
            "https://app.example/next", "GET", "u", "p", "https://fb.example/next", "POST"
        ),
        tag="",
        set_tag=True,
    )


def test_validation_redirect_may_be_relative() -> None:
    """A relative redirectUrl is kept for the engine to resolve against the call's BXML URL."""
    request = validation.call_update(CALL_ID, Fields.of({"redirectUrl": "/next"}))
    assert request.fields["redirect"] == Callback("/next")
    assert request.fields["set_tag"] is False


def test_validation_tag_only_update_sets_the_tag() -> None:
    """UpdateCall(tag=...) as the SDK sends it (state active, no redirect): only the tag changes."""
    body = {
        "state": "active",
        "redirectMethod": "POST",
        "redirectFallbackMethod": "POST",
        "tag": "",
    }
    request = validation.call_update(CALL_ID, Fields.of(body))
    assert request.fields == {"call_id": CALL_ID, "state": "active", "tag": "", "set_tag": True}


BAD_UPDATE_CALL = [
    ({"state": "active"}, "Missing required field: redirectUrl is required when state is active"),
    ({}, "Missing required field: redirectUrl is required when state is active"),
    ({"state": "paused"}, 'Invalid state: must be one of [active, completed], but was "paused"'),
    (
        {"state": "completed", "tag": "x"},
        "tag is not allowed when state is completed",
    ),
    (
        {"state": "completed", "redirectUrl": "https://a.example"},
        "redirectUrl is not allowed when state is completed",
    ),
    (
        {"redirectUrl": "https://a.example", "redirectMethod": "PATCH"},
        "Invalid redirectUrl method. Supported methods: [POST, GET]",
    ),
    (
        {"redirectUrl": "ftp://a.example/x"},
        "Invalid redirectUrl: only http and https are allowed",
    ),
    (
        {"redirectUrl": "https://a.example", "tag": "t" * 4097},
        "tag must contain at most 4096 characters, but had 4097",
    ),
]


@pytest.mark.parametrize(("body", "description"), BAD_UPDATE_CALL)
def test_validation_update_call_bad_field(body: dict[str, Any], description: str) -> None:
    """Each bad POST /calls/{id} body is a 400 naming the field."""
    assert refusal(body, lambda fields: validation.call_update(CALL_ID, fields)) == description


def test_validation_recording_state() -> None:
    """The SDK's UpdateCallRecording becomes RecordingStateRequested; other states are 400."""
    body = sdk_body(bandwidth.UpdateCallRecording(state=bandwidth.RecordingStateEnum.PAUSED))
    request = validation.recording_state(CALL_ID, Fields.of(body))
    assert request.build(0.0) == f.RecordingStateRequested(at=0.0, call_id=CALL_ID, state="paused")
    parse = lambda fields: validation.recording_state(CALL_ID, fields)  # noqa: E731
    assert refusal({}, parse) == "Missing required field: state"
    assert refusal({"state": "stopped"}, parse) == (
        'Invalid state: must be one of [paused, recording], but was "stopped"'
    )


def test_validation_transcribe_request() -> None:
    """The SDK's TranscribeRecording gives the callback, timeout and tag of the webhook."""
    model = bandwidth.TranscribeRecording(
        callback_url="https://app.example/t", username="u", password="p", tag="x"
    )
    request = validation.transcribe(Fields.of(sdk_body(model)))
    assert request == validation.TranscribeRequest(
        callback=Callback("https://app.example/t", "POST", "u", "p"),
        callback_timeout_s=15.0,
        tag="x",
    )
    assert refusal({"callbackTimeout": 0}, validation.transcribe) == (
        "callbackTimeout must be within the range [1, 25], but was 0"
    )


def test_validation_sdk_conference_updates() -> None:
    """The SDK's UpdateConference (field `status`) and UpdateConferenceMember become facts."""
    ended = validation.conference_update(
        CONF_ID, Fields.of(sdk_body(bandwidth.UpdateConference(status="completed")))
    )
    assert ended.build(0.0) == f.ConferenceUpdateRequested(
        at=0.0, conference_id=CONF_ID, status="completed"
    )
    redirected = validation.conference_update(
        CONF_ID, Fields.of(sdk_body(bandwidth.UpdateConference(redirect_url="https://a.example")))
    )
    assert redirected.fields["redirect"] == Callback("https://a.example")
    member = validation.member_update(
        CONF_ID,
        CALL_ID,
        Fields.of(sdk_body(bandwidth.UpdateConferenceMember(mute=True, call_ids_to_coach=[]))),
    )
    assert member.build(0.0) == f.ConferenceMemberUpdateRequested(
        at=0.0, conference_id=CONF_ID, call_id=CALL_ID, mute=True, call_ids_to_coach=()
    )


def test_validation_conference_bad_fields() -> None:
    """Conference bodies name their bad field."""
    update = lambda fields: validation.conference_update(CONF_ID, fields)  # noqa: E731
    member = lambda fields: validation.member_update(CONF_ID, CALL_ID, fields)  # noqa: E731
    assert refusal({"status": "paused"}, update) == (
        'Invalid status: must be one of [active, completed], but was "paused"'
    )
    assert refusal({}, update) == (
        "Missing required field: redirectUrl is required when status is active"
    )
    assert (
        refusal({"mute": "true"}, member) == 'Invalid mute: must be true or false, but was "true"'
    )
    assert refusal({"callIdsToCoach": "c-1"}, member) == (
        'Invalid callIdsToCoach: must be an array of strings, but was "c-1"'
    )


def test_validation_modules_load_no_io_library() -> None:
    """Validation, fields and queries are pure: importing them loads no server or loop module."""
    code = (
        "import json, sys\n"
        "import ringback.api.validation, ringback.api.fields, ringback.api.queries\n"
        "print(json.dumps(sorted(m for m in ['starlette', 'asyncio', 'sqlite3', 'aiohttp', "
        "'uvicorn'] if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
