"""Recordings' audio: rendered in a worker thread as soon as a recording ends, then stored.

Why at once: audio written only on first download (or at a clean shutdown) was lost to a
`kill -9`, while its metadata survived and the download answered 404. Why in a thread: an hour
of MP3 takes seconds to encode, and the event loop carries every call meanwhile. The render
reads a finished `Recording`, which nothing changes any more; only the store write comes back
to the loop (the store has one connection, the loop's). A download that comes while the audio
is still being rendered waits for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from ringback.engine.recordings import Recording
from ringback.media.render import SOUNDS, Voices
from ringback.runtime import media
from ringback.store import Store

logger = logging.getLogger("ringback.recordings")


class RecordingAudio:
    """Renders and stores each recording's audio once, in the background."""

    def __init__(self, store: Store, written: Callable[[], None], voices: Voices = SOUNDS) -> None:
        self.store = store
        self.written = written  # wakes the clock's driver, which commits the store
        self.voices = voices  # how sounds are made (real speech, decoded files: speech.py)
        self._pending: dict[str, Recording] = {}  # rendering, and still wanted
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def saved(self, recording: Recording) -> None:
        """A recording ended: store its metadata now, its audio as soon as it is rendered."""
        recording_id = recording.recording_id
        self.store.save_recording(
            recording_id,
            recording.metadata(),
            call_id=recording.call_id,
            conference_id=recording.conference_id,
        )
        self._pending[recording_id] = recording
        task = asyncio.create_task(self._write(recording_id, recording))
        self._tasks[recording_id] = task
        task.add_done_callback(lambda done: self._finished(recording_id, done))

    def _finished(self, recording_id: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(recording_id) is task:
            del self._tasks[recording_id]

    async def _write(self, recording_id: str, recording: Recording) -> None:
        try:
            audio, media_type = await asyncio.to_thread(media.render, recording, self.voices)
        except Exception:
            logger.exception("the audio of recording %s could not be rendered", recording_id)
            return
        if self._pending.get(recording_id) is recording:  # not deleted meanwhile
            del self._pending[recording_id]
            self.store.set_recording_media(recording_id, audio, media_type)
            self.written()

    async def media(self, recording_id: str) -> tuple[bytes, str] | None:
        """The audio and its media type (waiting for its render if need be); None if none."""
        task = self._tasks.get(recording_id)
        if task is not None:
            await asyncio.shield(task)
        return self.store.recording_media(recording_id)

    def delete(self, recording_id: str) -> None:
        """Forget a recording, its audio and its transcription (a render still running is not
        stored)."""
        self.store.delete_recording(recording_id)
        self._pending.pop(recording_id, None)

    def delete_media(self, recording_id: str) -> None:
        """Forget a recording's audio; its metadata stays."""
        self._pending.pop(recording_id, None)
        self.store.set_recording_media(recording_id, None, None)

    async def finish(self) -> None:
        """Wait for every render under way (a clean shutdown stores them all)."""
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    def clear(self) -> None:
        """Forget every render under way (a reset)."""
        self._pending.clear()
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()
