"""What a bidirectional media stream's app sends: `playAudio` and `clear` (streams spec §4). Pure.

`read_app_message` turns one text frame into what to do: play audio (decoded to 8 kHz signed
16-bit samples), clear, or ignore it with the reason, as Bandwidth ignores what it does not
understand (spec §4.3: the message is dropped, the stream stays up). Accepted audio:
`audio/pcmu` (8 kHz μ-law) and `audio/pcm;rate=8000|16000|24000` (16-bit signed little-endian
mono; the other parameters, when given, must say so).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from ringback.media.pcmu import STREAM_RATE_HZ, decode, pcm16_from_bytes, resample

PCM_RATES_HZ = (8000, 16000, 24000)
# The parameters of `audio/pcm` and the only value each may have (when present).
PCM_PARAMETERS = {"channels": "1", "bit-depth": "16", "endian": "little", "encoding": "signed"}


@dataclass(frozen=True, slots=True)
class PlayAudio:
    """Play these samples (8 kHz, signed 16-bit, native byte order) after the queued ones."""

    audio: bytes
    content_type: str


@dataclass(frozen=True, slots=True)
class Clear:
    """Drop the queued audio."""


@dataclass(frozen=True, slots=True)
class Ignored:
    """A message Ringback does not act on, and why."""

    reason: str
    event_type: str | None = None


AppMessage = PlayAudio | Clear | Ignored


def read_app_message(text: str) -> AppMessage:
    """What one text frame from the app asks for."""
    try:
        message = json.loads(text)
    except ValueError as error:
        return Ignored(f"not JSON: {error}")
    except RecursionError:  # nested a thousand deep: json.loads gives up
        return Ignored("not JSON: nested too deeply")
    if not isinstance(message, dict):
        return Ignored(f"not a JSON object but {type(message).__name__}")
    event_type = message.get("eventType")
    if event_type == "clear":
        return Clear()
    if event_type != "playAudio":
        return Ignored(f"unknown eventType {event_type!r}", _name(event_type))
    return _play_audio(message.get("media"))


def _play_audio(media: Any) -> AppMessage:
    if not isinstance(media, dict):
        return Ignored("playAudio needs a `media` object", "playAudio")
    content_type, payload = media.get("contentType"), media.get("payload")
    if not isinstance(content_type, str) or not isinstance(payload, str):
        return Ignored("playAudio needs media.contentType and media.payload strings", "playAudio")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return Ignored("media.payload is not valid base64", "playAudio")
    kind, *parameters = [part.strip() for part in content_type.split(";")]
    if kind.lower() == "audio/pcmu" and not parameters:
        return PlayAudio(decode(data).tobytes(), content_type)
    if kind.lower() != "audio/pcm":
        return Ignored(f"unsupported media.contentType {content_type!r}", "playAudio")
    values = dict(p.partition("=")[::2] for p in parameters)
    rate = values.pop("rate", "")
    if not rate.isdigit() or int(rate) not in PCM_RATES_HZ:
        rates = ", ".join(map(str, PCM_RATES_HZ))
        return Ignored(f"audio/pcm needs rate={rates}; got {content_type!r}", "playAudio")
    wrong = [k for k, v in values.items() if PCM_PARAMETERS.get(k.lower()) != v.lower()]
    if wrong:
        return Ignored(f"unsupported audio/pcm parameter {wrong[0]!r}", "playAudio")
    samples = resample(pcm16_from_bytes(data), int(rate), STREAM_RATE_HZ)
    return PlayAudio(samples.tobytes(), content_type)


def _name(value: Any) -> str | None:
    return value[:64] if isinstance(value, str) else None
