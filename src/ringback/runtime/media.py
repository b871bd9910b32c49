"""The runtime's use of `ringback.media`: measuring `<PlayAudio>` files, rendering recordings."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp

from ringback.engine import facts as f
from ringback.engine.actions import FetchMedia
from ringback.engine.recordings import Recording
from ringback.errors import MediaError
from ringback.media.cache import AudioCache
from ringback.media.decode import DecodedAudio
from ringback.media.fetch import measure_url
from ringback.media.render import SOUNDS, Voices, render_recording


async def measure(
    session: aiohttp.ClientSession,
    action: FetchMedia,
    cache: AudioCache,
    now: Callable[[], float],
    decoded: DecodedAudio | None = None,
) -> f.Fact:
    """Fetch and measure a `<PlayAudio>` file (cached per its HTTP headers); the engine's answer.

    The file is also decoded into `decoded`, for the streams and recordings that play it.
    """
    try:
        seconds = await measure_url(
            session,
            action.url,
            action.username,
            action.password,
            cache=cache,
            now=now(),
            decoded=decoded,
        )
    except MediaError as error:
        return f.MediaFailed(now(), action.request_id, str(error))
    return f.MediaMeasured(now(), action.request_id, seconds)


def render(recording: Recording, voices: Voices = SOUNDS) -> tuple[bytes, str]:
    """A recording's audio and media type."""
    return render_recording(recording, voices)
