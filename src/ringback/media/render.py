"""A finished recording as real audio: the bytes GET .../recordings/{id}/media serves (spec §5.8).

How this works. A `Recording` holds the sounds of its recorded spans, timed from the start of
the file (engine/recordings.py). Each becomes synthesised samples (`synth.py`) at 8 kHz on its
channel: with two channels the far end is channel 0 and the platform (prompts, played audio,
its own DTMF) channel 1, as `Recording.channel_of` says; with one, everything is mixed.
Sounds that overlap are added; in the rare case that a sum passes the 16-bit range, the channel
goes on in 32-bit sums and is scaled down as a whole at the end: nothing is clipped. Silence is
zeros. The file lasts exactly the recording's duration, to the sample; MP3 recordings carry an
Info frame with the encoder's delay and padding so that their length comes out exact too.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping
from operator import add

from ringback.engine.media import Segment, Sound
from ringback.engine.recordings import Recording
from ringback.media.mp3 import encode_mp3
from ringback.media.synth import SAMPLE_RATE_HZ, dtmf, far_voice, melody, prompt_voice, silence
from ringback.media.wav import pcm16_wav

WAV_MEDIA_TYPE = "audio/vnd.wave"
MP3_MEDIA_TYPE = "audio/mpeg"
INT16_MAX = 32767
INT16_MIN = -32768
# How each kind of sound is made from its text, over a number of samples. The runtime passes its
# own table where a speech synthesiser makes real words (runtime/speech.py); this one is pure.
Voices = Mapping[Sound, Callable[[str, int], "array[int]"]]
SOUNDS: Voices = {
    Sound.DTMF: dtmf,
    Sound.SPEECH: far_voice,
    Sound.PROMPT: prompt_voice,
    Sound.AUDIO: melody,
    Sound.STREAM: lambda _text, samples: silence(samples),  # always has its own audio
}


def sound_samples(segment: Segment, voices: Voices = SOUNDS) -> array[int]:
    """The whole sound a segment is part of, at 8 kHz: its own audio, else made from its text."""
    if segment.audio is not None:
        samples = array("h")
        samples.frombytes(segment.audio[: len(segment.audio) // 2 * 2])
        return samples
    return voices[segment.sound](segment.text, round(segment.full_length * SAMPLE_RATE_HZ))


def segment_samples(segment: Segment, count: int, voices: Voices = SOUNDS) -> array[int]:
    """`count` samples of a segment's sound from where the segment starts in it (padded)."""
    whole = sound_samples(segment, voices)
    start = round(segment.offset * SAMPLE_RATE_HZ)
    part = whole[start : start + count]
    if len(part) < count:
        part += silence(count - len(part))
    return part


def render_recording(recording: Recording, voices: Voices = SOUNDS) -> tuple[bytes, str]:
    """The recording's audio file and its media type (`audio/vnd.wave` or `audio/mpeg`)."""
    channel_count = max(1, recording.channels)
    samples = render_samples(recording, voices)
    if recording.file_format == "mp3":
        return encode_mp3(samples, channel_count, SAMPLE_RATE_HZ), MP3_MEDIA_TYPE
    return pcm16_wav(samples, channel_count, SAMPLE_RATE_HZ), WAV_MEDIA_TYPE


def render_samples(recording: Recording, voices: Voices = SOUNDS) -> array[int]:
    """The recording as interleaved signed 16-bit samples at 8 kHz, channel 0 first."""
    total = round(recording.duration_s * SAMPLE_RATE_HZ)
    channels = [_Channel(total) for _ in range(max(1, recording.channels))]
    for segment in recording.segments:
        start, end = _sample_span(segment, total)
        if end > start:
            sound = segment_samples(segment, end - start, voices)
            channels[recording.channel_of(segment)].add(start, sound)
    if len(channels) == 1:
        return channels[0].pcm16()
    interleaved = array("h", bytes(2 * total * len(channels)))
    for number, channel in enumerate(channels):
        interleaved[number :: len(channels)] = channel.pcm16()
    return interleaved


def _sample_span(segment: Segment, total: int) -> tuple[int, int]:
    """The samples a sound covers, inside the file."""
    start = min(total, max(0, round(segment.start * SAMPLE_RATE_HZ)))
    end = min(total, max(start, round(segment.end * SAMPLE_RATE_HZ)))
    return start, end


class _Channel:
    """One channel's samples: 16-bit while sounds fit, 32-bit sums once a mix passes 16 bits."""

    def __init__(self, total: int) -> None:
        self.samples = array("h", bytes(2 * total))
        self.wide: array[int] | None = None  # set when overlapping sounds no longer fit
        self.taken: list[tuple[int, int]] = []

    def add(self, start: int, sound: array[int]) -> None:
        """Mix a sound in from sample `start` on."""
        end = start + len(sound)
        overlaps = any(lo < end and start < hi for lo, hi in self.taken)
        self.taken.append((start, end))
        if self.wide is not None:
            self.wide[start:end] = array("i", map(add, self.wide[start:end], sound))
        elif not overlaps:
            self.samples[start:end] = sound
        else:
            mixed = array("i", map(add, self.samples[start:end], sound))
            if max(mixed) <= INT16_MAX and min(mixed) >= INT16_MIN:
                self.samples[start:end] = array("h", mixed)
            else:
                self.wide = array("i", self.samples)
                self.wide[start:end] = mixed

    def pcm16(self) -> array[int]:
        """The channel as 16-bit samples, scaled down as a whole if the sum is too loud."""
        if self.wide is None:
            return self.samples
        peak = max(max(self.wide), -min(self.wide))  # noqa: PLW3301 (C-speed scans)
        return array("h", (value * INT16_MAX // peak for value in self.wide))
