"""The sounds of a call, synthesised at 8 kHz: DTMF tones, a far-end voice, prompts, music.

How this works. Each sound is a block of signed 16-bit samples, made from its text so the same
call always renders to the same bytes. DTMF digits are the standard pairs of a low (697-941 Hz)
and a high (1209-1633 Hz) tone. Speech is a buzz of a few harmonics of a pitch in the range of a
speaking voice, shaped into syllables that rise and fall, with short gaps between them: enough to
look and sound like a voice in an audio editor or a spectrum, not words. The far end speaks low
(110-180 Hz) in uneven syllables; the platform's prompts higher (190-250 Hz) in even ones, like
text-to-speech; a `<PlayAudio>` file is a little melody of plain notes. A long sound repeats a
pattern of at most a few seconds, which keeps rendering an hour of audio fast; patterns end in
silence, so the repeat does not click. Every source peaks at SOURCE_PEAK, so two sounding at
once on one channel never clip.
"""

from __future__ import annotations

import math
import random
import zlib
from array import array
from functools import lru_cache

SAMPLE_RATE_HZ = 8000
SOURCE_PEAK = 12000  # two sources at once stay under 32767
FADE_SAMPLES = 40  # 5 ms ramps at both ends of a sound, so cuts do not click
PATTERN_MAX_S = 4.0
DTMF_HZ = {
    "1": (697, 1209),
    "2": (697, 1336),
    "3": (697, 1477),
    "A": (697, 1633),
    "4": (770, 1209),
    "5": (770, 1336),
    "6": (770, 1477),
    "B": (770, 1633),
    "7": (852, 1209),
    "8": (852, 1336),
    "9": (852, 1477),
    "C": (852, 1633),
    "*": (941, 1209),
    "0": (941, 1336),
    "#": (941, 1477),
    "D": (941, 1633),
}
# Several digits in one sound each get an equal slot, toned for this share of it.
DIGIT_TONE_SHARE = 0.7
# Relative strength of the harmonics of each voice (fundamental first).
FAR_HARMONICS = (1.0, 0.7, 0.5, 0.35, 0.25, 0.15)
PROMPT_HARMONICS = (0.6, 1.0, 0.6, 0.4, 0.2)
NOTE_HARMONICS = (1.0, 0.4, 0.15)
MELODY_HZ = (262.0, 294.0, 330.0, 392.0, 440.0, 523.0)  # a pentatonic scale around middle C


def silence(samples: int) -> array[int]:
    """`samples` zero samples."""
    return array("h", bytes(2 * samples))


def dtmf(digits: str, samples: int) -> array[int]:
    """The tones of `digits` (0-9, *, #, A-D) over `samples` samples; other characters: silence."""
    keys = [d.upper() for d in digits if not d.isspace()]
    if not keys:
        return silence(samples)
    if len(keys) == 1:
        return _shaped(_tone(keys[0], samples))
    out = silence(samples)
    for i, key in enumerate(keys):
        lo, hi = i * samples // len(keys), (i + 1) * samples // len(keys)
        toned = int((hi - lo) * DIGIT_TONE_SHARE)
        out[lo : lo + toned] = _shaped(_tone(key, toned))
    return out


def far_voice(text: str, samples: int) -> array[int]:
    """The far end saying `text`: a low voice in uneven syllables."""
    pattern = _voice(
        ("far", text),
        _pattern_length(samples),
        110.0,
        180.0,
        (0.12, 0.32),
        (0.03, 0.12),
        FAR_HARMONICS,
    )
    return _shaped(_tiled(pattern, samples))


def prompt_voice(text: str, samples: int) -> array[int]:
    """The platform speaking `text` (a `<SpeakSentence>`): a higher, even voice."""
    pattern = _voice(
        ("prompt", text),
        _pattern_length(samples),
        190.0,
        250.0,
        (0.18, 0.22),
        (0.05, 0.07),
        PROMPT_HARMONICS,
    )
    return _shaped(_tiled(pattern, samples))


def melody(url: str, samples: int) -> array[int]:
    """A played audio file: a short melody of plain notes, the same for the same URL."""
    return _shaped(_tiled(_melody(url, _pattern_length(samples)), samples))


def _pattern_length(samples: int) -> int:
    """How much of a pattern to make: whole seconds, up to PATTERN_MAX_S (then it repeats).

    A pattern is the same sequence whatever its length, so a short sound is the start of a
    long one with the same text; whole seconds let sounds of similar length share one.
    """
    seconds = min(PATTERN_MAX_S, float(math.ceil(samples / SAMPLE_RATE_HZ)))
    return max(1, int(seconds * SAMPLE_RATE_HZ))


