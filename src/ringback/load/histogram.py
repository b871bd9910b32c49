"""A log-linear latency histogram in the manner of HdrHistogram, with mergeable buckets.

How this works. A value (an integer number of microseconds) below 2**SIGNIFICANT_BITS has a
bucket of its own; above that, each power of two is cut into 2**(SIGNIFICANT_BITS - 1) equal
buckets, so a bucket is never wider than 1/128 of the values in it. A percentile is read as the
highest value of its bucket (as HdrHistogram's "highest equivalent value"), capped at the exact
maximum: it never under-states and over-states by at most `RELATIVE_PRECISION`. Memory is one
dict entry per occupied bucket (a few hundred for any latency spread); histograms from many
processes merge by adding counts, exactly, which a list of samples or an average could not.

`hdrhistogram` on PyPI does the same but is a C extension with a base64/zlib wire form; the few
lines here are pure Python, serialise to plain JSON and are all this needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

SIGNIFICANT_BITS = 8
_SUB_BUCKETS = 1 << (SIGNIFICANT_BITS - 1)  # buckets per power of two above the exact range
_EXACT_BELOW = 1 << SIGNIFICANT_BITS  # values below this have a bucket each
RELATIVE_PRECISION = 1 / _SUB_BUCKETS  # the widest bucket, relative to its lowest value
_US_PER_MS = 1000.0


def bucket_of(value: int) -> int:
    """The index of the bucket holding `value` (a non-negative integer)."""
    if value < _EXACT_BELOW:
        return value
    shift = value.bit_length() - SIGNIFICANT_BITS
    return shift * _SUB_BUCKETS + (value >> shift)


def bucket_bounds(index: int) -> tuple[int, int]:
    """The lowest and highest value of a bucket."""
    if index < _EXACT_BELOW:
        return index, index
    shift = (index >> (SIGNIFICANT_BITS - 1)) - 1
    top = index - shift * _SUB_BUCKETS
    return top << shift, ((top + 1) << shift) - 1


class Histogram:
    """Counts of integer values (microseconds, by convention) in log-linear buckets."""

    __slots__ = ("counts", "max", "min", "total")

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.total = 0
        self.min = 0
        self.max = 0

    def record(self, value: int, count: int = 1) -> None:
        """Count `value` (negative values count as 0) `count` times."""
        value = max(0, value)
        index = bucket_of(value)
        self.counts[index] = self.counts.get(index, 0) + count
        if self.total == 0 or value < self.min:
            self.min = value
        self.max = max(self.max, value)
        self.total += count

    def record_ms(self, milliseconds: float) -> None:
        """Count a duration given in milliseconds (kept to the microsecond)."""
        self.record(round(milliseconds * _US_PER_MS))

    def merge(self, other: Histogram) -> None:
        """Add another histogram's counts to this one (exact: buckets are the same)."""
        if other.total == 0:
            return
        for index, count in other.counts.items():
            self.counts[index] = self.counts.get(index, 0) + count
        self.min = other.min if self.total == 0 else min(self.min, other.min)
        self.max = max(self.max, other.max)
        self.total += other.total

    def percentile(self, percent: float) -> int:
        """The value at or below which `percent` % of the counts lie (0 when empty).

        Nearest rank: the smallest bucket whose cumulative count reaches `percent` of the total,
        read as its highest value, capped at the maximum seen.
        """
        if not 0 <= percent <= 100:
            raise ValueError(f"a percentile is between 0 and 100, not {percent}")
        if self.total == 0:
            return 0
        rank = max(1, math.ceil(percent / 100 * self.total))
        seen = 0
        for index in sorted(self.counts):
            seen += self.counts[index]
            if seen >= rank:
                return min(self.max, max(self.min, bucket_bounds(index)[1]))
        return self.max

    def percentile_ms(self, percent: float) -> float:
        """`percentile` in milliseconds."""
        return self.percentile(percent) / _US_PER_MS

    def to_wire(self) -> dict[str, object]:
        """A JSON-ready form that `from_wire` reads back exactly."""
        return {
            "significantBits": SIGNIFICANT_BITS,
            "min": self.min,
            "max": self.max,
            "counts": [[index, count] for index, count in sorted(self.counts.items())],
        }

    @classmethod
    def from_wire(cls, data: Mapping[str, object]) -> Histogram:
        """The histogram `to_wire` wrote (from another process, or another run)."""
        if data.get("significantBits") != SIGNIFICANT_BITS:
            raise ValueError(
                f"histogram precision {data.get('significantBits')!r} is not {SIGNIFICANT_BITS}"
            )
        histogram = cls()
        pairs = data.get("counts")
        if not isinstance(pairs, Iterable):
            raise ValueError("histogram counts must be a list of [bucket, count] pairs")
        for index, count in pairs:
            histogram.counts[int(index)] = int(count)
            histogram.total += int(count)
        histogram.min = int(data.get("min", 0))  # type: ignore[call-overload]
        histogram.max = int(data.get("max", 0))  # type: ignore[call-overload]
        return histogram
