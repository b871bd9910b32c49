"""Remember how long an audio URL plays, for as long as its HTTP cache headers allow.

How this works. Bandwidth caches `<PlayAudio>` files "per HTTP cache headers" (spec §4.6). A
response may be reused for its freshness lifetime (RFC 9111 §4.2.1): `Cache-Control: max-age=N`,
else `Expires` minus `Date`, less any `Age` it has already spent in a cache on the way. A
response with `no-store`, with `no-cache` (reuse only after revalidating, which is as good as
fetching the file again), or with no lifetime at all is not kept: a test that changes the file
behind a URL hears the change. Only durations are kept, keyed by URL and credentials, and the
oldest entry goes first when the cache is full.

Pure: time arrives as an argument (the runtime's clock, virtual or real).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

DEFAULT_CACHE_ENTRIES = 256
CacheKey = tuple[str, str | None, str | None]  # url, username, password


@dataclass(frozen=True, slots=True)
class CacheHeaders:
    """The response headers that decide whether, and how long, a response may be reused."""

    cache_control: str = ""
    expires: str | None = None
    date: str | None = None
    age: str | None = None

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> CacheHeaders:
        """Collect them from header (name, value) pairs, names in any case, repeats joined."""
        controls: list[str] = []
        found: dict[str, str] = {}
        for name, value in pairs:
            key = name.lower()
            if key == "cache-control":
                controls.append(value)
            elif key in ("expires", "date", "age"):
                found.setdefault(key, value)
        return cls(", ".join(controls), found.get("expires"), found.get("date"), found.get("age"))

    def directives(self) -> dict[str, str | None]:
        """Cache-Control as {directive: value or None}, directives in lower case."""
        parsed: dict[str, str | None] = {}
        for part in self.cache_control.split(","):
            name, sep, value = part.strip().partition("=")
            if name:
                parsed.setdefault(name.strip().lower(), value.strip().strip('"') if sep else None)
        return parsed

    def lifetime_s(self, now: float) -> float | None:
        """Seconds the response stays fresh from `now`; None if it must not be reused."""
        directives = self.directives()
        if "no-store" in directives or "no-cache" in directives:
            return None
        lifetime = _seconds(directives.get("max-age"))
        if "max-age" in directives and lifetime is None:
            return None  # a malformed max-age makes the response stale (RFC 9111 §4.2.1)
        if lifetime is None and self.expires is not None:
            expires = _epoch(self.expires)
            if expires is None:
                return None  # an invalid Expires, such as "0", means already expired
            date = _epoch(self.date) if self.date is not None else None
            lifetime = expires - (date if date is not None else now)
        if lifetime is None:
            return None
        remaining = lifetime - (_seconds(self.age) or 0.0)
        return remaining if remaining > 0 else None


def _seconds(value: str | None) -> float | None:
    if value is None or not value.isdigit():
        return None
    return float(value)


def _epoch(http_date: str) -> float | None:
    try:
        return parsedate_to_datetime(http_date).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


class AudioCache:
    """Durations of fetched audio, each kept until its response stops being fresh."""

    def __init__(self, max_entries: int = DEFAULT_CACHE_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[CacheKey, tuple[float, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: CacheKey, now: float) -> float | None:
        """The cached duration for `key` if it is still fresh at `now`."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        duration_s, expires_at = entry
        if now >= expires_at:
            del self._entries[key]
            return None
        return duration_s

    def put(self, key: CacheKey, duration_s: float, headers: CacheHeaders, now: float) -> bool:
        """Keep a duration if the response's headers allow it; True if it was kept."""
        lifetime = headers.lifetime_s(now)
        if lifetime is None:
            self._entries.pop(key, None)
            return False
        self._entries[key] = (duration_s, now + lifetime)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return True

    def clear(self) -> None:
        """Forget everything (the control API's reset)."""
        self._entries.clear()
