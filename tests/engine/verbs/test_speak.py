"""`<SpeakSentence>`: timed by its words and SSML breaks; heard by the far end."""

from __future__ import annotations

import pytest
from bandwidth.models.bxml import Hangup, SpeakSentence

from ringback.bxml import parse
from ringback.engine.media import Side, Sound
from ringback.engine.sim import Routes, Simulation
from ringback.engine.verbs.prompt import TTS_SECONDS_PER_WORD, speech_seconds
from ringback.phones.script import parse_script

from ..documents import response


def test_speak_lasts_by_words_and_breaks() -> None:
    """Four words and a one-second break."""
    (sentence,) = parse(
        '<Response><SpeakSentence>one two <break time="1s"/> three four</SpeakSentence></Response>'
    ).verbs
    assert speech_seconds(sentence) == pytest.approx(4 * TTS_SECONDS_PER_WORD + 1.0)


def test_speak_plays_then_hangs_up() -> None:
    """The call lasts as long as the sentence; the prompt is on the media log."""
    text = "thank you for calling goodbye"
    sim = Simulation(Routes({"/answer": response(SpeakSentence(text, voice="julie"), Hangup())}))
    call_id = sim.place_call("http://app.test/answer", disconnect_url="http://app.test/d")
    sim.run()
    answer, disconnect = sim.webhooks
    assert disconnect.at - answer.at == pytest.approx(5 * TTS_SECONDS_PER_WORD)
    (segment,) = sim.call(call_id).media.segments
    assert (segment.side, segment.sound, segment.text) == (Side.PLATFORM, Sound.PROMPT, text)


def test_speak_far_end_waits_until_heard() -> None:
    """`waitFor heard` resumes once the matching sentence has played."""
    phone = parse_script({"steps": [{"waitFor": {"heard": "PRESS ONE"}}, {"hangup": True}]})
    reply = response(SpeakSentence("Welcome. Press one, for sales."), SpeakSentence("more"))
    sim = Simulation(Routes({"/answer": reply}))
    sim.place_call("http://app.test/answer", disconnect_url="http://app.test/d", phone=phone)
    sim.run()
    answer, disconnect = sim.webhooks
    assert disconnect.at - answer.at == pytest.approx(5 * TTS_SECONDS_PER_WORD)
    assert disconnect.payload["cause"] == "hangup"
