"""What callers ask of the engine: outbound calls, applications for inbound calls, callback targets.

These mirror Bandwidth's REST bodies (spec §5.3) and application settings (spec §3.5) in Python
form. The REST layer validates the wire form; the engine trusts these values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ringback.phones.script import PhoneScript

DEFAULT_CALLBACK_TIMEOUT_S = 15.0
DEFAULT_CALL_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class Callback:
    """Where a webhook goes: Bandwidth's `xUrl`/`xMethod`/`xFallbackUrl`/... pattern (spec §4.5)."""

    url: str
    method: str = "POST"
    username: str | None = None
    password: str | None = None
    fallback_url: str | None = None
    fallback_method: str = "POST"
    fallback_username: str | None = None
    fallback_password: str | None = None


class MachineDetectionMode(StrEnum):
    """`sync`: detect before `answer`; `async`: `answer` at once, result as its own event."""

    SYNC = "sync"
    ASYNC = "async"


@dataclass(frozen=True, slots=True)
class MachineDetection:
    """The `machineDetection` object of POST /calls (spec §5.3)."""

    mode: MachineDetectionMode = MachineDetectionMode.ASYNC
    detection_timeout_s: float = 15.0
    silence_timeout_s: float = 10.0
    speech_threshold_s: float = 10.0
    speech_end_threshold_s: float = 5.0
    machine_speech_end_threshold_s: float | None = None
    delay_result: bool = False
    callback: Callback | None = None


@dataclass(frozen=True, slots=True)
class OutboundCallRequest:
    """POST /accounts/{accountId}/calls, validated."""

    to: str
    from_: str
    application_id: str
    answer: Callback
    disconnect: Callback | None = None
    call_timeout_s: float = DEFAULT_CALL_TIMEOUT_S
    callback_timeout_s: float = DEFAULT_CALLBACK_TIMEOUT_S
    machine_detection: MachineDetection | None = None
    tag: str | None = None
    priority: int = 5
    privacy: bool | None = None
    display_name: str | None = None
    uui: str | None = None
    phone: PhoneScript | None = None  # the callee's script; None: the number's registered phone


@dataclass(frozen=True, slots=True)
class Application:
    """A voice application for inbound calls (Bandwidth's Voice-V2 application, spec §3.5)."""

    application_id: str
    call_initiated: Callback
    call_status: Callback | None = None
    callback_timeout_s: float = DEFAULT_CALLBACK_TIMEOUT_S


@dataclass(frozen=True, slots=True)
class InboundCallRequest:
    """A call arriving at one of the application's numbers; `caller` is the far end's script."""

    from_: str
    to: str
    application: Application
    caller: PhoneScript = field(default_factory=PhoneScript)
