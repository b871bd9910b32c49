"""`<PlayAudio>` files decoded to the call's audio: 8 kHz mono 16-bit, kept by URL. Pure.

How this works. A fetched WAV or MP3 is decoded and resampled to 8 kHz mono by miniaudio (its
C decoders and resampler, in the `miniaudio` wheel; no system library), the audio a phone line
carries. The samples are kept by URL, most recent fetch first, within a byte budget, so that the
stream frames and recordings of a call play the file itself; a file longer than
`MAX_DECODED_S`, one miniaudio cannot decode, or one evicted from the budget falls back to the
synthesised melody (`synth.melody`), with the same length.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from ringback.media.pcmu import STREAM_RATE_HZ

MAX_DECODED_S = 600.0  # longer files are measured and timed, but not decoded
DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024  # ~70 minutes of 8 kHz audio over all URLs

try:  # miniaudio is a dependency; without it, files play as the melody
    import miniaudio as _miniaudio
except ImportError:  # pragma: no cover - installed with ringback
    _miniaudio = None


def decode_audio(data: bytes, duration_s: float) -> bytes | None:
    """The file as 8 kHz mono signed 16-bit samples (native order), or None if it cannot be."""
    if _miniaudio is None or duration_s > MAX_DECODED_S:
        return None
    try:
        decoded: Any = _miniaudio.decode(
            data,
            output_format=_miniaudio.SampleFormat.SIGNED16,
            nchannels=1,
            sample_rate=STREAM_RATE_HZ,
        )
    except _miniaudio.DecodeError:
        return None
    return bytes(decoded.samples.tobytes())


class DecodedAudio:
    """Decoded files by URL, the most recently fetched kept first, within a byte budget."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self.budget_bytes = budget_bytes
        self._by_url: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0

    def put(self, url: str, audio: bytes) -> None:
        """Keep the decoded audio of `url` (replacing what was kept for it)."""
        self.forget(url)
        if len(audio) > self.budget_bytes:
            return
        self._by_url[url] = audio
        self._bytes += len(audio)
        while self._bytes > self.budget_bytes:
            _, evicted = self._by_url.popitem(last=False)
            self._bytes -= len(evicted)

    def get(self, url: str) -> bytes | None:
        """The decoded audio of `url`, if kept."""
        audio = self._by_url.get(url)
        if audio is not None:
            self._by_url.move_to_end(url)
        return audio

    def forget(self, url: str) -> None:
        """Drop what is kept for `url`."""
        audio = self._by_url.pop(url, None)
        if audio is not None:
            self._bytes -= len(audio)

    def clear(self) -> None:
        """Forget everything (the control API's reset)."""
        self._by_url.clear()
        self._bytes = 0
