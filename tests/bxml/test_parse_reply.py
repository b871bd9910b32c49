"""parse_reply: a webhook's BXML reply, the documents read most recently remembered."""

from __future__ import annotations

import pytest

from ringback import bxml
from ringback.bxml.parsing import REPLY_CACHE_MAX_CHARS

HANGUP = "<Response><Hangup/></Response>"


def test_the_same_reply_is_read_once_and_equals_a_fresh_parse() -> None:
    first = bxml.parse_reply(HANGUP)
    assert bxml.parse_reply(HANGUP) is first
    assert first == bxml.parse(HANGUP)


def test_the_context_is_part_of_what_is_remembered() -> None:
    text = "<Response><PlayAudio>https://example.com/a.wav</PlayAudio></Response>"
    call = bxml.parse_reply(text, "call")
    conference = bxml.parse_reply(text, "conference")
    assert call is not conference
    with pytest.raises(bxml.BxmlInvalidError):
        bxml.parse_reply("<Response><Gather/></Response>", "conference")


def test_an_invalid_reply_raises_every_time() -> None:
    text = '<Response><Pause duration="soon"/></Response>'
    for _ in range(2):
        with pytest.raises(bxml.BxmlInvalidError):
            bxml.parse_reply(text)


def test_a_long_reply_is_parsed_each_time() -> None:
    speak = "<SpeakSentence>" + "word " * (REPLY_CACHE_MAX_CHARS // 5) + "</SpeakSentence>"
    text = f"<Response>{speak}</Response>"
    assert len(text) > REPLY_CACHE_MAX_CHARS
    first = bxml.parse_reply(text)
    assert bxml.parse_reply(text) is not first
    assert bxml.parse_reply(text) == first


def test_notes_of_a_lenient_reply_are_kept_with_it() -> None:
    text = '<Response><Gather maxDigits="None"/></Response>'
    assert bxml.parse_reply(text).notes == bxml.parse(text).notes != ()
