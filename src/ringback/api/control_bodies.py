"""The control API's request bodies: JSON in, checked values out (pure, no I/O).

Every error is a `RequestValidationError` whose description names the field, with its path for
nested objects (`callbackCreds.userId`), and says what was expected and what came. Unknown keys
are refused too, so that a typo (`callInitiatedUrl`) does not silently do nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from ringback.api.fields import json_kind, show
from ringback.engine.pacing import CallLimits
from ringback.engine.requests import DEFAULT_CALLBACK_TIMEOUT_S, Application, Callback
from ringback.errors import PhoneScriptError, RequestValidationError
from ringback.media.sources import AudioSources
from ringback.phones.script import PhoneScript, Step, parse_script, parse_steps

MIN_CALLBACK_TIMEOUT_S = 1.0
MAX_CALLBACK_TIMEOUT_S = 25.0
MAX_URL_LENGTH = 2048
METHODS = ("POST", "GET")
E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
SIP_URI = re.compile(r"^sips?:[^@\s]+@[^@\s]+$", re.IGNORECASE)
MAX_ADVANCE_S = 366 * 24 * 3600.0  # a year at a time keeps timestamps far from year 9999
MAX_CALLS_PER_SECOND = 100_000.0
MAX_COUNT = 10_000_000  # lines or queued calls: far past what one process holds
ANY_NUMBER = "*"  # PUT /_ringback/numbers/* routes every number without a route of its own

APPLICATION_KEYS = (
    "applicationId",
    "callInitiatedCallbackUrl",
    "callInitiatedMethod",
    "callInitiatedFallbackUrl",
    "callInitiatedFallbackMethod",
    "callStatusCallbackUrl",
    "callStatusMethod",
    "callbackCreds",
    "callInitiatedFallbackCreds",
    "callbackTimeout",
    # Messaging settings (read by ringback.api.control_messages).
    "inboundCallbackUrl",
    "outboundCallbackUrl",
    "inboundCallbackCreds",
    "outboundCallbackCreds",
    "requestedCallbackTypes",
)


def as_object(body: Any, what: str = "The request body") -> Mapping[str, Any]:
    """The body, which must be a JSON object."""
    if not isinstance(body, Mapping):
        raise RequestValidationError(f"{what} must be a JSON object, but was {json_kind(body)}")
    return body


def reject_unknown(data: Mapping[str, Any], allowed: Sequence[str], prefix: str = "") -> None:
    """Refuse keys the endpoint does not know (most likely a typo)."""
    for key in data:
        if key not in allowed:
            raise RequestValidationError(
                f"Unknown field {prefix}{key}; expected one of {', '.join(allowed)}",
                field=f"{prefix}{key}",
            )


def string(data: Mapping[str, Any], key: str, *, required: bool = False, prefix: str = "") -> Any:
    """A string field (None when absent or null, unless required)."""
    value = data.get(key)
    name = f"{prefix}{key}"
    if value is None:
        if required:
            raise RequestValidationError(f"Missing required field {name}", field=name)
        return None
    if not isinstance(value, str) or not value.strip():
        raise RequestValidationError(
            f"Invalid {name}: must be a non-empty string, but was {json_kind(value)}", field=name
        )
    return value


def address(data: Mapping[str, Any], key: str, *, required: bool = False) -> Any:
    """A phone number: E.164 (`+15551234567`) or a SIP URI (`sip:alice@example.com`)."""
    value = string(data, key, required=required)
    if value is not None:
        check_address(value, key)
    return value


def check_address(value: str, name: str) -> None:
    """Refuse a value that is neither an E.164 number nor a SIP URI."""
    if not (E164.match(value) or SIP_URI.match(value)):
        raise RequestValidationError(
            f"Invalid {name}: must be an E164 telephone number or a sip: URI, but was {value!r}",
            field=name,
        )


def url(data: Mapping[str, Any], key: str, *, required: bool = False) -> Any:
    """An absolute http(s) URL."""
    value = string(data, key, required=required)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RequestValidationError(
            f"Invalid {key}: must be an absolute http or https URL, but was {value!r}", field=key
        )
    if len(value) > MAX_URL_LENGTH:
        raise RequestValidationError(
            f"Invalid {key}: must be at most {MAX_URL_LENGTH} characters", field=key
        )
    return value


def method(data: Mapping[str, Any], key: str) -> str:
    """POST (the default) or GET."""
    value = string(data, key)
    if value is None:
        return "POST"
    if value.upper() not in METHODS:
        raise RequestValidationError(
            f"Invalid {key}: supported methods are [POST, GET], but was {value!r}", field=key
        )
    return str(value.upper())


def seconds(
    value: Any, name: str, *, low: float = 0.0, high: float = math.inf, default: float | None = None
) -> float:
    """A number of seconds within [low, high]."""
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RequestValidationError(
            f"Invalid {name}: must be a number of seconds, but was {json_kind(value)}", field=name
        )
    try:
        number = float(value)
    except OverflowError:  # a JSON integer too large for a float
        number = math.inf
    if math.isnan(number):
        raise RequestValidationError(f"Invalid {name}: must be a number, not NaN", field=name)
    if not low <= number <= high:
        bound = f"[{show(low)}, {show(high)}]" if math.isfinite(high) else f"at least {show(low)}"
        raise RequestValidationError(
            f"{name} must be within the range {bound}, but was {show(number)}", field=name
        )
    return number


def credentials(data: Mapping[str, Any], key: str) -> tuple[str | None, str | None]:
    """`{userId, password}` → (username, password); (None, None) when absent."""
    value = data.get(key)
    if value is None:
        return None, None
    creds = as_object(value, f"{key}")
    prefix = f"{key}."
    reject_unknown(creds, ("userId", "password"), prefix)
    user = string(creds, "userId", required=True, prefix=prefix)
    password = string(creds, "password", required=True, prefix=prefix)
    return user, password


# ---- the bodies ----------------------------------------------------------------------------


def read_application(application_id: str, body: Any) -> Application:
    """PUT /_ringback/applications/{applicationId}: Bandwidth's Voice-V2 settings (spec §3.5)."""
    data = as_object(body)
    reject_unknown(data, APPLICATION_KEYS)
    named = string(data, "applicationId")
    if named is not None and named != application_id:
        raise RequestValidationError(
            f"applicationId {named!r} in the body differs from {application_id!r} in the path",
            field="applicationId",
        )
    user, password = credentials(data, "callbackCreds")
    fallback_user, fallback_password = credentials(data, "callInitiatedFallbackCreds")
    initiated = Callback(
        url=url(data, "callInitiatedCallbackUrl", required=True),
        method=method(data, "callInitiatedMethod"),
        username=user,
        password=password,
        fallback_url=url(data, "callInitiatedFallbackUrl"),
        fallback_method=method(data, "callInitiatedFallbackMethod"),
        fallback_username=fallback_user,
        fallback_password=fallback_password,
    )
    status_url = url(data, "callStatusCallbackUrl")
    status = None
    if status_url is not None:
        status = Callback(status_url, method(data, "callStatusMethod"), user, password)
    timeout = seconds(
        data.get("callbackTimeout"),
        "callbackTimeout",
        low=MIN_CALLBACK_TIMEOUT_S,
        high=MAX_CALLBACK_TIMEOUT_S,
        default=DEFAULT_CALLBACK_TIMEOUT_S,
    )
    return Application(application_id, initiated, status, timeout)


