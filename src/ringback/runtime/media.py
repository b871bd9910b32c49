"""The runtime's use of `ringback.media`: measuring `<PlayAudio>` files, rendering recordings."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp

from ringback.engine import facts as f
from ringback.engine.actions import FetchMedia
from ringback.engine.recordings import Recording


async def measure(
    session: aiohttp.ClientSession, action: FetchMedia, now: Callable[[], float]
) -> f.Fact:
    """Fetch and measure a `<PlayAudio>` file; what the engine hears back."""
    from ringback.errors import MediaFetchError, UnsupportedMediaError
    from ringback.media.fetch import measure_url

    try:
        seconds = await measure_url(session, action.url, action.username, action.password)
    except (MediaFetchError, UnsupportedMediaError) as error:
        return f.MediaFailed(now(), action.request_id, str(error))
    return f.MediaMeasured(now(), action.request_id, seconds)


def render(recording: Recording) -> tuple[bytes, str]:
    """A recording's audio and media type."""
    from ringback.media.render import render_recording

    return render_recording(recording)
