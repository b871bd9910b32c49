"""Audio: measure `<PlayAudio>` files (WAV, MP3) and render recordings to real audio files.

`measure`, `render` and the modules under them are pure (bytes in, bytes out, no clock); the
HTTP fetch and its cache wiring live in `ringback.media.fetch`, the package's only edge, which
is not imported here so that the pure parts load without aiohttp.
"""

from ringback.media.cache import AudioCache, CacheHeaders
from ringback.media.measure import AudioInfo, audio_duration, declared_format, inspect_audio
from ringback.media.render import render_recording, render_samples

__all__ = [
    "AudioCache",
    "AudioInfo",
    "CacheHeaders",
    "audio_duration",
    "declared_format",
    "inspect_audio",
    "render_recording",
    "render_samples",
]
