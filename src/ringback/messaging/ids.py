"""Message ids in Bandwidth's formats, deterministic per seed (repeatable test runs).

v2: 29 characters, the creation time in epoch milliseconds (13 digits) then 16 lowercase base-36
characters (`1593110555875xo7watq5px6rbe5d`, messaging spec §1.2). v1: `m-` and 23 characters of
lower-case base32 (`m-lkb6bomtaz7z2rauff3h6by`, v1 spec §1.2).
"""

from __future__ import annotations

import hashlib
import itertools

_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


class MessageIds:
    """Hands out message ids from a seed and a counter."""

    def __init__(self, seed: str = "ringback") -> None:
        self._seed = seed
        self._count = itertools.count(1)

    def _digest(self, kind: str) -> int:
        data = f"{self._seed}:{kind}:{next(self._count)}".encode()
        return int.from_bytes(hashlib.sha256(data).digest(), "big")

    def v2(self, at: float) -> str:
        """`{epoch ms}{16 base-36 characters}`."""
        return f"{int(at * 1000):013d}"[-13:] + _encode(self._digest("v2"), _BASE36, 16)

    def v1(self) -> str:
        """`m-` + 23 base32 characters."""
        return "m-" + _encode(self._digest("v1"), _BASE32, 23)


def _encode(number: int, alphabet: str, length: int) -> str:
    chars = []
    for _ in range(length):
        number, digit = divmod(number, len(alphabet))
        chars.append(alphabet[digit])
    return "".join(chars)
