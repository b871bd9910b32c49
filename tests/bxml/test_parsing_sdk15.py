"""BXML written by bandwidth-sdk 15.0.1 (what Bandwidth's sample apps pin): unset attributes."""

from __future__ import annotations

from ringback import bxml
from ringback.bxml.verbs import Gather, Record, Ring
from sdk_envs import run_sdk_script

SDK15_DOCUMENT = """
    import json
    from bandwidth.models.bxml import Gather, PhoneNumber, Record, Response, Ring, SpeakSentence
    from bandwidth.models.bxml import Transfer
    document = Response([
        Gather(gather_url="/gather", max_digits=1, audio_verbs=[SpeakSentence("press one")]),
        Ring(duration=2),
        Transfer(transfer_to=[PhoneNumber("+15551234567")]),
        Record(record_complete_url="/recorded"),
    ])
    print(json.dumps(document.to_bxml()))
"""


def test_parsing_sdk15_unset_attributes_read_as_absent() -> None:
    """The SDK writes `interDigitTimeout="None"`: each is taken as absent, with a note."""
    text = run_sdk_script("15.0.1", SDK15_DOCUMENT)
    assert 'answerCall="None"' in text  # the quirk this is about, as the SDK writes it
    document = bxml.parse(text)
    gather, ring, _transfer, record = document.verbs
    assert isinstance(gather, Gather)
    assert gather.inter_digit_timeout == Gather(gather_url="/gather").inter_digit_timeout
    assert gather.max_digits == 1
    assert isinstance(ring, Ring)
    assert ring.answer_call is True
    assert isinstance(record, Record)
    assert record.max_duration == Record().max_duration
    assert any('<Ring> answerCall="None" read as absent' in note for note in document.notes)
    assert len(document.notes) == text.count('="None"')


def test_parsing_none_on_a_required_attribute_is_still_missing() -> None:
    """`None` is absence, so a required attribute written so is reported missing."""
    errors = bxml.check('<Response><Redirect redirectUrl="None"/></Response>')
    assert [error.message for error in errors] == ["<Redirect> requires the redirectUrl attribute"]
