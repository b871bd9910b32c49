"""Bidirectional streams: the app's `playAudio` is played to the far end, recorded, `clear`ed."""

from __future__ import annotations

import asyncio
import io
import json
import wave
from array import array

from aiohttp import web

from ringback.runtime import Platform

from .audio import (
    decode_payloads,
    loudness,
    pcm_payload,
    pcmu_payload,
    tone,
    tone_seconds,
)
from .conftest import Session, VoiceApp, call_app, finished


def bidirectional(app: VoiceApp, tracks: str = "inbound") -> str:
    """`<StartStream mode="bidirectional">` to the app, then BXML waits for the socket to close."""
    return (
        f'<StartStream destination="{app.ws_url}" name="bot" mode="bidirectional" '
        f'tracks="{tracks}"/><StopStream name="bot" wait="true"/>'
    )


def play(payload: str, content_type: str = "audio/pcmu") -> str:
    return json.dumps(
        {"eventType": "playAudio", "media": {"contentType": content_type, "payload": payload}}
    )


async def started(session: Session) -> None:
    while not session.messages:
        await asyncio.sleep(0.002)


async def recorded_channels(platform: Platform, call_id: str) -> tuple[list[int], list[int]]:
    """The far end's and the platform's channels of the call's one two-channel recording."""
    (recording,) = platform.recordings(call_id)
    media = await platform.recording_media(recording["recordingId"])
    assert media is not None
    with wave.open(io.BytesIO(media[0])) as wav:
        assert wav.getnchannels() == 2
        samples = array("h", wav.readframes(wav.getnframes()))
    return list(samples[0::2]), list(samples[1::2])


async def test_play_audio_is_heard_recorded_and_on_the_outbound_track(
    voice_app: VoiceApp, platform: Platform
) -> None:
    """Chunks in PCMU and 16/24 kHz PCM play back to back: recording channel 1, outbound track."""

    async def on_socket(session: Session, ws: web.WebSocketResponse) -> None:
        await started(session)
        await ws.send_str(play(pcmu_payload(tone(1000, 0.3))))
        await ws.send_str(play(pcm_payload(tone(1000, 0.3, 16000)), "audio/pcm;rate=16000"))
        pcm24 = "audio/pcm;rate=24000;channels=1;bit-depth=16;endian=little;encoding=signed"
        await ws.send_str(play(pcm_payload(tone(1000, 0.4, 24000)), pcm24))

    voice_app.on_socket = on_socket
    stream = bidirectional(voice_app, "both")
    bxml = f'<Response><StartRecording multiChannel="true"/>{stream}</Response>'
    phone = {
        "answerAfter": 0,
        "steps": [{"waitFor": {"played": 1}}, {"wait": 0.2}, {"hangup": True}],
    }
    call_id = call_app(voice_app, platform, bxml, phone)
    await finished(platform, call_id)
    far, ours = await recorded_channels(platform, call_id)
    assert 0.9 <= tone_seconds(ours, 1000) <= 1.0
    assert loudness(far) == 0
    (session,) = voice_app.sessions
    outbound = decode_payloads(session.payloads("outbound"))
    assert 0.9 <= tone_seconds(outbound, 1000) <= 1.0
    assert tone_seconds(decode_payloads(session.payloads("inbound")), 1000) == 0
    disconnect = voice_app.webhook("disconnect")
    assert disconnect["cause"] == "hangup"  # the phone hung up once it had heard 1 s of it


async def test_clear_drops_the_queued_audio(voice_app: VoiceApp, platform: Platform) -> None:
    """`clear` flushes what was queued; audio sent after it plays."""

    async def on_socket(session: Session, ws: web.WebSocketResponse) -> None:
        await started(session)
        await ws.send_str(play(pcmu_payload(tone(1000, 3.0))))
        await ws.send_str(json.dumps({"eventType": "clear"}))
        await ws.send_str(play(pcmu_payload(tone(600, 0.5))))

    voice_app.on_socket = on_socket
    bxml = f'<Response><StartRecording multiChannel="true"/>{bidirectional(voice_app)}</Response>'
    phone = {"answerAfter": 0, "steps": [{"waitFor": "played"}, {"hangup": True}]}
    call_id = call_app(voice_app, platform, bxml, phone)
    await finished(platform, call_id)
    _, ours = await recorded_channels(platform, call_id)
    assert tone_seconds(ours, 1000) <= 0.3  # cut at once (a clock step or two may play first)
    assert 0.45 <= tone_seconds(ours, 600) <= 0.5
    cleared = [
        e for e in platform.timeline(call_id) if e["summary"].startswith("app audio cleared")
    ]
    assert len(cleared) == 1
    assert cleared[0]["detail"]["droppedSeconds"] >= 2.9


