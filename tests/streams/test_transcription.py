"""`<StartTranscription destination>` opens a real WebSocket: start, transcription, stop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from bandwidth.models.bxml import CustomParam, Pause, Response, SpeakSentence, StartTranscription

from loopback import START
from ringback.engine.clock import ClockMode
from ringback.engine.payloads import timestamp
from ringback.runtime import Platform, PlatformConfig
from ringback.store import Store

from .conftest import VoiceApp, call_app, finished
from .test_failures import APP_CLOSES, CANNOT_CONNECT, closing_with


def epoch(stamp: str) -> float:
    """An ISO-8601 `...Z` timestamp as epoch seconds."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def transcription_bxml(app: VoiceApp, attributes: str, after: str) -> str:
    """A `<StartTranscription>` to the app's /ws with a CustomParam, then `after`."""
    return (
        f'<Response><StartTranscription name="live" destination="{app.ws_url}?call=7" '
        f'transcriptionEventUrl="{app.url}/events" {attributes}>'
        '<CustomParam name="token" value="abc"/></StartTranscription>'
        f"{after}</Response>"
    )


def socket_entries(platform: Platform, call_id: str) -> list[dict[str, Any]]:
    """The call's `websocket` timeline entries."""
    return [e for e in platform.timeline(call_id) if e["kind"] == "websocket"]


async def test_partials_then_final_timed_on_the_virtual_clock(
    voice_app: VoiceApp, platform: Platform
) -> None:
    """stabilized=false: start, a partial per word said, the final, stop; times as said."""
    says = {"say": "hello there, world!", "duration": 1.5}
    phone = {"answerAfter": 0, "steps": [{"wait": 1}, says]}
    bxml = transcription_bxml(
        voice_app,
        'stabilized="false"',
        '<Pause duration="4"/><StopTranscription name="live"/><Pause duration="1"/>',
    )
    call_id = call_app(voice_app, platform, bxml, phone)
    await finished(platform, call_id)
    (session,) = voice_app.sessions
    assert session.path_qs == "/ws?call=7"
    assert "Authorization" not in session.headers
    started = voice_app.webhook("realTimeTranscriptionStarted")["realTimeTranscription"]
    metadata = {
        "accountId": "9900000",
        "callId": call_id,
        "realTimeTranscriptionId": started["id"],
        "transcriptionName": "live",
        "tracks": [{"name": "inbound"}],
        "stabilized": False,
    }
    start, *updates, stop = session.messages
    assert start == {"eventType": "start", "metadata": metadata, "customParams": {"token": "abc"}}
    assert stop == {"eventType": "stop", "metadata": metadata}
    assert started["id"].startswith("t-")
    # The far end speaks from 1 s to 2.5 s after the transcription started: 0.5 s a word.
    t0 = epoch(started["startTime"])
    assert [(m["isPartial"], m["transcript"]) for m in updates] == [
        (True, "hello"),
        (True, "hello there,"),
        (False, "hello there, world!"),
    ]
    final = updates[-1]
    assert final["eventType"] == "transcription"
    assert (final["track"], final["language"]) == ("inbound", "en-US")
    assert (final["startTime"], final["endTime"]) == (timestamp(t0 + 1), timestamp(t0 + 2.5))
    assert [m["endTime"] for m in updates] == [timestamp(t0 + t) for t in (1.5, 2.0, 2.5)]
    assert final["items"] == [
        {
            "content": content,
            "startTime": timestamp(t0 + begin),
            "endTime": timestamp(t0 + end),
            "confidence": 1.0,
            "stable": True,
            "type": kind,
        }
        for content, begin, end, kind in [
            ("hello", 1.0, 1.5, "PRONUNCIATION"),
            ("there", 1.5, 2.0, "PRONUNCIATION"),
            (",", 2.0, 2.0, "PUNCTUATION"),
            ("world", 2.0, 2.5, "PRONUNCIATION"),
            ("!", 2.5, 2.5, "PUNCTUATION"),
        ]
    ]
    assert {item["stable"] for m in updates[:-1] for item in m["items"]} == {False}
    assert session.close_code == 1000
    assert voice_app.events() == [
        "answer",
        "realTimeTranscriptionStarted",
        "realTimeTranscriptionStopped",
        "realTimeTranscriptionAvailable",
        "disconnect",
    ]
    stopped = voice_app.webhook("realTimeTranscriptionStopped")
    assert stopped["cause"] == "closed"
    assert stopped["realTimeTranscription"]["duration"] == "PT4S"
    # Each final is on the timeline at the call-clock moment its last word ended.
    (noted,) = [e for e in platform.timeline(call_id) if e["summary"].startswith("transcribed")]
    assert noted["summary"] == "transcribed inbound: 'hello there, world!'"
    assert noted["at"] == pytest.approx(t0 + 2.5)
    connected, closed = socket_entries(platform, call_id)
    assert connected["summary"].startswith("WebSocket connected to ws://127.0.0.1:")
    assert connected["detail"]["purpose"] == "real-time transcription"
    assert closed["summary"] == "WebSocket closed by Ringback (1000)"
    assert closed["detail"]["messagesSent"] == {"start": 1, "transcription": 3, "stop": 1}
    assert "frames" not in closed["detail"]  # it carries no audio