def _seeded(seed: tuple[str, str]) -> random.Random:
    return random.Random(zlib.crc32("\x00".join(seed).encode("utf-8")))


def _tone(key: str, samples: int) -> array[int]:
    if key not in DTMF_HZ:
        return silence(samples)
    return _tiled(_dtmf_second(key), samples)


@lru_cache(maxsize=16)
def _dtmf_second(key: str) -> array[int]:
    """One second of a digit's tone pair; whole-hertz tones repeat exactly every second."""
    low, high = DTMF_HZ[key]
    half = SOURCE_PEAK / 2
    step_low, step_high = 2 * math.pi * low / SAMPLE_RATE_HZ, 2 * math.pi * high / SAMPLE_RATE_HZ
    return array(
        "h",
        (
            round(half * (math.sin(step_low * n) + math.sin(step_high * n)))
            for n in range(SAMPLE_RATE_HZ)
        ),
    )


@lru_cache(maxsize=64)
def _voice(
    seed: tuple[str, str],
    limit: int,
    low_hz: float,
    high_hz: float,
    syllable_s: tuple[float, float],
    gap_s: tuple[float, float],
    harmonics: tuple[float, ...],
) -> array[int]:
    """A few seconds of syllables: each a pitch glide of harmonics under a rise-and-fall."""
    rng = _seeded(seed)
    pitch_hz = rng.uniform(low_hz, high_hz)
    scale = SOURCE_PEAK / sum(harmonics)
    out = array("h")
    while len(out) < limit:
        length = int(rng.uniform(*syllable_s) * SAMPLE_RATE_HZ)
        start_hz = pitch_hz * rng.uniform(0.9, 1.12)
        end_hz = start_hz * rng.uniform(0.88, 1.08)
        phase = 0.0
        syllable = array("h", bytes(2 * length))
        for n in range(length):
            phase += 2 * math.pi * (start_hz + (end_hz - start_hz) * n / length) / SAMPLE_RATE_HZ
            envelope = math.sin(math.pi * n / length)
            syllable[n] = round(scale * envelope * _harmonics(phase, harmonics))
        out += syllable
        out += silence(int(rng.uniform(*gap_s) * SAMPLE_RATE_HZ))
    return out


def _harmonics(phase: float, weights: tuple[float, ...]) -> float:
    """Sum of weights[k-1] * sin(k * phase), by the recurrence sin((k+1)x) = 2cos(x)sin(kx) - ..."""
    twice_cos = 2 * math.cos(phase)
    before, current = 0.0, math.sin(phase)
    total = 0.0
    for weight in weights:
        total += weight * current
        before, current = current, twice_cos * current - before
    return total


@lru_cache(maxsize=64)
def _melody(url: str, limit: int) -> array[int]:
    """A few seconds of notes from a pentatonic scale, each struck and dying away."""
    rng = _seeded(("audio", url))
    scale = SOURCE_PEAK / sum(NOTE_HARMONICS)
    out = array("h")
    attack = FADE_SAMPLES * 4
    while len(out) < limit:
        note_hz = rng.choice(MELODY_HZ)
        length = int(rng.choice((0.25, 0.5, 0.5, 0.75)) * SAMPLE_RATE_HZ)
        step = 2 * math.pi * note_hz / SAMPLE_RATE_HZ
        note = array("h", bytes(2 * length))
        for n in range(length):
            envelope = min(1.0, n / attack) * math.exp(-3.0 * n / length) * (1 - n / length)
            note[n] = round(scale * envelope * _harmonics(step * n, NOTE_HARMONICS))
        out += note
    return out


def _tiled(pattern: array[int], samples: int) -> array[int]:
    """`samples` samples of a pattern repeated."""
    if samples <= len(pattern):
        return pattern[:samples]
    repeats = -(-samples // len(pattern))
    return (pattern * repeats)[:samples]


def _shaped(sound: array[int]) -> array[int]:
    """The sound with short fades at both ends (a copy: patterns are shared)."""
    out = array("h", sound)
    ramp = min(FADE_SAMPLES, len(out) // 2)
    for n in range(ramp):
        out[n] = out[n] * n // ramp
        out[-1 - n] = out[-1 - n] * n // ramp
    return out