def application_settings(app: Application) -> dict[str, Any]:
    """An application in the form PUT takes (GET /_ringback/applications/{id})."""
    initiated, status = app.call_initiated, app.call_status
    return {
        "applicationId": app.application_id,
        "callInitiatedCallbackUrl": initiated.url,
        "callInitiatedMethod": initiated.method,
        "callInitiatedFallbackUrl": initiated.fallback_url,
        "callInitiatedFallbackMethod": initiated.fallback_method,
        "callStatusCallbackUrl": status.url if status else None,
        "callStatusMethod": status.method if status else "POST",
        "callbackCreds": _creds(initiated.username, initiated.password),
        "callInitiatedFallbackCreds": _creds(
            initiated.fallback_username, initiated.fallback_password
        ),
        "callbackTimeout": app.callback_timeout_s,
    }


def _creds(user: str | None, password: str | None) -> dict[str, str | None] | None:
    return None if user is None else {"userId": user, "password": password}


def read_number_route(number: str, body: Any) -> str:
    """PUT /_ringback/numbers/{number}: the application id it routes to."""
    if number != ANY_NUMBER:
        check_address(number, "number")
    data = as_object(body)
    reject_unknown(data, ("applicationId",))
    return str(string(data, "applicationId", required=True))


def read_phone(body: Any, where: str) -> PhoneScript:
    """A phone script; its errors name the step and key (`steps[2].press`)."""
    try:
        return parse_script(as_object(body, "A phone script"))
    except PhoneScriptError as exc:
        raise _script_error(exc, where) from None


def read_steps(body: Any) -> tuple[Step, ...]:
    """POST /_ringback/calls/{callId}/phone: one step or a list of steps."""
    if body is None:
        raise RequestValidationError("The request body must be a step or a list of steps")
    try:
        return parse_steps(body, prefix="step" if isinstance(body, Mapping) else "steps")
    except PhoneScriptError as exc:
        raise _script_error(exc, "") from None


def _script_error(exc: PhoneScriptError, where: str) -> RequestValidationError:
    field = ".".join(part for part in (where, exc.where) if part) or None
    at = f" at {field}" if field else ""
    return RequestValidationError(f"Invalid phone script{at}: {exc.message}", field=field)


