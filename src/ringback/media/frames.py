"""A media stream's audio: 20 ms PCMU frames of one side of a call, as they happen. Pure.

How this works. A track is one side of the call's media log (`inbound`: the far end; `outbound`:
the platform: prompts, played files, tones, audio a bidirectional app sent) read from the moment
the stream opened (`origin`). Frame n is the 160 samples from `origin + n × 20 ms`, the sounds on
that side mixed (clipped to 16 bits) and μ-law coded; where nothing sounds it is silence (0xFF).
Each sound is made once, whole, by the same functions recordings use (`render.sound_samples`),
and sliced frame by frame, so a stream carries the same audio a recording of the call holds.
A sound is forgotten once the frames are past it.

Sounds are only ever added at or after the moment they start, and frames are taken in order up
to the present, so a frame never misses a sound that began within it.
"""

from __future__ import annotations

from array import array

from ringback.engine.media import MediaLog, Segment, Side
from ringback.media.pcmu import FRAME_S, FRAME_SAMPLES, SILENT_FRAME, STREAM_RATE_HZ, encode
from ringback.media.render import SOUNDS, Voices, sound_samples

INT16_MAX = 32767
INT16_MIN = -32768


class TrackFrames:
    """Successive frames of one side of a call's media log."""

    def __init__(self, log: MediaLog, side: Side, origin: float, voices: Voices = SOUNDS) -> None:
        self.log = log
        self.side = side
        self.origin = origin
        self.voices = voices
        self._passed = 0  # log.segments before this index have all ended before the last frame
        self._sounds: dict[int, tuple[Segment, array[int], int]] = {}  # id → sound, first sample

    def frame(self, index: int) -> bytes:
        """Frame `index` (0 is the first 20 ms after `origin`) as 160 μ-law bytes."""
        lo = index * FRAME_SAMPLES
        hi = lo + FRAME_SAMPLES
        t0 = self.origin + index * FRAME_S
        t1 = t0 + FRAME_S
        segments = self.log.segments
        while self._passed < len(segments) and segments[self._passed].end <= t0:
            self._passed += 1
        mixed: array[int] | None = None
        for segment in segments[self._passed :]:
            if segment.side is not self.side or segment.end <= t0 or segment.start >= t1:
                continue
            part = self._part(segment, lo, hi)
            if part is None:
                continue
            offset, samples = part
            if mixed is None and offset == 0 and len(samples) == FRAME_SAMPLES:
                mixed = samples
                continue
            if mixed is None:
                mixed = array("h", bytes(2 * FRAME_SAMPLES))
            for n, value in enumerate(samples, offset):
                mixed[n] = max(INT16_MIN, min(INT16_MAX, mixed[n] + value))
        self._forget(t0)
        return SILENT_FRAME if mixed is None else encode(mixed)

    def _part(self, segment: Segment, lo: int, hi: int) -> tuple[int, array[int]] | None:
        """Where in the frame the segment sounds, and its samples there (None: not at all)."""
        kept = self._sounds.get(id(segment))
        if kept is None or kept[0] is not segment:
            first = round((segment.start - self.origin) * STREAM_RATE_HZ)
            first -= round(segment.offset * STREAM_RATE_HZ)
            kept = (segment, sound_samples(segment, self.voices), first)
            self._sounds[id(segment)] = kept
        _, sound, first = kept
        start = round((segment.start - self.origin) * STREAM_RATE_HZ)
        end = round((segment.end - self.origin) * STREAM_RATE_HZ)
        begin, finish = max(lo, start), min(hi, end, first + len(sound))
        if finish <= begin:
            return None
        return begin - lo, sound[begin - first : finish - first]

    def _forget(self, t0: float) -> None:
        """Drop the sounds that ended before this frame (they are never needed again)."""
        if len(self._sounds) > 8:
            self._sounds = {k: v for k, v in self._sounds.items() if v[0].end > t0}