async def test_phone_waits_for_the_bots_answer(voice_app: VoiceApp, platform: Platform) -> None:
    """A voice bot hears the caller speak, then silence, and answers; the caller waits for it."""

    async def bot(session: Session, ws: web.WebSocketResponse) -> None:
        heard_speech = False
        quiet_frames = 0
        seen = 0
        while True:
            frames = session.of_type("media")
            for frame in frames[seen:]:
                level = loudness(decode_payloads([frame["payload"]]))
                heard_speech = heard_speech or level > 500
                quiet_frames = quiet_frames + 1 if heard_speech and level < 50 else 0
            seen = len(frames)
            if quiet_frames >= 10:  # 200 ms of silence after speech: the caller is done
                await ws.send_str(play(pcmu_payload(tone(800, 0.6))))
                return
            await asyncio.sleep(0.002)

    voice_app.on_socket = bot
    bxml = f"<Response>{bidirectional(voice_app)}</Response>"
    phone = {
        "answerAfter": 0,
        "steps": [
            {"say": "hello is anyone there", "duration": 1.5},
            {"wait": 0.5},
            {"waitFor": "played"},
            {"hangup": True},
        ],
    }
    call_id = call_app(voice_app, platform, bxml, phone)
    await finished(platform, call_id)
    summaries = [e["summary"] for e in platform.timeline(call_id)]
    assert summaries.index("waitFor played") < summaries.index("hung up")
    # The bot answers once it hears silence (on the virtual clock, a step or two after the
    # caller stopped: Ringback does not wait for apps); the caller hangs up when it has played.
    ended = voice_app.webhook("disconnect")["endTime"]
    assert "2023-11-14T22:13:22.000Z" < ended <= "2023-11-14T22:13:22.800Z"


async def test_malformed_app_messages_are_noted_and_ignored(
    voice_app: VoiceApp, platform: Platform
) -> None:
    """Bad JSON, unknown events, bad base64, unknown formats: noted, ignored; streaming goes on."""

    async def on_socket(session: Session, ws: web.WebSocketResponse) -> None:
        await started(session)
        await ws.send_str("not json")
        await ws.send_str(json.dumps({"eventType": "mark", "name": "x"}))
        await ws.send_str(play("***"))
        await ws.send_str(play(pcmu_payload(tone(1000, 0.1)), "audio/opus"))
        await ws.send_str(play(pcm_payload(tone(1000, 0.1)), "audio/pcm;rate=44100"))
        await ws.send_bytes(b"\x00\x01")
        await ws.send_str(json.dumps({"eventType": "playAudio"}))
        await ws.send_str(play(pcmu_payload(tone(1000, 0.2))))  # the phone waits for this one

    voice_app.on_socket = on_socket
    bxml = f"<Response>{bidirectional(voice_app)}</Response>"
    phone = {"answerAfter": 0, "steps": [{"waitFor": "played"}, {"hangup": True}]}
    call_id = call_app(voice_app, platform, bxml, phone)
    await finished(platform, call_id)
    ignored = [
        e["summary"].removeprefix("ignored a message from the app: ")
        for e in platform.timeline(call_id)
        if e["summary"].startswith("ignored a message")
    ]
    assert len(ignored) == 7, [e["summary"] for e in platform.timeline(call_id)]
    assert ignored[0].startswith("not JSON")
    assert ignored[1] == "unknown eventType 'mark'"
    assert ignored[2] == "media.payload is not valid base64"
    assert ignored[3] == "unsupported media.contentType 'audio/opus'"
    assert ignored[4].startswith("audio/pcm needs rate=8000, 16000, 24000")
    assert ignored[5] == "a binary frame (the protocol is JSON text)"
    assert ignored[6] == "playAudio needs a `media` object"
    (session,) = voice_app.sessions
    assert session.messages[-1]["eventType"] == "stop"  # still up until the call ended
    closed = [e for e in platform.timeline(call_id) if e["kind"] == "websocket"][-1]
    assert closed["detail"]["messagesReceived"] == 8
    assert closed["detail"]["ignoredReceived"] == 7


async def test_play_audio_on_a_unidirectional_stream_is_ignored(
    voice_app: VoiceApp, platform: Platform
) -> None:
    """Without mode="bidirectional" the app cannot play: the message is noted and dropped."""

    async def on_socket(session: Session, ws: web.WebSocketResponse) -> None:
        await started(session)
        await ws.send_str(play(pcmu_payload(tone(1000, 0.5))))
        await ws.close()

    voice_app.on_socket = on_socket
    bxml = (
        f'<Response><StartStream destination="{voice_app.ws_url}" name="s"/>'
        '<StopStream name="s" wait="true"/></Response>'
    )
    call_id = call_app(voice_app, platform, bxml)
    await finished(platform, call_id)
    summaries = [e["summary"] for e in platform.timeline(call_id)]
    assert "ignored a message from the app: the stream is unidirectional" in summaries
