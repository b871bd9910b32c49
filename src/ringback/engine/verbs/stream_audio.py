"""Audio a bidirectional media stream's app plays into the call (`playAudio`, `clear`).

How this works. Each `playAudio` chunk (already decoded by the runtime to 8 kHz samples) is queued
behind the ones before it: it goes on the call's media log as a platform sound that starts when
the queue ahead of it runs out, so it is heard by the far end, lands on the outbound side of the
call's recordings and on the `outbound` track of every stream. A timer at the end of each chunk
tells the far end (`waitFor: "played"`). `clear` cuts the chunk playing now at this instant and
drops the ones waiting (streams spec §4.2: at the next frame boundary at the latest).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ringback.engine import farend
from ringback.engine.media import Segment, Side, Sound

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.core import Engine

STREAM_RATE_HZ = 8000
PCM16_BYTES = 2
# Audio queued ahead of what is playing, at most: a runaway app cannot fill memory. Chunks past
# it are dropped (and noted once per stream); 5 minutes is far more than any bot sends ahead.
MAX_QUEUED_S = 300.0


class AppAudio:
    """The queue of audio one bidirectional stream's app has sent to play."""

    def __init__(self, engine: Engine, call: Call, stream_name: str) -> None:
        self.engine = engine
        self.call = call
        self.stream_name = stream_name
        self.queue_end = engine.now  # when what is queued now has played
        self.pending: list[tuple[Segment, int]] = []  # not yet played to the end, with its timer
        self.dropped = 0  # chunks dropped for MAX_QUEUED_S

    def enqueue(self, audio: bytes) -> None:
        """Play `audio` (8 kHz signed 16-bit samples) after what is already queued."""
        seconds = len(audio) // PCM16_BYTES / STREAM_RATE_HZ
        if seconds <= 0 or self.call.ended:
            return
        now = self.engine.now
        start = max(now, self.queue_end)
        if start + seconds - now > MAX_QUEUED_S:
            self.dropped += 1
            if self.dropped == 1:
                self.engine.note(
                    self.call,
                    "stream",
                    f"app audio dropped: more than {MAX_QUEUED_S:g} s queued ahead",
                    stream=self.stream_name,
                )
            return
        self.queue_end = start + seconds
        segment = self.call.media.add(
            start, self.queue_end, Side.PLATFORM, Sound.STREAM, self.stream_name, audio
        )
        self.call.played.append(segment)
        timer = self.engine.set_timer(self.call, self.queue_end - now, self._chunk_played)
        self.pending.append((segment, timer))

    def clear(self) -> None:
        """Stop now: cut the chunk playing, drop the queued ones."""
        now = self.engine.now
        dropped = 0.0
        for segment, timer in self.pending:
            self.engine.cancel_timer(timer)
            dropped += segment.end - max(segment.start, now)
            self.call.media.cut(segment, now)
        if self.pending:
            self.engine.note(
                self.call,
                "stream",
                f"app audio cleared: {dropped:.2f} s not played",
                stream=self.stream_name,
                droppedSeconds=round(dropped, 3),
            )
        self.pending.clear()
        self.queue_end = now
        farend.far_end(self.engine, self.call).observe()

    def _chunk_played(self) -> None:
        now = self.engine.now
        self.pending = [(s, t) for s, t in self.pending if s.end > now]
        farend.far_end(self.engine, self.call).observe()
