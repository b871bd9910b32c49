"""G.711 μ-law (PCMU) and the sample-rate changes a media stream needs. Pure.

How this works. μ-law codes a 14-bit sample in 8 bits on a logarithmic scale (ITU-T G.711):
a sign, a 3-bit segment (exponent) and a 4-bit step inside it, inverted so that silence is 0xFF.
Both directions are tables built once: 65,536 entries to encode a 16-bit sample, 256 to decode a
byte, so a 20 ms frame (160 samples) is a `bytes(map(...))` over a table.

Rates: a media stream carries 8 kHz; apps may send 16-bit PCM at 8, 16 or 24 kHz (`playAudio`).
Lowering the rate averages each output sample's share of the input (a box filter: enough to keep
speech intelligible and tones at their pitch; not a studio resampler), raising it interpolates
linearly.
"""

from __future__ import annotations

import sys
from array import array

STREAM_RATE_HZ = 8000
FRAME_S = 0.02  # one `media` message: 20 ms
FRAME_SAMPLES = 160  # 20 ms at 8 kHz: one frame's samples and μ-law bytes
SILENCE_BYTE = 0xFF  # μ-law for 0
_BIAS = 0x84
_CLIP = 32635


def _encode_sample(sample: int) -> int:
    sign = 0x80 if sample < 0 else 0
    magnitude = min(-sample if sign else sample, _CLIP) + _BIAS
    exponent = max(0, magnitude.bit_length() - 8)  # the segment: position of the top bit past 7
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def _decode_byte(code: int) -> int:
    code = ~code & 0xFF
    exponent = (code >> 4) & 0x07
    magnitude = (((code & 0x0F) << 3) + _BIAS) << exponent
    magnitude -= _BIAS
    return -magnitude if code & 0x80 else magnitude


# Indexed by the sample as an unsigned 16-bit number (two's complement), so an array('h') can be
# read through an unsigned view without converting.
_ENCODE = bytes(_encode_sample(n - 0x10000 if n >= 0x8000 else n) for n in range(0x10000))
_DECODE = tuple(_decode_byte(code) for code in range(256))
SILENT_FRAME = bytes([SILENCE_BYTE]) * FRAME_SAMPLES


def encode(samples: array[int]) -> bytes:
    """μ-law bytes of signed 16-bit samples (one byte per sample)."""
    unsigned = memoryview(samples).cast("B").cast("H")
    return bytes(map(_ENCODE.__getitem__, unsigned))


def decode(data: bytes) -> array[int]:
    """Signed 16-bit samples of μ-law bytes."""
    return array("h", map(_DECODE.__getitem__, data))


def pcm16_from_bytes(data: bytes) -> array[int]:
    """Samples of raw 16-bit signed little-endian PCM (a trailing odd byte is dropped)."""
    samples = array("h", data[: len(data) // 2 * 2])
    if sys.byteorder == "big":  # pragma: no cover - little-endian machines
        samples.byteswap()
    return samples


def resample(samples: array[int], from_hz: int, to_hz: int) -> array[int]:
    """The samples at another rate (box-filtered when lowering, linear when raising)."""
    if from_hz == to_hz or not samples:
        return array("h", samples)
    count = len(samples) * to_hz // from_hz
    if from_hz > to_hz and from_hz % to_hz == 0:
        step = from_hz // to_hz
        return array("h", (sum(samples[i * step : i * step + step]) // step for i in range(count)))
    if from_hz > to_hz:
        return _lowered(samples, from_hz, to_hz, count)
    last = len(samples) - 1
    out = array("h", bytes(2 * count))
    for i in range(count):
        position = i * from_hz / to_hz
        left = int(position)
        right = min(left + 1, last)
        fraction = position - left
        out[i] = round(samples[left] * (1 - fraction) + samples[right] * fraction)
    return out


def _lowered(samples: array[int], from_hz: int, to_hz: int, count: int) -> array[int]:
    """Each output sample the mean of the input samples in its share of time."""
    out = array("h", bytes(2 * count))
    for i in range(count):
        lo = i * from_hz // to_hz
        hi = max(lo + 1, (i + 1) * from_hz // to_hz)
        window = samples[lo:hi]
        out[i] = sum(window) // len(window)
    return out
