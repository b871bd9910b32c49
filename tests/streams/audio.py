"""Independent audio oracles for stream tests: a G.711 μ-law decoder and a DTMF tone detector.

Written from the standards, not from `ringback.media`, so they check its output rather than
repeat it.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Sequence

RATE_HZ = 8000
LOW_HZ = (697, 770, 852, 941)
HIGH_HZ = (1209, 1336, 1477, 1633)
KEYS = ("123A", "456B", "789C", "*0#D")


def ulaw_to_linear(code: int) -> int:
    """One μ-law byte as a 16-bit sample (ITU-T G.711)."""
    code = ~code & 0xFF
    sign, exponent, mantissa = code & 0x80, (code >> 4) & 0x07, code & 0x0F
    sample = ((mantissa << 3) + 0x84 << exponent) - 0x84
    return -sample if sign else sample


def decode_payloads(payloads: Iterable[str]) -> list[int]:
    """The samples of successive base64 PCMU payloads."""
    samples: list[int] = []
    for payload in payloads:
        samples.extend(ulaw_to_linear(b) for b in base64.b64decode(payload))
    return samples


def goertzel_power(block: Sequence[int], frequency_hz: float) -> float:
    """The power of one frequency in a block of samples (the Goertzel algorithm)."""
    coefficient = 2 * math.cos(2 * math.pi * frequency_hz / RATE_HZ)
    before = current = 0.0
    for sample in block:
        before, current = current, sample + coefficient * current - before
    return current * current + before * before - coefficient * current * before


def dtmf_digits(samples: Sequence[int], block: int = 320) -> str:
    """The DTMF digits heard in the samples, in order (a digit per run of tone blocks)."""
    heard: list[str] = []
    previous = ""
    for start in range(0, len(samples) - block + 1, block):
        chunk = samples[start : start + block]
        energy = sum(s * s for s in chunk)
        digit = ""
        if energy > block * 500**2:
            low = [goertzel_power(chunk, f) for f in LOW_HZ]
            high = [goertzel_power(chunk, f) for f in HIGH_HZ]
            row, col = low.index(max(low)), high.index(max(high))
            total = energy * block / 2
            if max(low) > 0.2 * total and max(high) > 0.2 * total:
                digit = KEYS[row][col]
        if digit and digit != previous:
            heard.append(digit)
        previous = digit
    return "".join(heard)


def loudness(samples: Sequence[int]) -> float:
    """The RMS level of the samples (0 for silence)."""
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


def linear_to_ulaw(sample: int) -> int:
    """One 16-bit sample as a μ-law byte (ITU-T G.711, with the usual 0x84 bias)."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 0x84
    exponent = 7
    while exponent > 0 and not magnitude & (0x4000 >> (7 - exponent)):
        exponent -= 1
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | exponent << 4 | mantissa) & 0xFF


def tone(
    frequency_hz: float, seconds: float, rate_hz: int = RATE_HZ, level: int = 10000
) -> list[int]:
    """A sine tone as 16-bit samples."""
    count = round(seconds * rate_hz)
    return [round(level * math.sin(2 * math.pi * frequency_hz * n / rate_hz)) for n in range(count)]


def pcmu_payload(samples: Sequence[int]) -> str:
    """8 kHz samples as a base64 μ-law payload."""
    return base64.b64encode(bytes(linear_to_ulaw(s) for s in samples)).decode("ascii")


def pcm_payload(samples: Sequence[int]) -> str:
    """Samples as base64 16-bit signed little-endian PCM."""
    return base64.b64encode(
        b"".join(s.to_bytes(2, "little", signed=True) for s in samples)
    ).decode()


def tone_seconds(samples: Sequence[int], frequency_hz: float, block: int = 160) -> float:
    """How long a tone of this frequency sounds in the samples (20 ms blocks where it dominates)."""
    found = 0
    for start in range(0, len(samples) - block + 1, block):
        chunk = samples[start : start + block]
        energy = sum(s * s for s in chunk)
        if (
            energy > block * 1000**2
            and goertzel_power(chunk, frequency_hz) > 0.3 * energy * block / 2
        ):
            found += 1
    return found * block / RATE_HZ
