"""How long a `<PlayAudio>` file plays, or why Bandwidth would refuse it (spec §4.6).

How this works. Bandwidth plays WAV (16-bit PCM, μ-law, A-law) and MP3. It decides which one a
file is from its `Content-Type`, then from the URL's extension, else it assumes WAV; that is
`declared_format`. The bytes are then read as the declared format first and, failing that, as
the other one: the two are told apart by their first bytes without doubt (`RIFF....WAVE`, an ID3
tag or an MPEG frame header), so a mislabelled file still plays, as it does on a media server
that sniffs. Anything else is refused with an UnsupportedMediaError that names what it is.

Pure: bytes in, seconds out; the fetch is in `fetch.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from ringback.errors import UnsupportedMediaError
from ringback.media.mpeg import parse_mp3
from ringback.media.sniff import describe
from ringback.media.wav import parse_wav

AudioFormat = Literal["wav", "mp3"]

WAV_CONTENT_TYPES = frozenset({"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"})
MP3_CONTENT_TYPES = frozenset({"audio/mpeg", "audio/mpeg3", "audio/mp3", "audio/x-mpeg-3"})
EXTENSIONS: dict[str, AudioFormat] = {".wav": "wav", ".wave": "wav", ".mp3": "mp3"}


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """What a playable file is: its format and coding, channels, sample rate and duration."""

    format: AudioFormat
    coding: str  # "pcm16", "mulaw", "alaw" for WAV; "mpeg1", "mpeg2", "mpeg2.5" for MP3
    channels: int
    sample_rate_hz: int
    duration_s: float


def declared_format(content_type: str | None, url: str) -> AudioFormat:
    """The format Bandwidth takes a file to be: by Content-Type, then extension, else WAV."""
    if content_type:
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type in WAV_CONTENT_TYPES:
            return "wav"
        if media_type in MP3_CONTENT_TYPES:
            return "mp3"
    path = urlsplit(url).path.lower()
    dot = path.rfind(".")
    if dot != -1 and "/" not in path[dot:]:
        return EXTENSIONS.get(path[dot:], "wav")
    return "wav"


def inspect_audio(data: bytes, content_type: str | None, url: str) -> AudioInfo:
    """The format and duration of a file, or UnsupportedMediaError saying why it cannot play."""
    declared = declared_format(content_type, url)
    order: tuple[AudioFormat, AudioFormat] = ("wav", "mp3") if declared == "wav" else ("mp3", "wav")
    for audio_format in order:
        info = _read(audio_format, data, url)
        if info is not None:
            return info
    raise UnsupportedMediaError(
        f"{url} is not WAV or MP3 audio ({describe(data)}); Bandwidth plays only WAV and MP3", url
    )


def audio_duration(data: bytes, content_type: str | None, url: str) -> float:
    """How many seconds a file plays; raises UnsupportedMediaError if Bandwidth would refuse it."""
    return inspect_audio(data, content_type, url).duration_s


def _read(audio_format: AudioFormat, data: bytes, url: str) -> AudioInfo | None:
    """The file read as one format; None if it is not that format at all."""
    if audio_format == "wav":
        wav = parse_wav(data, url)
        if wav is None:
            return None
        return AudioInfo("wav", wav.coding, wav.channels, wav.sample_rate_hz, wav.duration_s)
    mp3 = parse_mp3(data, url)
    if mp3 is None:
        return None
    coding = f"mpeg{mp3.version}"
    return AudioInfo("mp3", coding, mp3.channels, mp3.sample_rate_hz, mp3.duration_s)
