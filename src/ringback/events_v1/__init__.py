"""The v1 voice callback events (spec bandwidth-v1.md §3.2), typed, with their two wire forms.

One model per `eventType`; the fields are exactly those of §3.2, in the order of the spec's
example payloads (`eventType` first), absent optional fields omitted. A reject is a `hangup`
with `cause: CALL_REJECTED` (there is no `reject` event). Times are whole-second UTC
(`2017-06-08T02:43:45Z`, §8 #1).

    to_json(event)   # the POST body
    to_query(event)  # the GET form: the same names as query parameters, booleans as
                     # `true`/`false`, a nested object (`diversion`) as a JSON string (§4.1)

Pure: no I/O, no clock.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec


class V1Event(
    msgspec.Struct,
    kw_only=True,
    frozen=True,
    omit_defaults=True,
    rename="camel",
    tag_field="eventType",
):
    """The base of every v1 event; `eventType` is the class's tag, always sent first."""

    @property
    def event_type(self) -> str:
        """The `eventType` on the wire."""
        return str(self.__struct_config__.tag)

    def to_wire(self) -> dict[str, Any]:
        """The JSON object, as Python builtins, in wire order."""
        wire: dict[str, Any] = msgspec.to_builtins(self)
        return wire


class IncomingCall(V1Event, tag="incomingcall", kw_only=True, frozen=True):
    """A call arrived at a number routed to the application."""

    from_: str = msgspec.field(name="from")
    to: str
    call_id: str
    call_uri: str
    call_state: str
    application_id: str
    time: str
    display_name: str | None = None
    withhold_caller_number: bool | None = None
    withhold_caller_name: bool | None = None


class Answer(V1Event, tag="answer", kw_only=True, frozen=True):
    """The call was answered."""

    from_: str = msgspec.field(name="from")
    to: str
    call_id: str
    call_uri: str
    call_state: str
    time: str
    application_id: str | None = None
    tag: str | None = None


class Hangup(V1Event, tag="hangup", kw_only=True, frozen=True):
    """The call ended (a reject is a hangup with `CALL_REJECTED`)."""

    from_: str = msgspec.field(name="from")
    to: str
    call_id: str
    call_uri: str
    call_state: str
    cause: str
    time: str
    tag: str | None = None


class Timeout(V1Event, tag="timeout", kw_only=True, frozen=True):
    """An outbound call was not answered within `callTimeout`."""

    from_: str = msgspec.field(name="from")
    to: str
    call_id: str
    call_uri: str
    time: str
    tag: str | None = None


class Playback(V1Event, tag="playback", kw_only=True, frozen=True):
    """An audio file started or finished playing on the call."""

    call_id: str
    call_uri: str
    status: str
    time: str
    tag: str | None = None


class Speak(V1Event, tag="speak", kw_only=True, frozen=True):
    """Text-to-speech started or finished: `status` and the older `state` both (§8 #7)."""

    call_id: str
    call_uri: str
    status: str
    state: str
    type: str
    time: str
    tag: str | None = None


class Dtmf(V1Event, tag="dtmf", kw_only=True, frozen=True):
    """One key pressed by the far end; `dtmfDuration` is a string of milliseconds."""

    call_id: str
    call_uri: str
    dtmf_digit: str
    dtmf_duration: str
    time: str
    tag: str | None = None


class Gather(V1Event, tag="gather", kw_only=True, frozen=True):
    """A gather completed; no `reason` when the application stopped it (spec §2.1 choice)."""

    reason: str | None = None
    state: str
    digits: str
    time: str
    call_id: str
    gather_id: str
    tag: str | None = None


class Recording(V1Event, tag="recording", kw_only=True, frozen=True):
    """A recording was saved (or failed): `status` and `state` both (§8 #8); no `time`."""

    call_id: str
    recording_id: str
    recording_uri: str
    status: str
    state: str
    start_time: str
    end_time: str


class Transcription(V1Event, tag="transcription", kw_only=True, frozen=True):
    """A transcription finished; on error only the ids and `state`/`status`."""

    transcription_uri: str | None = None
    text_size: int | None = None
    text: str | None = None
    status: str
    text_url: str | None = None
    recording_id: str
    state: str
    transcription_id: str


class Conference(V1Event, tag="conference", kw_only=True, frozen=True):
    """A conference was created or completed; no `time`."""

    conference_id: str
    conference_uri: str
    status: str
    created_time: str
    completed_time: str | None = None
    tag: str | None = None


class ConferenceMember(V1Event, tag="conference-member", kw_only=True, frozen=True):
    """A member joined, left, or was muted or held; `activeMembers` counts after the change."""

    active_members: int
    call_id: str
    conference_id: str
    hold: bool
    member_id: str
    member_uri: str
    mute: bool
    state: str
    time: str
    tag: str | None = None


class ConferencePlayback(V1Event, tag="conference-playback", kw_only=True, frozen=True):
    """Audio started or finished playing to a whole conference."""

    conference_id: str
    conference_uri: str
    status: str
    time: str
    tag: str | None = None


class ConferenceSpeak(V1Event, tag="conference-speak", kw_only=True, frozen=True):
    """Text-to-speech started or finished in a whole conference."""

    conference_id: str
    conference_uri: str
    status: str
    time: str
    tag: str | None = None


EVENT_CLASSES: Final[tuple[type[V1Event], ...]] = (
    IncomingCall,
    Answer,
    Hangup,
    Timeout,
    Playback,
    Speak,
    Dtmf,
    Gather,
    Recording,
    Transcription,
    Conference,
    ConferenceMember,
    ConferencePlayback,
    ConferenceSpeak,
)
_ENCODER: Final = msgspec.json.Encoder()


def to_json(event: V1Event) -> bytes:
    """The JSON body of a v1 callback."""
    return _ENCODER.encode(event)


def to_wire(event: V1Event) -> dict[str, Any]:
    """The JSON object, as Python builtins, in wire order."""
    return event.to_wire()


def to_query(event: V1Event) -> list[tuple[str, str]]:
    """The GET form: one pair per field, in wire order."""
    pairs: list[tuple[str, str]] = []
    for key, value in to_wire(event).items():
        if isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        elif isinstance(value, dict | list):
            pairs.append((key, msgspec.json.encode(value).decode()))
        else:
            pairs.append((key, str(value)))
    return pairs


def v1_timestamp(iso: str) -> str:
    """`2017-06-08T02:43:45.123Z` (the engine's form) → `2017-06-08T02:43:45Z`."""
    return iso[:19] + "Z"


__all__ = [
    "EVENT_CLASSES",
    "Answer",
    "Conference",
    "ConferenceMember",
    "ConferencePlayback",
    "ConferenceSpeak",
    "Dtmf",
    "Gather",
    "Hangup",
    "IncomingCall",
    "Playback",
    "Recording",
    "Speak",
    "Timeout",
    "Transcription",
    "V1Event",
    "to_json",
    "to_query",
    "to_wire",
    "v1_timestamp",
]