async def test_sdk_bxml_stabilized_finals_on_both_tracks_stop_at_hangup(
    voice_app: VoiceApp, platform: Platform
) -> None:
    """SDK 23.x BXML, stabilized (default): finals only, per track; the hangup sends `stop`."""
    document = Response(
        [
            StartTranscription(
                name="both",
                tracks="both",
                destination=voice_app.ws_url,
                transcription_event_url=f"{voice_app.url}/events",
                custom_params=[CustomParam(name="a", value="1"), CustomParam(name="b", value="2")],
            ),
            SpeakSentence(text="thank you for calling"),
            Pause(duration=30),
        ]
    )
    says = {"say": "I need help", "duration": 1.5}
    phone = {"answerAfter": 0, "steps": [{"waitFor": "speak"}, {"wait": 3}, says, {"hangup": True}]}
    call_id = call_app(voice_app, platform, document.to_bxml(), phone)
    await finished(platform, call_id)
    (session,) = voice_app.sessions
    start = session.messages[0]
    assert start["metadata"]["tracks"] == [{"name": "inbound"}, {"name": "outbound"}]
    assert start["metadata"]["stabilized"] is True
    assert start["customParams"] == {"a": "1", "b": "2"}
    updates = session.of_type("transcription")
    assert [(m["track"], m["transcript"], m["isPartial"]) for m in updates] == [
        ("outbound", "thank you for calling", False),
        ("inbound", "I need help", False),
    ]
    assert all(item["stable"] for m in updates for item in m["items"])
    assert session.messages[-1]["eventType"] == "stop"
    assert voice_app.events()[-3:] == [
        "realTimeTranscriptionStopped",
        "realTimeTranscriptionAvailable",
        "disconnect",
    ]
    assert voice_app.webhook("disconnect")["cause"] == "hangup"


@CANNOT_CONNECT
async def test_refused_connection_is_rejected_and_the_call_goes_on(
    voice_app: VoiceApp,
    platform: Platform,
    refuse_with: int | None,
    destination: str | None,
    cause: str,
    words: str,
) -> None:
    """Refused, unreachable or not a WebSocket URL: Rejected, never ran, the next verb runs."""
    voice_app.refuse_with = refuse_with
    url = destination or voice_app.ws_url
    bxml = (
        f'<Response><StartTranscription name="t" destination="{url}" '
        f'transcriptionEventUrl="{voice_app.url}/events"/>'
        '<SpeakSentence>still here</SpeakSentence><StopTranscription name="t"/></Response>'
    )
    call_id = call_app(voice_app, platform, bxml)
    await finished(platform, call_id)
    rejected = voice_app.webhook("realTimeTranscriptionRejected")
    assert rejected["cause"] == cause
    assert words in rejected["errorMessage"]
    assert rejected["realTimeTranscription"]["name"] == "t"
    assert voice_app.events() == ["answer", "realTimeTranscriptionRejected", "disconnect"]
    assert voice_app.sessions == []
    summaries = [e["summary"] for e in platform.timeline(call_id)]
    assert "<SpeakSentence> ended" in summaries
    assert "no real-time transcription 't' to stop" in summaries


@pytest.fixture
async def manual_platform(tmp_path: Path) -> AsyncIterator[Platform]:
    """A platform whose clock moves only when the test advances it."""
    config = PlatformConfig(start_time=START, clock=ClockMode.MANUAL)
    running = Platform(config, Store(tmp_path / "ringback.sqlite3"))
    await running.start()
    yield running
    await running.close()
    running.store.close()


@APP_CLOSES
async def test_app_closing_the_socket_stops_the_transcription(
    voice_app: VoiceApp, manual_platform: Platform, code: int, cause: str, message: str | None
) -> None:
    """The app closes: Stopped with the cause, then Available; no `stop`; the call goes on."""
    voice_app.on_socket = closing_with(code)
    bxml = transcription_bxml(voice_app, "", '<Pause duration="5"/>')
    call_id = call_app(voice_app, manual_platform, bxml)
    while "realTimeTranscriptionAvailable" not in voice_app.events():
        await manual_platform.advance(0)
        await asyncio.sleep(0.005)
    await manual_platform.advance(5)
    await finished(manual_platform, call_id)
    stopped = voice_app.webhook("realTimeTranscriptionStopped")
    assert (stopped["cause"], stopped.get("errorMessage")) == (cause, message)
    assert stopped["realTimeTranscription"]["duration"] == "PT0S"
    assert voice_app.events()[-1] == "disconnect"
    (session,) = voice_app.sessions
    assert session.of_type("stop") == []
    assert socket_entries(manual_platform, call_id)[-1]["detail"]["closeCode"] == code
