"""Timestamps and durations: converters and their wire forms (spec §1.2)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ringback.events import (
    EventError,
    duration_from_seconds,
    epoch_from_timestamp,
    seconds_from_duration,
    timestamp_from_epoch,
)
from ringback.events.formats import is_duration, is_timestamp

from .strategies import durations, timestamps


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1561046065.435, "2019-06-20T15:54:25.435Z"),
        (0, "1970-01-01T00:00:00.000Z"),
        (1561046065.4356, "2019-06-20T15:54:25.436Z"),
        (1561046065, "2019-06-20T15:54:25.000Z"),
    ],
)
def test_formats_timestamp_from_epoch_has_milliseconds_and_z(seconds: float, text: str) -> None:
    """Epoch seconds become ISO-8601 UTC with exactly three fraction digits and `Z`."""
    assert timestamp_from_epoch(seconds) == text
    assert epoch_from_timestamp(text) == pytest.approx(round(seconds, 3), abs=1e-6)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (20.056, "PT20.056S"),
        (112.5, "PT1M52.5S"),
        (112.217257456, "PT1M52.217257456S"),
        (4.9891287, "PT4.9891287S"),
        (0, "PT0S"),
        (60, "PT1M"),
        (3600, "PT1H"),
        (3661.5, "PT1H1M1.5S"),
    ],
)
def test_formats_duration_from_seconds_like_java(seconds: float, text: str) -> None:
    """Durations are written as Bandwidth's examples (java.time.Duration) write them."""
    assert duration_from_seconds(seconds) == text
    assert seconds_from_duration(text) == seconds


@pytest.mark.parametrize(
    "bad", ["2019-09-13-16:48:27.198Z", "2019-06-20 15:54:25.435Z", "2019-06-20T15:54:25.435+00:00"]
)
def test_formats_epoch_from_timestamp_rejects_malformed(bad: str) -> None:
    """The docs' malformed `2019-09-13-16:48:27.198Z` and other non-UTC forms are refused."""
    assert not is_timestamp(bad)
    with pytest.raises(EventError, match="ISO-8601"):
        epoch_from_timestamp(bad)


def test_formats_epoch_from_timestamp_checks_the_calendar() -> None:
    """February 30th matches the pattern but is not a date."""
    with pytest.raises(EventError, match="calendar"):
        epoch_from_timestamp("2019-02-30T00:00:00.000Z")


@pytest.mark.parametrize("bad", ["PT", "P1D", "PT1.5M", "20.056", "PT-1S", "PT1S1M"])
def test_formats_seconds_from_duration_rejects_malformed(bad: str) -> None:
    """Only PT[nH][nM][n[.f]S] with at least one part is a duration."""
    assert not is_duration(bad)
    with pytest.raises(EventError, match="duration"):
        seconds_from_duration(bad)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_formats_duration_from_seconds_rejects_impossible(bad: float) -> None:
    """Negative or non-finite lengths are errors, not strange strings."""
    with pytest.raises(EventError):
        duration_from_seconds(bad)


@settings(max_examples=200)
@given(st.integers(min_value=-(10**11), max_value=10**11).map(lambda ms: ms / 1000))
def test_formats_timestamp_round_trip_at_millisecond_precision(seconds: float) -> None:
    """Any millisecond instant converts to text and back to the same instant."""
    text = timestamp_from_epoch(seconds)
    assert is_timestamp(text)
    assert epoch_from_timestamp(text) == seconds
    assert timestamp_from_epoch(epoch_from_timestamp(text)) == text


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**15))
def test_formats_duration_round_trip_at_nanosecond_precision(nanos: int) -> None:
    """Durations up to ~11 days keep all nine fraction digits through seconds and back."""
    text = duration_from_seconds(nanos / 10**9)
    assert is_duration(text)
    assert duration_from_seconds(seconds_from_duration(text)) == text


@settings(max_examples=100)
@given(timestamps(), durations())
def test_formats_generated_wire_values_are_accepted(timestamp: str, duration: str) -> None:
    """The strategies used elsewhere only produce valid wire values."""
    assert is_timestamp(timestamp)
    assert is_duration(duration)


def test_formats_timestamp_from_epoch_rejects_bool_after_int() -> None:
    """`True` is refused even once `1` has been formatted (remembered results are typed)."""
    assert timestamp_from_epoch(1) == "1970-01-01T00:00:01.000Z"
    with pytest.raises(EventError, match="number of seconds"):
        timestamp_from_epoch(True)
