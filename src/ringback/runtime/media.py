"""The runtime's use of `ringback.media`: measuring `<PlayAudio>` files, rendering recordings."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import aiohttp

from ringback.engine import facts as f
from ringback.engine.actions import FetchMedia
from ringback.engine.recordings import Recording
from ringback.errors import MediaError, MediaFetchError
from ringback.media.cache import AudioCache
from ringback.media.decode import DecodedAudio, decode_audio
from ringback.media.fetch import MAX_AUDIO_BYTES, measure_url
from ringback.media.measure import audio_duration
from ringback.media.render import SOUNDS, Voices, render_recording
from ringback.media.sources import AudioSources

if TYPE_CHECKING:
    from ringback.runtime.platform import Platform


async def measure(
    session: aiohttp.ClientSession,
    action: FetchMedia,
    cache: AudioCache,
    now: Callable[[], float],
    sources: AudioSources | None = None,
    decoded: DecodedAudio | None = None,
) -> tuple[f.Fact, str | None]:
    """Measure a `<PlayAudio>` file: from its mapped local file, or fetched (cached per its HTTP
    headers). The engine's answer, and a note for the timeline when the fallback was used.

    The file is also decoded into `decoded`, for the streams and recordings that play it.
    """
    sources = sources or AudioSources()
    path = sources.local_file(action.url)
    try:
        if path is not None:
            seconds = await asyncio.to_thread(_measure_local, path, action.url, decoded)
        else:
            seconds = await measure_url(
                session,
                action.url,
                action.username,
                action.password,
                cache=cache,
                now=now(),
                decoded=decoded,
            )
    except MediaFetchError as error:
        if path is None and sources.fallback_s is not None:
            note = f"{error}: played as {sources.fallback_s:g} s of silence (audio fallback)"
            return f.MediaMeasured(now(), action.request_id, sources.fallback_s), note
        return f.MediaFailed(now(), action.request_id, str(error)), None
    except MediaError as error:
        return f.MediaFailed(now(), action.request_id, str(error)), None
    return f.MediaMeasured(now(), action.request_id, seconds), None


def _measure_local(path: str, url: str, decoded: DecodedAudio | None = None) -> float:
    try:
        size = os.path.getsize(path)
        if size > MAX_AUDIO_BYTES:
            raise MediaFetchError(f"{url} is mapped to {path}, larger than 250 MB", url)
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        message = f"{url} is mapped to {path}, which cannot be read: {reason}"
        raise MediaFetchError(message, url) from None
    seconds = audio_duration(data, None, path)
    if decoded is not None:
        audio = decode_audio(data, seconds)
        if audio is None:
            decoded.forget(url)
        else:
            decoded.put(url, audio)
    return seconds


def render(recording: Recording, voices: Voices = SOUNDS) -> tuple[bytes, str]:
    """A recording's audio and media type."""
    return render_recording(recording, voices)


async def fetch(platform: Platform, action: FetchMedia) -> None:
    """Measure a `<PlayAudio>` file for the engine (a note on the timeline if it fell back)."""
    fact, note = await measure(
        platform.sender.session,
        action,
        platform.audio_cache,
        platform.now,
        platform.audio_sources,
        platform.decoded_audio,
    )
    if note is not None:
        owner = action.call_id or action.conference_id or "account"
        platform.note(owner, platform.now(), "media", note, {"url": action.url})
    platform.feed(fact)
