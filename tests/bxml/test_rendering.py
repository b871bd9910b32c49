"""render gives canonical BXML, and parse(render(d)) == d for every valid document."""

from __future__ import annotations

from bandwidth.models import bxml as sdk
from hypothesis import HealthCheck, given, settings

from ringback.bxml import (
    Conference,
    Document,
    Gather,
    Hangup,
    PhoneNumber,
    Record,
    SpeakSentence,
    Tag,
    Transfer,
    parse,
    render,
)

from .strategies import documents


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_rendering_round_trips_every_valid_document(document: Document) -> None:
    """parse(render(d)) == d for generated documents covering every verb and attribute."""
    assert parse(render(document)) == document


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_rendering_is_a_fixed_point(document: Document) -> None:
    """Rendering is canonical: render(parse(render(d))) == render(d)."""
    text = render(document)
    assert render(parse(text)) == text


def test_rendering_omits_defaults_and_keeps_table_order() -> None:
    """Attributes equal to their default are left out; the rest follow the table's order."""
    document = Document(
        (
            Gather(max_digits=3, gather_url="/g", first_digit_timeout=5.0, tag=""),
            Record(),
            Hangup(),
        )
    )
    assert render(document) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<Response>\n"
        '  <Gather gatherUrl="/g" tag="" maxDigits="3"/>\n'
        "  <Record/>\n"
        "  <Hangup/>\n"
        "</Response>\n"
    )


def test_rendering_sdk_document_is_normalized() -> None:
    """An SDK document renders canonically: defaults dropped, numbers shortest, text escaped."""
    text = sdk.Response(
        [
            sdk.Record(max_duration=60, transcribe=False),
            sdk.Conference("c1", mute=True, callback_timeout="2.50"),
            sdk.SpeakSentence('a < b <break time="1s"/>'),
        ]
    ).to_bxml()
    assert render(parse(text)).splitlines()[2:5] == [
        "  <Record/>",
        '  <Conference mute="true" callbackTimeout="2.5">c1</Conference>',
        '  <SpeakSentence>a &lt; b <break time="1s"/></SpeakSentence>',
    ]


def test_rendering_nested_and_empty_forms() -> None:
    """Nested elements are indented; an empty document and an empty <Tag/> self-close."""
    assert render(Document(root="Bxml")).endswith("<Bxml/>\n")
    text = render(Document((Transfer((PhoneNumber("+15551112222"),)), Tag(""), Conference("x"))))
    assert text.splitlines()[1:] == [
        "<Response>",
        "  <Transfer>",
        "    <PhoneNumber>+15551112222</PhoneNumber>",
        "  </Transfer>",
        "  <Tag/>",
        "  <Conference>x</Conference>",
        "</Response>",
    ]


def test_rendering_escapes_attribute_whitespace_and_quotes() -> None:
    """Tabs, newlines and quotes in attribute values survive a round trip."""
    document = Document((Gather(tag='a\tb\nc"d&e'), SpeakSentence("Tom &amp; Jerry")))
    assert parse(render(document)) == document
