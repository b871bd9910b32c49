"""Speech recognition for tests: PocketSphinx and the US English model its wheel ships."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from functools import lru_cache

import pytest

pocketsphinx = pytest.importorskip("pocketsphinx")


@lru_cache(maxsize=1)
def _decoder() -> object:
    return pocketsphinx.Decoder(samprate=16000, logfn="/dev/null")


def recognise(samples_8k: Sequence[int]) -> str:
    """The words PocketSphinx hears in 8 kHz samples (raised to the model's 16 kHz)."""
    doubled = array("h")
    for i, sample in enumerate(samples_8k):
        following = samples_8k[i + 1] if i + 1 < len(samples_8k) else sample
        doubled.append(sample)
        doubled.append((sample + following) // 2)
    decoder = _decoder()
    decoder.start_utt()  # type: ignore[attr-defined]
    decoder.process_raw(doubled.tobytes(), full_utt=True)  # type: ignore[attr-defined]
    decoder.end_utt()  # type: ignore[attr-defined]
    hypothesis = decoder.hyp()  # type: ignore[attr-defined]
    return hypothesis.hypstr if hypothesis is not None else ""
