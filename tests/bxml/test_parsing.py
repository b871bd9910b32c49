"""parse: SDK quirks (spec §4.7), defaults, trimming, and no exception but BxmlError, ever."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ringback.bxml import (
    Bridge,
    BxmlError,
    Conference,
    Document,
    Gather,
    Hangup,
    Pause,
    Record,
    Redirect,
    SpeakSentence,
    StartRecording,
    Tag,
    check,
    parse,
    render,
)

from .strategies import documents, xml_chars


def only(text: str, context: str = "call") -> object:
    """The single verb of a document."""
    (verb,) = parse(text, context).verbs
    return verb


@pytest.mark.parametrize("spelling", ["true", "True", "TRUE", " true "])
def test_parsing_booleans_are_case_insensitive(spelling: str) -> None:
    """Booleans written True/False (older SDK builds) read like true/false."""
    verb = only(
        f'<Response><StartRecording multiChannel="{spelling}" transcribe="False"/></Response>'
    )
    assert verb == StartRecording(multi_channel=True, transcribe=False)


def test_parsing_conference_name_attribute_is_accepted() -> None:
    """`<Conference name="x"/>` (SDK git HEAD) means the same as text content; both may agree."""
    expected = Conference("conf1", mute=True)
    assert only('<Response><Conference name="conf1" mute="true"/></Response>') == expected
    assert (
        only('<Response><Conference name="conf1" mute="true">conf1</Conference></Response>')
        == expected
    )


def test_parsing_sdk_typo_attributes_map_to_their_fields() -> None:
    """The typo attributes older SDK builds emitted fill the fields they were meant for."""
    bridge = only('<Response><Bridge bridgeTargetCompleteFallback_url="/f">c-1</Bridge></Response>')
    assert bridge == Bridge("c-1", bridge_target_complete_fallback_url="/f")
    record = only(
        '<Response><Record recordCompleteFallback_url="/f" '
        'recordCompleteFallback_method="GET"/></Response>'
    )
    assert record == Record(
        record_complete_fallback_url="/f", record_complete_fallback_method="GET"
    )


def test_parsing_record_always_emitted_max_duration_is_the_default() -> None:
    """`<Record maxDuration="60"/>` (what SDK Record() emits) equals a bare <Record/>."""
    assert only('<Response><Record maxDuration="60" /></Response>') == Record()


def test_parsing_fills_defaults() -> None:
    """Absent attributes take their spec §4.6 defaults."""
    gather = only("<Response><Gather/></Response>")
    assert isinstance(gather, Gather)
    assert (gather.max_digits, gather.first_digit_timeout, gather.inter_digit_timeout) == (50, 5, 5)
    assert (gather.gather_method, gather.terminating_digits, gather.repeat_count) == ("POST", "", 1)
    assert gather.gather_url is None
    assert gather.tag is None
    record = only("<Response><Record/></Response>")
    assert isinstance(record, Record)
    assert (record.terminating_digits, record.max_duration, record.file_format) == ("#", 60, "wav")
    assert only("<Response><Pause/></Response>") == Pause(1.0)


def test_parsing_empty_tag_attribute_differs_from_absent() -> None:
    """tag="" (clear the tag) stays "", distinct from an absent tag (None)."""
    assert only('<Response><Redirect redirectUrl="/r" tag=""/></Response>') == Redirect(
        "/r", tag=""
    )
    assert only('<Response><Redirect redirectUrl="/r"/></Response>') == Redirect("/r", tag=None)


def test_parsing_trims_text_content() -> None:
    """Text on its own lines (as in the docs' examples) is trimmed."""
    text = """<Bxml>
    <Bridge>
        c-86d8e3ba-3ab4b0bd-6a6c-4e0b-a3b6-1e1f2e7a4a5f
    </Bridge>
    <Tag>   </Tag>
    <SpeakSentence>
        Hello   there
    </SpeakSentence>
</Bxml>"""
    assert parse(text).verbs == (
        Bridge("c-86d8e3ba-3ab4b0bd-6a6c-4e0b-a3b6-1e1f2e7a4a5f"),
        Tag(""),
        SpeakSentence("Hello   there"),
    )


def test_parsing_methods_are_normalized_to_upper_case() -> None:
    """gatherMethod="get" is read as GET."""
    gather = only('<Response><Gather gatherUrl="/g" gatherMethod="get"/></Response>')
    assert isinstance(gather, Gather)
    assert gather.gather_method == "GET"


def test_parsing_comments_and_cdata_are_transparent() -> None:
    """Comments are ignored and CDATA is text."""
    text = "<Response><!-- hi --><Tag><![CDATA[a<b]]></Tag><!-- x --><Hangup/></Response>"
    assert parse(text) == Document((Tag("a<b"), Hangup()))


def test_parsing_conference_context_accepts_its_verbs_only() -> None:
    """The conference context accepts its six verbs and rejects the rest."""
    assert (
        check("<Bxml><SpeakSentence>hi</SpeakSentence><StopRecording/></Bxml>", "conference") == []
    )
    assert len(check("<Bxml><Pause/><Hangup/></Bxml>", "conference")) == 2


@settings(max_examples=200)
@given(st.one_of(st.text(xml_chars, max_size=200), st.binary(max_size=200)))
def test_parsing_arbitrary_input_raises_only_bxml_errors(text: str | bytes) -> None:
    """Any text or bytes at all: parse raises nothing but BxmlError; check never raises."""
    with contextlib.suppress(BxmlError):
        parse(text)
    assert all(isinstance(error, BxmlError) for error in check(text))


@st.composite
def mutated_documents(draw: st.DrawFn) -> str:
    """A valid rendered document with a slice deleted, replaced or duplicated."""
    text = render(draw(documents))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 20)))
    replacement = draw(
        st.one_of(
            st.text(xml_chars, max_size=10),
            st.sampled_from(['"', "<", ">", "/>", "</", "=", "&", "<Gather>", ' x="1"', "&#0;"]),
            st.just(text[start:end] * 2),
        )
    )
    return text[:start] + replacement + text[end:]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents(), st.sampled_from(["call", "transferAnswer", "conference"]))
def test_parsing_mutated_documents_raise_only_bxml_errors(text: str, context: str) -> None:
    """Near-valid documents, broken anywhere: only BxmlError, each with a line and column."""
    with contextlib.suppress(BxmlError):
        parse(text, context)
    for error in check(text, context):
        assert isinstance(error, BxmlError)
        assert error.line is not None
        assert error.line >= 1
        assert error.column is not None
        assert error.column >= 1
