"""What each side of a call sent over time: prompts, tones, speech. Silence is the gaps.

The engine appends a segment whenever something is heard on the line; a recording is a window
over this log, rendered to audio at the edge, and a transcription is the far end's words in it.
"""

from __future__ import annotations

from collections.abc import Callable
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
    STREAM = "stream"  # audio an app played into the call over a bidirectional media stream


@dataclass(slots=True)
class Segment:
    """One sound on the line from `start` to `end` (seconds); `text` is words, digits or a URL.

    `audio` is the sound's own samples when it has them (8 kHz signed 16-bit, native order: a
    `<PlayAudio>` file decoded, audio an app streamed); without them the sound is synthesised from
    `text`. `length` is how long the sound was meant to last when it began (a cut shortens `end`,
    not the sound), and `offset` how far into the sound this segment starts (a window that
    begins in the middle of it).
    """

    start: float
    end: float
    side: Side
    sound: Sound
    text: str
    audio: bytes | None = None
    length: float | None = None
    offset: float = 0.0

    @property
    def full_length(self) -> float:
        """The sound's whole planned length (its span, when none was given)."""
        return self.length if self.length is not None else self.end - self.start

    def clipped(self, start: float, end: float) -> Segment:
        """The part of this sound inside [start, end) (same sound, offset into it)."""
        lo = max(self.start, start)
        return Segment(
            lo,
            min(self.end, end),
            self.side,
            self.sound,
            self.text,
            self.audio,
            self.full_length,
            self.offset + lo - self.start,
        )

    def word_spans(self) -> list[tuple[str, float, float]]:
        """Each word of the sound's text with when it is said: spread evenly over the whole sound.

        The spread is over the sound's planned length, so a sound cut short keeps its words' times
        (the words after the cut are simply not said).
        """
        words = self.text.split()
        if not words:
            return []
        origin = self.start - self.offset
        share = self.full_length / len(words)
        return [
            (word, origin + i * share, origin + (i + 1) * share) for i, word in enumerate(words)
        ]


@dataclass(slots=True)
class MediaLog:
    """Every sound on one call, in the order it started.

    `watchers` hear of every sound added or cut short (a live transcription follows the words).
    """

    segments: list[Segment] = field(default_factory=list)
    watchers: list[Callable[[Segment], None]] = field(default_factory=list)

    def add(
        self,
        start: float,
        end: float,
        side: Side,
        sound: Sound,
        text: str,
        audio: bytes | None = None,
    ) -> Segment:
        """Append a sound and return it (so that it can be cut short)."""
        segment = Segment(start, end, side, sound, text, audio, end - start)
        self.segments.append(segment)
        for watch in list(self.watchers):
            watch(segment)
        return segment

    def cut(self, segment: Segment, at: float) -> None:
        """End a sound early (barge-in, hangup, interruption)."""
        segment.end = max(segment.start, min(segment.end, at))
        for watch in list(self.watchers):
            watch(segment)

    def window(self, start: float, end: float) -> list[Segment]:
        """The segments overlapping [start, end), clipped to it."""
        return [s.clipped(start, end) for s in self.segments if s.start < end and s.end > start]

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
