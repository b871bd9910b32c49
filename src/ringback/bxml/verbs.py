"""The BXML verb model: one frozen dataclass per verb and nested element (spec §4.6).

Class names are the exact XML tags. Fields are snake_case; the camelCase wire names, types and
ranges live in one table, `ringback.bxml.attributes.ATTRIBUTES`. Defaults are filled in, so a
parsed `<Gather/>` has `max_digits == 50`. Optional things with no default (URLs, credentials,
`tag`) are None when absent; `tag=""` (clear the tag) is distinct from None (leave it alone).
Seconds are float, counts int, booleans bool. Text content is trimmed.

Objects built here by hand are not validated: only `parse` checks the rules.

The classes keep an instance `__dict__` (no `slots=True`) on purpose: a field left at its default
is then the class attribute, so the parser builds a verb by setting only the attributes the
document gave (`fast_path.py`), not every field through the frozen `__init__` (2 µs a `<Gather>`).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field

from ringback.bxml import ssml
from ringback.bxml.connecting import (
    Bridge,
    Conference,
    Connect,
    Endpoint,
    Forward,
    PhoneNumber,
    Refer,
    SipUri,
    Transfer,
)
from ringback.bxml.element import Nested, Verb

# --- speech and audio ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeakSentence(Verb):
    """Text-to-speech; `ssml` is the canonical inner markup (text and SSML elements), trimmed."""

    ssml: str
    _: KW_ONLY
    voice: str | None = None
    gender: str = "female"
    locale: str = "en_US"

    def words(self) -> list[str]:
        """The words spoken, markup stripped; `<sub alias="...">` speaks its alias."""
        return ssml.spoken_words(self.ssml)

    def break_seconds(self) -> float:
        """Total silence asked for by `<break>` elements (see ssml.BREAK_STRENGTH_S)."""
        return ssml.break_total_seconds(self.ssml)


@dataclass(frozen=True)
class PlayAudio(Verb):
    """Play the audio file at `url` (may be relative to the URL that returned the BXML)."""

    url: str
    _: KW_ONLY
    username: str | None = None
    password: str | None = None


# --- digits ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gather(Verb):
    """Collect DTMF digits while playing `prompts`; blocking."""

    prompts: tuple[SpeakSentence | PlayAudio, ...] = ()
    _: KW_ONLY
    gather_url: str | None = None
    gather_method: str = "POST"
    gather_fallback_url: str | None = None
    gather_fallback_method: str = "POST"
    username: str | None = None
    password: str | None = None
    fallback_username: str | None = None
    fallback_password: str | None = None
    tag: str | None = None
    terminating_digits: str = ""
    max_digits: int = 50
    inter_digit_timeout: float = 5.0
    first_digit_timeout: float = 5.0
    repeat_count: int = 1
    input: str = "dtmf"
    hints: str | None = None
    language: str | None = None
    partial_result_callback: str | None = None
    partial_result_callback_method: str = "POST"
    profanity_filter: bool = True
    speech_model: str | None = None
    speech_timeout: float = 5.0


@dataclass(frozen=True)
class StartGather(Verb):
    """Send a `dtmf` webhook for each digit pressed from now on; non-blocking."""

    dtmf_url: str
    _: KW_ONLY
    dtmf_method: str = "POST"
    username: str | None = None
    password: str | None = None
    tag: str | None = None


@dataclass(frozen=True)
class StopGather(Verb):
    """Stop a `<StartGather>`."""


@dataclass(frozen=True)
class SendDtmf(Verb):
    """Play DTMF tones; `,`/`w` pause 0.5 s, `W` pauses 1 s. Durations in milliseconds."""

    digits: str
    _: KW_ONLY
    tone_duration: float = 200.0
    tone_interval: float = 400.0


# --- recording ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record(Verb):
    """Record a segment; blocking."""

    record_complete_url: str | None = None
    record_complete_method: str = "POST"
    record_complete_fallback_url: str | None = None
    record_complete_fallback_method: str = "POST"
    recording_available_url: str | None = None
    recording_available_method: str = "POST"
    transcribe: bool = False
    detect_language: bool = False
    transcription_available_url: str | None = None
    transcription_available_method: str = "POST"
    username: str | None = None
    password: str | None = None
    fallback_username: str | None = None
    fallback_password: str | None = None
    tag: str | None = None
    terminating_digits: str = "#"
    max_duration: float = 60.0
    silence_timeout: float = 0.0
    file_format: str = "wav"
    recording_name: str | None = None


@dataclass(frozen=True)
class StartRecording(Verb):
    """Record the call (or conference) in the background; non-blocking."""

    recording_available_url: str | None = None
    recording_available_method: str = "POST"
    transcribe: bool = False
    detect_language: bool = False
    transcription_available_url: str | None = None
    transcription_available_method: str = "POST"
    username: str | None = None
    password: str | None = None
    tag: str | None = None
    file_format: str = "wav"
    multi_channel: bool = False
    recording_name: str | None = None


@dataclass(frozen=True)
class PauseRecording(Verb):
    """Pause the background recording."""


@dataclass(frozen=True)
class ResumeRecording(Verb):
    """Resume a paused background recording."""


@dataclass(frozen=True)
class StopRecording(Verb):
    """End the background recording."""


# --- flow -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect(Verb):
    """Fetch new BXML from `redirect_url`; later verbs never run."""

    redirect_url: str
    _: KW_ONLY
    redirect_method: str = "POST"
    redirect_fallback_url: str | None = None
    redirect_fallback_method: str = "POST"
    username: str | None = None
    password: str | None = None
    fallback_username: str | None = None
    fallback_password: str | None = None
    tag: str | None = None


@dataclass(frozen=True)
class Hangup(Verb):
    """Hang up (reject, if the inbound call is not answered yet)."""


@dataclass(frozen=True)
class Pause(Verb):
    """Silence for `duration` seconds."""

    duration: float = 1.0


@dataclass(frozen=True)
class Ring(Verb):
    """Play ringback for `duration` seconds; answers the call first unless `answer_call` is off."""

    duration: float = 5.0
    answer_call: bool = True


@dataclass(frozen=True)
class Tag(Verb):
    """Set the call's tag to `text`; the empty string clears it."""

    text: str = ""


