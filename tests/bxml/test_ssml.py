"""SSML inside <SpeakSentence>: canonical markup, spoken words, and break durations."""

from __future__ import annotations

import pytest

from ringback.bxml import SpeakSentence, parse
from ringback.bxml.ssml import BREAK_STRENGTH_S, break_time_seconds


def sentence(markup: str) -> SpeakSentence:
    """The SpeakSentence that parsing `markup` inside one gives."""
    verb = parse(f"<Response><SpeakSentence>{markup}</SpeakSentence></Response>").verbs[0]
    assert isinstance(verb, SpeakSentence)
    return verb


def test_ssml_canonical_markup_sorts_attributes_self_closes_and_trims() -> None:
    """Inner markup is trimmed, attributes sorted, empty elements self-closed, text re-escaped."""
    markup = '\n   Hi <prosody volume="loud" rate="slow">there</prosody><break time="1s"></break> &gt; <![CDATA[a&b]]>  '  # noqa: E501
    assert sentence(markup).ssml == (
        'Hi <prosody rate="slow" volume="loud">there</prosody><break time="1s"/> &gt; a&amp;b'
    )


def test_ssml_words_strip_markup_and_speak_sub_alias() -> None:
    """words() drops markup, speaks <sub>'s alias, and splits at every element's edges."""
    speak = sentence(
        'Call <say-as interpret-as="telephone">5551234</say-as> at the'
        '<break time="1s"/>tone<s>now</s> <sub alias="World Wide Web">WWW</sub>. '
        '<phoneme ph="t@meItoU">tomato</phoneme>'
    )
    assert speak.words() == [
        "Call",
        "5551234",
        "at",
        "the",
        "tone",
        "now",
        "World",
        "Wide",
        "Web",
        ".",
        "tomato",
    ]


def test_ssml_words_of_hand_built_plain_text() -> None:
    """A hand-built SpeakSentence holding plain text with a stray `&` still gives its words."""
    assert SpeakSentence("Tom & Jerry <3").words() == ["Tom", "&", "Jerry", "<3"]


@pytest.mark.parametrize(
    ("markup", "seconds"),
    [
        ("no breaks", 0.0),
        ('a <break time="1.5s"/> b <break time="250ms"/>', 1.75),
        ("a <break/>", 0.5),
        ('a <break strength="x-strong"/> <break strength="none"/>', 2.0),
        ('a <break strength="weak" time="3s"/>', 3.0),
        ('a <break time="10s"/> <s>b <break strength="x-weak"/></s>', 10.1),
    ],
)
def test_ssml_break_seconds_sums_times_and_strengths(markup: str, seconds: float) -> None:
    """break_seconds() adds every <break>: time wins, strengths use the fixed table."""
    assert sentence(markup).break_seconds() == pytest.approx(seconds)


def test_ssml_break_strength_table_is_documented_values() -> None:
    """The strength table is the one docs/bxml.md documents."""
    assert BREAK_STRENGTH_S == {
        "none": 0.0,
        "x-weak": 0.1,
        "weak": 0.25,
        "medium": 0.5,
        "strong": 1.0,
        "x-strong": 2.0,
    }


@pytest.mark.parametrize(
    ("value", "seconds"), [("2s", 2.0), ("500ms", 0.5), (".5s", 0.5), ("1 s", None), ("2", None)]
)
def test_ssml_break_time_format(value: str, seconds: float | None) -> None:
    """Break times are a number followed by s or ms."""
    assert break_time_seconds(value) == seconds


def test_ssml_every_allowed_element_parses() -> None:
    """Every SSML element of spec §4.6 is accepted with its attributes."""
    speak = sentence(
        '<p><s>Hi <emphasis level="strong">you</emphasis></s></p>'
        '<lang xml:lang="fr-FR">bonjour</lang><phoneme alphabet="ipa" ph="x">y</phoneme>'
        '<prosody pitch="high" rate="fast" volume="soft">z</prosody>'
        '<say-as format="mdy" interpret-as="date">1/2/2024</say-as><sub alias="b">a</sub>'
        '<break strength="medium" time="1s"/>'
    )
    assert speak.words() == ["Hi", "you", "bonjour", "y", "z", "1/2/2024", "b"]
