"""The v1 callbacks against the spec's example payloads (bandwidth-v1.md §3.2): the oracle."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from ringback import events_v1 as v1

# The spec's example payloads, as documented (values shortened where they are ours to choose).
SPEC_EXAMPLES: dict[str, dict[str, Any]] = {
    "answer": {
        "eventType": "answer", "from": "+15753222083", "to": "+13865245000", "callId": "c-1",
        "callUri": "https://x/calls/c-1", "callState": "active",
        "time": "2012-11-14T16:29:35Z", "tag": "example-tag",
    },
    "hangup": {
        "eventType": "hangup", "from": "+15302987472", "to": "+12702380149", "callId": "c-1",
        "callUri": "https://x/calls/c-1", "callState": "completed", "cause": "CALL_REJECTED",
        "time": "2014-04-23T11:53:43Z",
    },
    "timeout": {
        "eventType": "timeout", "from": "+16824595961", "to": "+12697047265", "callId": "c-5nq",
        "callUri": "https://x/calls/c-5nq", "time": "2014-09-23T06:30:39Z", "tag": "c-2mdp",
    },
    "playback": {
        "eventType": "playback", "callId": "c-z", "callUri": "https://x/calls/c-z",
        "status": "done", "time": "2012-11-14T15:56:06Z", "tag": "abc123",
    },
    "speak": {
        "eventType": "speak", "callId": "c-z", "callUri": "https://x/calls/c-z",
        "status": "done", "state": "PLAYBACK_STOP", "type": "speak",
        "time": "2013-06-26T17:55:46Z",
    },
    "dtmf": {
        "eventType": "dtmf", "callId": "c-xx", "callUri": "https://x/calls/c-xx",
        "dtmfDigit": "2", "dtmfDuration": "1400", "time": "2014-09-25T13:35:49Z",
    },
    "gather": {
        "eventType": "gather", "reason": "max-digits", "state": "completed", "digits": "25",
        "time": "2014-07-31T01:01:27Z", "callId": "c-1", "gatherId": "gtr-1", "tag": "t",
    },
    "recording": {
        "eventType": "recording", "callId": "c-c5zk", "recordingId": "rec-7k",
        "recordingUri": "https://x/recordings/rec-7k", "status": "complete",
        "state": "complete", "startTime": "2014-09-25T13:38:28Z",
        "endTime": "2014-09-25T13:41:02Z",
    },
    "transcription": {
        "eventType": "transcription", "transcriptionUri": "https://x/t/tr-1", "textSize": 3,
        "text": "Hey", "status": "completed", "textUrl": "https://x/media/tr-1",
        "recordingId": "rec-1", "state": "completed", "transcriptionId": "tr-1",
    },
    "conference": {
        "eventType": "conference", "conferenceId": "conf-e",
        "conferenceUri": "https://x/conferences/conf-e", "status": "created",
        "createdTime": "2013-07-12T16:26:55Z",
    },
    "conference-member": {
        "eventType": "conference-member", "activeMembers": 1, "callId": "c-w",
        "conferenceId": "conf-n", "hold": False, "memberId": "member-5",
        "memberUri": "https://x/members/member-5", "mute": False, "state": "active",
        "time": "2013-07-12T20:53:11Z",
    },
    "conference-speak": {
        "eventType": "conference-speak", "conferenceId": "conf-n",
        "conferenceUri": "https://x/conferences/conf-n", "status": "started",
        "time": "2013-07-12T21:22:55Z",
    },
}  # fmt: skip
CLASSES = {cls.__struct_config__.tag: cls for cls in v1.EVENT_CLASSES}


def build(wire: dict[str, Any]) -> v1.V1Event:
    """The model of a wire payload (snake_case keyword arguments)."""
    cls = CLASSES[wire["eventType"]]
    names = {field.encode_name: field.name for field in msgspec.structs.fields(cls)}
    return cls(**{names[key]: value for key, value in wire.items() if key != "eventType"})


@pytest.mark.parametrize("event_type", sorted(SPEC_EXAMPLES))
def test_events_v1_match_the_spec_examples_field_for_field(event_type: str) -> None:
    """Built from the example's values, the JSON is the example: same keys, same order."""
    example = SPEC_EXAMPLES[event_type]
    event = build(example)
    assert json.loads(v1.to_json(event)) == example
    assert list(json.loads(v1.to_json(event))) == list(example)


def test_events_v1_get_form_is_the_same_fields_as_query_pairs() -> None:
    """GET callbacks: one pair per field in wire order, booleans as true/false (§4.1)."""
    event = build(SPEC_EXAMPLES["conference-member"])
    pairs = v1.to_query(event)
    assert pairs[0] == ("eventType", "conference-member")
    assert ("hold", "false") in pairs
    assert ("activeMembers", "1") in pairs
    assert [key for key, _ in pairs] == list(SPEC_EXAMPLES["conference-member"])


def test_events_v1_every_seed_voice_event_has_a_model() -> None:
    """The fifteen voice events of seed 003 (a reject is a hangup): every one is modelled."""
    assert set(CLASSES) == {
        "incomingcall", "answer", "hangup", "timeout", "playback", "speak", "dtmf", "gather",
        "recording", "transcription", "conference", "conference-member",
        "conference-playback", "conference-speak",
    }  # fmt: skip
