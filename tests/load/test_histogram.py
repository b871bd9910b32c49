"""The log-linear histogram: exact below 256 µs, within 1/128 above, merges exactly."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringback.load.histogram import (
    RELATIVE_PRECISION,
    Histogram,
    bucket_bounds,
    bucket_of,
)


def nearest_rank(values: list[int], percent: float) -> int:
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * percent // 100))
    return ordered[int(rank) - 1]


@given(st.integers(min_value=0, max_value=10**12))
def test_bucket_holds_its_value_and_is_narrow(value: int) -> None:
    """Every value lies in its bucket, and the bucket is at most 1/128 of its values wide."""
    low, high = bucket_bounds(bucket_of(value))
    assert low <= value <= high
    assert high - low <= low * RELATIVE_PRECISION


def test_buckets_are_contiguous() -> None:
    """Bucket i+1 starts where bucket i ends, so no value falls between buckets."""
    for index in range(5000):
        assert bucket_bounds(index + 1)[0] == bucket_bounds(index)[1] + 1


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=300))
def test_percentiles_within_precision(values: list[int]) -> None:
    """Each percentile is the true nearest-rank value or above it by at most 1/128."""
    histogram = Histogram()
    for value in values:
        histogram.record(value)
    for percent in (0, 50, 90, 99, 99.9, 100):
        true = nearest_rank(values, percent)
        read = histogram.percentile(percent)
        assert true <= read <= true * (1 + RELATIVE_PRECISION)
    assert histogram.max == max(values)
    assert histogram.min == min(values)


def test_small_values_exact() -> None:
    """Below 256 µs every value has its own bucket."""
    histogram = Histogram()
    for value in range(1, 101):
        histogram.record(value)
    assert histogram.percentile(50) == 50
    assert histogram.percentile(99) == 99


def test_merge_equals_one_histogram() -> None:
    """Histograms from several workers merge into exactly what one would have counted."""
    rng = random.Random(7)
    values = [int(rng.lognormvariate(9, 1.5)) for _ in range(3000)]
    whole, parts = Histogram(), [Histogram() for _ in range(3)]
    for index, value in enumerate(values):
        whole.record(value)
        parts[index % 3].record(value)
    merged = Histogram()
    for part in parts:
        merged.merge(Histogram.from_wire(part.to_wire()))
    assert merged.counts == whole.counts
    assert (merged.total, merged.min, merged.max) == (whole.total, whole.min, whole.max)
    assert merged.percentile(99.9) == whole.percentile(99.9)


def test_record_ms_and_empty() -> None:
    """Milliseconds are kept to the microsecond; an empty histogram reads 0."""
    histogram = Histogram()
    assert histogram.percentile(99) == 0
    histogram.record_ms(1.5)
    assert histogram.percentile_ms(50) == 1.5


def test_wire_checks_precision() -> None:
    """A histogram of another precision is refused, not merged wrongly."""
    with pytest.raises(ValueError, match="precision"):
        Histogram.from_wire({"significantBits": 5, "counts": []})
    with pytest.raises(ValueError, match="between 0 and 100"):
        Histogram().percentile(101)
