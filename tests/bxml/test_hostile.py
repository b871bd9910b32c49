"""Hostile BXML costs little and raises only BXML errors (issue 9, items 1 and 9).

An app's reply is parsed on the event loop, so a slow document stalls every call. The bound
below is generous on purpose (no document may take a second; the fixed parser takes a few
milliseconds, the broken number pattern took a minute at 64 KB): it catches super-linear work,
not speed. `make bench` reports the real worst case (bench/parse_worst.py).
"""

from __future__ import annotations

import contextlib
import os
import time

import pytest
from bench.parse_worst import documents
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ringback import bxml
from ringback.bxml.safe_xml import MAX_DOCUMENT_BYTES, MAX_ELEMENTS
from ringback.bxml.values import BadValue, Kind, convert
from ringback.errors import BxmlError

from .strategies import hostile_element

GENEROUS_BOUND_S = 1.0  # CPU seconds for one document of at most 64 KB
HOSTILE = documents()
# `make soak` raises it (RINGBACK_FUZZ_EXAMPLES=5000); the suite keeps the fuzz to seconds.
FUZZ_EXAMPLES = int(os.environ.get("RINGBACK_FUZZ_EXAMPLES", "100"))


def parse_cpu_seconds(document: str | bytes) -> float:
    """CPU time of one parse; only BxmlError may escape."""
    started = time.process_time()
    try:
        bxml.parse(document)
        bxml.check(document)
    except BxmlError:
        pass
    return time.process_time() - started


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_document_is_parsed_in_bounded_time(name: str) -> None:
    """Each adversarial document of the benchmark, as text and as bytes, parses quickly."""
    document = HOSTILE[name]
    assert len(document.encode()) <= MAX_DOCUMENT_BYTES
    assert parse_cpu_seconds(document) < GENEROUS_BOUND_S
    assert parse_cpu_seconds(document.encode()) < GENEROUS_BOUND_S


@pytest.mark.parametrize("kind", [Kind.SECONDS, Kind.MILLISECONDS, Kind.INT])
@pytest.mark.parametrize("tail", ["x", ".1.", "e1e", "e"])
def test_hostile_long_number_is_refused_quickly(kind: Kind, tail: str) -> None:
    """A 60,000-digit value that is not a number fails at once (it backtracked for a minute)."""
    started = time.process_time()
    with pytest.raises(BadValue, match=r"60001 characters|60002 characters|60003 characters"):
        convert(kind, "1" * 60_000 + tail, low=0, high=100)
    assert time.process_time() - started < GENEROUS_BOUND_S


def test_hostile_long_value_is_cut_short_in_the_message() -> None:
    """The error names the value without repeating 64 KB of it."""
    with pytest.raises(bxml.BxmlInvalidError) as caught:
        bxml.parse(HOSTILE["seconds-digits"])
    assert len(str(caught.value)) < 300
    assert "<Pause> duration" in str(caught.value)


def test_hostile_check_reports_at_most_a_hundred_errors() -> None:
    """`check` on hundreds of bad verbs stops at a hundred errors, in document order."""
    errors = bxml.check("<Response>\n" + "<Nope/>\n" * 400 + "</Response>")
    assert len(errors) == 100
    assert [error.line for error in errors] == list(range(2, 102))


def test_hostile_thousands_of_elements_are_refused_at_the_first_past_the_limit() -> None:
    """64 KB of `<Pause/>` is 8,000 verbs to check and build on the event loop: refused, naming
    the limit and where it was passed; the limit itself is still read."""
    at_limit = "<Response>" + "<Pause/>" * MAX_ELEMENTS + "</Response>"
    assert len(bxml.parse(at_limit).verbs) == MAX_ELEMENTS
    for document in (HOSTILE["many-verbs"], HOSTILE["ssml-breaks"], HOSTILE["many-bad-verbs"]):
        with pytest.raises(bxml.BxmlSyntaxError) as raised:
            bxml.parse(document)
        assert f"more than {MAX_ELEMENTS} elements" in str(raised.value)
        assert raised.value.line == 1
        assert document.encode().find(b"<", raised.value.column - 2) == raised.value.column - 1
        assert [str(error) for error in bxml.check(document)] == [str(raised.value)]


# ---- the fuzz ------------------------------------------------------------------------------

hostile_documents = st.one_of(
    st.lists(hostile_element(), max_size=6).map(
        lambda verbs: f"<Response>{''.join(verbs)}</Response>"
    ),
    st.binary(max_size=200),
    st.text(max_size=200),
)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_documents, st.sampled_from(["call", "conference"]))
def test_hostile_fuzz_only_bxml_errors_escape(document: str | bytes, context: str) -> None:
    """Parse + validate of random documents raises nothing but BxmlError, quickly."""
    started = time.process_time()
    with contextlib.suppress(BxmlError):
        bxml.parse(document, context=context)
    errors = bxml.check(document, context=context)
    assert all(isinstance(error, BxmlError) for error in errors)
    assert time.process_time() - started < GENEROUS_BOUND_S
