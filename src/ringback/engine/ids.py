"""Deterministic ids in Bandwidth's formats, so that every run of a test is repeatable.

Bandwidth's ids are `c-` + hex groups 8-8-4-4-4-12 (47 characters for a call). We
derive the hex from a seed and a counter per kind, so the same calls get the same ids each run.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter

# v1 ids: a prefix, a dash and 23 characters of lower-case RFC 4648 base32 (v1 spec §1.2).
V1_ID_LENGTH = 23


class IdSource:
    """Hands out ids: calls `c-`, conferences `conf-`, recordings `r-`, transcriptions `t-`, ..."""

    def __init__(self, seed: str = "ringback") -> None:
        self._seed = seed
        self._counts: Counter[str] = Counter()

    def _hex(self, kind: str) -> str:
        self._counts[kind] += 1
        digest = hashlib.sha256(f"{self._seed}:{kind}:{self._counts[kind]}".encode()).hexdigest()
        # 8-8-4-4-4-12 hex groups, the third-to-last shaped like a version-4 UUID's.
        return (
            f"{digest[:8]}-{digest[8:16]}-{digest[16:20]}-4{digest[21:24]}-"
            f"{_variant(digest[24])}{digest[25:28]}-{digest[28:40]}"
        )

    def call(self) -> str:
        """A call id, e.g. `c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85`."""
        return "c-" + self._hex("call")

    def conference(self) -> str:
        """A conference id (`conf-...`)."""
        return "conf-" + self._hex("conference")

    def recording(self) -> str:
        """A recording id (`r-...`)."""
        return "r-" + self._hex("recording")

    def transcription(self) -> str:
        """A transcription id (`t-...`)."""
        return "t-" + self._hex("transcription")

    def stream(self) -> str:
        """A media stream id (`s-...`)."""
        return "s-" + self._hex("stream")

    def v1(self, prefix: str) -> str:
        """A v1 resource id such as `c-dv3ptskz3d4qgi7kd2q5jka` (`prefix` is `c`, `a`, `n`, ...)."""
        kind = f"v1-{prefix}"
        self._counts[kind] += 1
        digest = hashlib.sha256(f"{self._seed}:{kind}:{self._counts[kind]}".encode()).digest()
        return f"{prefix}-{base64.b32encode(digest).decode('ascii').lower()[:V1_ID_LENGTH]}"

    def error(self) -> str:
        """An `errorId`: a plain UUID."""
        h = self._hex("error")
        return f"{h[:8]}-{h[18:22]}-{h[23:27]}-{h[28:32]}-{h[33:45]}"


def _variant(nibble: str) -> str:
    return "89ab"[int(nibble, 16) % 4]
