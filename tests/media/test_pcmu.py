"""G.711 μ-law coding and the rate changes of media streams."""

from __future__ import annotations

import itertools
import math
from array import array

from ringback.media import pcmu


def test_pcmu_decode_then_encode_gives_every_code_back() -> None:
    """Each of the 256 codes decodes to a sample that encodes to the same code (0x7F is -0)."""
    codes = bytes(range(256))
    again = pcmu.encode(pcmu.decode(codes))
    assert [a for a, b in zip(codes, again, strict=True) if a != b] == [0x7F]


def test_pcmu_silence_is_0xff() -> None:
    """Zero samples are 0xFF, the silent frame is 160 of them."""
    assert pcmu.encode(array("h", [0, 0])) == b"\xff\xff"
    assert pcmu.SILENT_FRAME == b"\xff" * 160


def test_pcmu_error_stays_within_a_step() -> None:
    """μ-law keeps a sample within its segment's step (about 3 % of the value)."""
    samples = array("h", range(-32000, 32000, 97))
    for sample, back in zip(samples, pcmu.decode(pcmu.encode(samples)), strict=True):
        assert abs(sample - back) <= max(8, abs(sample) // 16)


def test_pcmu_resample_keeps_length_and_pitch() -> None:
    """24 kHz and 16 kHz to 8 kHz, 8 to 16: the right count, a 1 kHz tone stays at 1 kHz."""
    for rate in (24000, 16000, 11025):
        tone = array(
            "h", (round(8000 * math.sin(2 * math.pi * 1000 * n / rate)) for n in range(rate))
        )
        low = pcmu.resample(tone, rate, 8000)
        assert len(low) == 8000
        crossings = sum(1 for a, b in itertools.pairwise(low) if a < 0 <= b)
        assert 990 <= crossings <= 1010
    assert len(pcmu.resample(array("h", [1, 2, 3, 4]), 8000, 16000)) == 8


def test_pcmu_pcm16_drops_an_odd_byte() -> None:
    """Raw little-endian PCM: pairs of bytes, a stray last byte ignored."""
    assert list(pcmu.pcm16_from_bytes(b"\x01\x00\xff\xff\x07")) == [1, -1]
