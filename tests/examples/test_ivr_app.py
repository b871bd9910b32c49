"""The example IVR app (examples/ivr_app.py), every branch, through the emulator."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from bandwidth import GatherCallback, RecordingAvailableCallback, TransferCompleteCallback

from ringback.cli.demo import VOICEMAIL_WORDS, configure, serve_app
from ringback.hosting.local_call import CallReport, follow, local_platform
from ringback.phones.script import parse_script
from ringback.runtime import Platform

IVR_NUMBER = "+15551112222"
AGENT_NUMBER = "+15557770001"
CALLER = "+15553330009"


@dataclass
class Ivr:
    """The app and a platform that routes IVR_NUMBER to it; AGENT_NUMBER has a phone."""

    platform: Platform
    app: Any
    module: ModuleType

    @property
    def log(self) -> Any:
        """What the app has seen."""
        return self.app[self.module.IVR_LOG]

    async def call(self, steps: list[dict[str, Any]]) -> CallReport:
        """A caller with these steps dials the IVR; the call runs to its end."""
        phone = parse_script({"steps": steps})
        call_id = self.platform.inbound_call(CALLER, IVR_NUMBER, phone=phone)
        return await follow(self.platform, call_id, timeout_s=10)


@pytest.fixture
async def ivr(ivr_module: ModuleType) -> AsyncIterator[Ivr]:
    """The IVR app on loopback and a started platform configured as `ringback demo` does."""
    app = ivr_module.create_app(agent_number=AGENT_NUMBER)
    async with serve_app(app) as base_url, local_platform() as platform:
        configure(platform, base_url)
        yield Ivr(platform, app, ivr_module)


def requests(report: CallReport, event_type: str) -> list[dict[str, Any]]:
    """The bodies of the call's webhooks of one type."""
    return [
        json.loads(entry["detail"]["request_body"])
        for entry in report.timeline
        if entry["kind"] == "webhook" and entry["detail"]["event_type"] == event_type
    ]


def responses(report: CallReport, event_type: str) -> list[str]:
    """The app's answers (BXML) to the call's webhooks of one type."""
    return [
        entry["detail"]["response_body"]
        for entry in report.timeline
        if entry["kind"] == "webhook" and entry["detail"]["event_type"] == event_type
    ]


async def test_ivr_app_sales_transfer_answered_by_agent(ivr: Ivr) -> None:
    """1: the caller is transferred; the agent's phone answers and talks; transferComplete."""
    report = await ivr.call([{"waitFor": "gather"}, {"press": "1"}])
    assert report.ended_normally
    (leg,) = report.legs
    assert leg.state["answerTime"] is not None
    assert any("Sam speaking" in entry["summary"] for entry in leg.timeline)
    (complete,) = requests(report, "transferComplete")
    TransferCompleteCallback.from_dict(complete)
    assert "<Transfer" in responses(report, "gather")[0]
    assert "+15557770001" in responses(report, "gather")[0]


async def test_ivr_app_voicemail_transcribes_the_callers_words(ivr: Ivr) -> None:
    """2: the caller's words are recorded; the transcription holds them; the audio is a WAV."""
    steps = [
        {"waitFor": "gather"},
        {"press": "2"},
        {"waitFor": "record"},
        {"say": VOICEMAIL_WORDS},
        {"press": "#"},
    ]
    report = await ivr.call(steps)
    assert report.ended_normally
    (recording,) = ivr.platform.recordings(call_id=report.call_id)
    transcription = ivr.platform.engine.recordings[recording["recordingId"]].transcription
    assert transcription is not None
    assert "call me back about my order" in transcription.text
    media = await ivr.platform.recording_media(recording["recordingId"])
    assert media is not None
    assert media[0][:4] == b"RIFF"
    (available,) = ivr.log.voicemails
    assert RecordingAvailableCallback.from_dict(available).recording_id == recording["recordingId"]
    assert [t["recordingId"] for t in ivr.log.transcriptions] == [recording["recordingId"]]


async def test_ivr_app_wrong_key_repeats_then_says_goodbye(ivr: Ivr) -> None:
    """Anything else: the menu once more (attempt 2), then goodbye and hang up."""
    report = await ivr.call(
        [{"waitFor": "gather"}, {"press": "9"}, {"waitFor": "gather"}, {"press": "7"}]
    )
    assert report.ended_normally
    gathers = [GatherCallback.from_dict(body) for body in requests(report, "gather")]
    assert [gather.digits for gather in gathers] == ["9", "7"]
    urls = [
        e["detail"]["url"] for e in report.timeline if e["detail"].get("event_type") == "gather"
    ]
    assert [url.rsplit("?", 1)[1] for url in urls] == ["attempt=1", "attempt=2"]
    assert "not an option" in responses(report, "gather")[0]
    assert "<Hangup" in responses(report, "gather")[1]


async def test_ivr_app_silence_times_out_twice(ivr: Ivr) -> None:
    """No input at all: both gathers time out with no digits, then goodbye."""
    report = await ivr.call([])
    assert report.ended_normally
    assert [body["digits"] for body in requests(report, "gather")] == ["", ""]
    assert [event["cause"] for event in ivr.log.ended] == ["hangup"]