# --- media streams and transcription --------------------------------------------------------------


@dataclass(frozen=True)
class StreamParam(Nested):
    """A name/value pair sent in a media stream's `start` message."""

    name: str
    value: str


@dataclass(frozen=True)
class StartStream(Verb):
    """Fork the call's audio to the WebSocket `destination`; non-blocking."""

    destination: str
    _: KW_ONLY
    params: tuple[StreamParam, ...] = ()
    name: str | None = None
    tracks: str = "inbound"
    mode: str = "unidirectional"
    destination_username: str | None = None
    destination_password: str | None = None
    stream_event_url: str | None = None
    stream_event_method: str = "POST"
    username: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class StopStream(Verb):
    """Stop the media stream called `name`."""

    name: str
    _: KW_ONLY
    wait: bool = False


@dataclass(frozen=True)
class CustomParam(Nested):
    """A name/value pair sent with a real-time transcription."""

    name: str
    value: str


@dataclass(frozen=True)
class StartTranscription(Verb):
    """Start real-time transcription of the call; non-blocking."""

    params: tuple[CustomParam, ...] = ()
    _: KW_ONLY
    name: str | None = None
    tracks: str = "inbound"
    transcription_event_url: str | None = None
    transcription_event_method: str = "POST"
    username: str | None = None
    password: str | None = None
    destination: str | None = None
    stabilized: bool = True
    detect_language: bool = False
    preferred_languages: str | None = None


@dataclass(frozen=True)
class StopTranscription(Verb):
    """Stop the real-time transcription called `name`, or all of them when None."""

    name: str | None = None


# --- the document ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed BXML document: its verbs in order, and the root tag (`Response` or `Bxml`)."""

    verbs: tuple[Verb, ...] = ()
    root: str = "Response"
    # What was read leniently (an attribute written as the literal `None`), for the timeline.
    notes: tuple[str, ...] = field(default=(), compare=False)


VERB_CLASSES: dict[str, type[Verb]] = {
    cls.__name__: cls
    for cls in (
        SpeakSentence,
        PlayAudio,
        Gather,
        StartGather,
        StopGather,
        Record,
        StartRecording,
        PauseRecording,
        ResumeRecording,
        StopRecording,
        Transfer,
        Bridge,
        Conference,
        Redirect,
        Hangup,
        Pause,
        Ring,
        Forward,
        SendDtmf,
        Tag,
        StartStream,
        StopStream,
        StartTranscription,
        StopTranscription,
        Connect,
        Refer,
    )
}
"""Every top-level verb class, by XML tag."""

NESTED_CLASSES: dict[str, type[Nested]] = {
    cls.__name__: cls for cls in (PhoneNumber, SipUri, StreamParam, CustomParam, Endpoint)
}
"""Every element that only appears nested inside a verb, by XML tag."""
