"""What v1 REST requests ask of the engine (v1 spec §2), validated by `ringback.api.v1`.

Each is a command fed through one fact, `V1CommandRequested`; `ringback.engine.v1.commands`
performs it with the engine's shared machinery (dialing, verbs, recordings, bridges).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ringback.engine.requests import Callback
from ringback.phones.script import SILENT_PHONE, PhoneScript

DEFAULT_CALL_TIMEOUT_S = 60.0
DEFAULT_CALLBACK_TIMEOUT_S = 10.0
DEFAULT_RECORDING_MAX_S = 3600.0


@dataclass(frozen=True, slots=True)
class Events:
    """Where a v1 call's (or conference's) events go; no callback: none are sent."""

    callback: Callback | None = None
    timeout_s: float = DEFAULT_CALLBACK_TIMEOUT_S


@dataclass(frozen=True, slots=True)
class Recording:
    """A call's recording settings (`recordingEnabled`, format, limit, `transcriptionEnabled`)."""

    enabled: bool = False
    file_format: str = "wav"
    max_duration_s: float = DEFAULT_RECORDING_MAX_S
    transcribe: bool = False


@dataclass(frozen=True, slots=True)
class Audio:
    """The body of `/audio`: a sentence or a file; an empty one of either stops it."""

    sentence: str | None = None
    file_url: str | None = None
    gender: str = "female"
    locale: str = "en_US"
    voice: str | None = None
    loop: bool = False
    tag: str | None = None

    @property
    def stops(self) -> bool:
        """`sentence: ""` or `fileUrl: ""`: stop what plays."""
        return self.sentence == "" or self.file_url == ""


@dataclass(frozen=True, slots=True)
class PlaceCall:
    """POST /calls."""

    call_id: str
    from_: str
    to: str
    events: Events = field(default_factory=Events)
    call_timeout_s: float = DEFAULT_CALL_TIMEOUT_S
    recording: Recording = field(default_factory=Recording)
    tag: str | None = None
    conference_id: str | None = None
    bridge_id: str | None = None
    phone: PhoneScript | None = None  # the callee's script; None: the number's registered phone


@dataclass(frozen=True, slots=True)
class ReceiveCall:
    """An inbound call to a number routed to a v1 application."""

    call_id: str
    from_: str
    to: str
    application_id: str
    events: Events
    auto_answer: bool = True
    caller: PhoneScript = SILENT_PHONE


@dataclass(frozen=True, slots=True)
class Transfer:
    """`state: transferring`: the B-leg's number, caller id, events and whisper."""

    new_call_id: str
    to: str
    caller_id: str | None = None
    events: Events = field(default_factory=Events)
    whisper: Audio | None = None


@dataclass(frozen=True, slots=True)
class UpdateCall:
    """POST /calls/{id}: None leaves a setting as it is."""

    call_id: str
    state: str | None = None
    events: Events | None = None
    recording_enabled: bool | None = None
    recording_file_format: str | None = None
    recording_max_duration_s: float | None = None
    transfer: Transfer | None = None


@dataclass(frozen=True, slots=True)
class PlayAudio:
    """POST /calls/{id}/audio."""

    call_id: str
    audio: Audio


@dataclass(frozen=True, slots=True)
class SendDigits:
    """POST /calls/{id}/dtmf."""

    call_id: str
    digits: str


@dataclass(frozen=True, slots=True)
class StartGather:
    """POST /calls/{id}/gather."""

    call_id: str
    gather_id: str
    max_digits: int = 128
    inter_digit_timeout_s: float = 5.0
    terminating_digits: str = "#"
    tag: str | None = None
    prompt: Audio | None = None


@dataclass(frozen=True, slots=True)
class StopGather:
    """POST /calls/{id}/gather/{gatherId} `{"state": "completed"}`."""

    call_id: str
    gather_id: str


@dataclass(frozen=True, slots=True)
class Transcribe:
    """POST /recordings/{id}/transcriptions: transcribe a complete recording now."""

    recording_id: str
    transcription_id: str


@dataclass(frozen=True, slots=True)
class CreateConference:
    """POST /conferences."""

    conference_id: str
    from_: str
    events: Events = field(default_factory=Events)
    profile: str = "interpret_digits"
    tag: str | None = None


@dataclass(frozen=True, slots=True)
class UpdateConference:
    """POST /conferences/{id}: None leaves a setting as it is."""

    conference_id: str
    state: str | None = None
    hold: bool | None = None
    mute: bool | None = None
    events: Events | None = None
    tag: str | None = None


@dataclass(frozen=True, slots=True)
class ConferenceAudio:
    """POST /conferences/{id}/audio."""

    conference_id: str
    audio: Audio


@dataclass(frozen=True, slots=True)
class AddMember:
    """POST /conferences/{id}/members."""

    conference_id: str
    member_id: str
    call_id: str
    join_tone: bool = False
    leaving_tone: bool = False
    mute: bool = False
    hold: bool = False


@dataclass(frozen=True, slots=True)
class UpdateMember:
    """POST /conferences/{id}/members/{memberId}."""

    conference_id: str
    member_id: str
    state: str | None = None
    mute: bool | None = None
    hold: bool | None = None
    join_tone: bool | None = None
    leaving_tone: bool | None = None


@dataclass(frozen=True, slots=True)
class MemberAudio:
    """POST /conferences/{id}/members/{memberId}/audio."""

    conference_id: str
    member_id: str
    audio: Audio


@dataclass(frozen=True, slots=True)
class CreateBridge:
    """POST /bridges."""

    bridge_id: str
    call_ids: tuple[str, ...]
    bridge_audio: bool = True


@dataclass(frozen=True, slots=True)
class UpdateBridge:
    """POST /bridges/{id}."""

    bridge_id: str
    call_ids: tuple[str, ...] | None = None
    bridge_audio: bool | None = None


@dataclass(frozen=True, slots=True)
class BridgeAudio:
    """POST /bridges/{id}/audio."""

    bridge_id: str
    audio: Audio


Command = (
    PlaceCall
    | ReceiveCall
    | UpdateCall
    | PlayAudio
    | SendDigits
    | StartGather
    | StopGather
    | Transcribe
    | CreateConference
    | UpdateConference
    | ConferenceAudio
    | AddMember
    | UpdateMember
    | MemberAudio
    | CreateBridge
    | UpdateBridge
    | BridgeAudio
)