@dataclass(frozen=True, slots=True)
class InboundCall:
    """POST /_ringback/calls, checked."""

    from_: str
    to: str
    application_id: str | None
    phone: PhoneScript | None


def read_inbound_call(body: Any) -> InboundCall:
    """POST /_ringback/calls: `{"from", "to", "applicationId"?, "phone"?}`."""
    data = as_object(body)
    reject_unknown(data, ("from", "to", "applicationId", "phone"))
    from_ = address(data, "from", required=True)
    to = address(data, "to", required=True)
    application_id = string(data, "applicationId")
    phone = read_phone(data["phone"], "phone") if data.get("phone") is not None else None
    return InboundCall(from_, to, application_id, phone)


def read_advance(body: Any) -> float:
    """POST /_ringback/clock/advance: `{"seconds": n}`."""
    data = as_object(body)
    reject_unknown(data, ("seconds",))
    if "seconds" not in data:
        raise RequestValidationError("Missing required field seconds", field="seconds")
    return seconds(data["seconds"], "seconds", high=MAX_ADVANCE_S)


def read_call_limits(body: Any, current: CallLimits) -> CallLimits:
    """PUT /_ringback/limits: the account's outbound limits; keys left out keep their value."""
    data = as_object(body)
    reject_unknown(data, ("callsPerSecond", "maxConcurrentCalls", "maxCallQueueSize"))
    cps = current.calls_per_second
    if "callsPerSecond" in data:
        cps = _rate(data["callsPerSecond"], "callsPerSecond")
    lines = current.max_concurrent_calls
    if "maxConcurrentCalls" in data:
        lines = _count(data["maxConcurrentCalls"], "maxConcurrentCalls", low=0)
    queue_size = current.max_call_queue_size
    if "maxCallQueueSize" in data:  # null: back to callsPerSecond x 300
        raw = data["maxCallQueueSize"]
        queue_size = None if raw is None else _count(raw, "maxCallQueueSize", low=1)
    return CallLimits(cps, lines, queue_size)


def call_limits_view(limits: CallLimits, queued: int) -> dict[str, Any]:
    """GET /_ringback/limits: the limits in force and how many calls wait now."""
    return {
        "callsPerSecond": limits.calls_per_second,
        "maxConcurrentCalls": limits.max_concurrent_calls,
        "maxCallQueueSize": limits.queue_capacity,
        "currentCallQueueSize": queued,
    }


def _rate(value: Any, name: str) -> float:
    number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else -1
    if not 0 <= number <= MAX_CALLS_PER_SECOND:  # NaN fails too
        shown = show(number) if number != -1 else json_kind(value)
        raise RequestValidationError(
            f"Invalid {name}: must be a number of calls a second from 0 (no limit) to"
            f" {show(MAX_CALLS_PER_SECOND)}, but was {shown}",
            field=name,
        )
    return number


def _count(value: Any, name: str, *, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_COUNT:
        raise RequestValidationError(
            f"Invalid {name}: must be a whole number from {low} to {MAX_COUNT},"
            f" but was {json_kind(value) if not isinstance(value, int) else value}",
            field=name,
        )
    return value


def read_audio_sources(body: Any, current: AudioSources) -> AudioSources:
    """PUT /_ringback/audio: `files` (URL or prefix ending in / → absolute local path) and
    `fallbackSeconds` (null: unreachable audio ends the call); keys left out keep their value."""
    data = as_object(body)
    reject_unknown(data, ("files", "fallbackSeconds"))
    files = current.files
    if "files" in data:
        mapping = as_object(data["files"], "files")
        files = tuple(_audio_file(url, path) for url, path in mapping.items())
    fallback = current.fallback_s
    if "fallbackSeconds" in data:
        raw = data["fallbackSeconds"]
        fallback = None if raw is None else seconds(raw, "fallbackSeconds", high=3600.0)
    return AudioSources(files, fallback)


def _audio_file(url: str, path: Any) -> tuple[str, str]:
    name = f"files[{url!r}]"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RequestValidationError(f"Invalid {name}: the key must be an http(s) URL", field=name)
    if not isinstance(path, str) or not PurePosixPath(path).is_absolute():
        shown = repr(path) if isinstance(path, str) else json_kind(path)
        raise RequestValidationError(
            f"Invalid {name}: must be an absolute path on the server, but was {shown}", field=name
        )
    return url, path


def audio_sources_view(sources: AudioSources) -> dict[str, Any]:
    """GET /_ringback/audio: the mapping and the fallback in force."""
    return {"files": dict(sources.files), "fallbackSeconds": sources.fallback_s}


def read_timeout(raw: str | None, *, default: float, high: float) -> float:
    """The `timeout` query parameter of /wait, in seconds."""
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise RequestValidationError(
            f"Invalid timeout: must be a number of seconds, but was {raw!r}", field="timeout"
        ) from None
    return seconds(value, "timeout", high=high)
