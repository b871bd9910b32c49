"""What each side of a call sent over time: prompts, tones, speech. Silence is the gaps.

The engine appends a segment whenever something is heard on the line; a recording is a window
over this log, rendered to audio at the edge, and a transcription is the far end's words in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Side(StrEnum):
    """Who made the sound: the far end (the phone) or the platform (prompts, SendDtmf)."""

    FAR = "far"
    PLATFORM = "platform"


class Sound(StrEnum):
    """What kind of sound a segment is."""

    SPEECH = "speech"
    DTMF = "dtmf"
    PROMPT = "prompt"
    AUDIO = "audio"


@dataclass(slots=True)
class Segment:
    """One sound on the line from `start` to `end` (seconds); `text` is words, digits or a URL."""

    start: float
    end: float
    side: Side
    sound: Sound
    text: str


@dataclass(slots=True)
class MediaLog:
    """Every sound on one call, in the order it started."""

    segments: list[Segment] = field(default_factory=list)

    def add(self, start: float, end: float, side: Side, sound: Sound, text: str) -> Segment:
        """Append a sound and return it (so that it can be cut short)."""
        segment = Segment(start, end, side, sound, text)
        self.segments.append(segment)
        return segment

    @staticmethod
    def cut(segment: Segment, at: float) -> None:
        """End a sound early (barge-in, hangup, interruption)."""
        segment.end = max(segment.start, min(segment.end, at))

    def window(self, start: float, end: float) -> list[Segment]:
        """The segments overlapping [start, end), clipped to it."""
        return [
            Segment(max(s.start, start), min(s.end, end), s.side, s.sound, s.text)
            for s in self.segments
            if s.start < end and s.end > start
        ]

    def far_words(self, start: float, end: float) -> list[str]:
        """The words the far end said in [start, end): what a transcription of it contains."""
        words: list[str] = []
        for segment in self.window(start, end):
            if segment.side is Side.FAR and segment.sound is Sound.SPEECH:
                words.extend(segment.text.split())
        return words

    def last_far_sound_end(self, before: float) -> float | None:
        """When the far end last stopped making a sound, up to `before` (for silence timeouts)."""
        ends = [
            min(s.end, before) for s in self.segments if s.side is Side.FAR and s.start < before
        ]
        return max(ends) if ends else None
