"""`<StartStream>` opens a real WebSocket to the app: handshake, start, media, stop, webhooks."""

from __future__ import annotations

import base64

from bandwidth import DisconnectCallback

from ringback.runtime import Platform

from .audio import decode_payloads, dtmf_digits, loudness
from .conftest import VoiceApp, call_app, finished


def stream_bxml(app: VoiceApp, *, extra: str = "", body: str = "", after: str = "") -> str:
    """A `<StartStream>` to the app's /ws, then `after` (the rest of the document)."""
    return (
        f'<Response><StartStream destination="{app.ws_url}?call=abc&amp;x=1" name="live" '
        f'streamEventUrl="{app.url}/events" {extra}>{body}</StartStream>{after}</Response>'
    )


async def test_stream_handshake_start_media_stop(voice_app: VoiceApp, platform: Platform) -> None:
    """Path and query kept, Basic auth sent, start with every field, 20 ms frames, stop, 1000."""
    bxml = stream_bxml(
        voice_app,
        extra='tracks="both" destinationUsername="bot" destinationPassword="s3cret"',
        body='<StreamParam name="token" value="t-1"/><StreamParam name="lang" value="en"/>',
        after='<Pause duration="2"/><StopStream name="live"/><Pause duration="1"/>',
    )
    call_id = call_app(voice_app, platform, bxml)
    await finished(platform, call_id)
    (session,) = voice_app.sessions
    assert session.path_qs == "/ws?call=abc&x=1"
    assert session.headers["Authorization"] == "Basic " + base64.b64encode(b"bot:s3cret").decode()
    start, *rest = session.messages
    stream_id = voice_app.webhook("mediaStreamStarted")["mediaStream"]["id"]
    pcmu = {"encoding": "PCMU", "sampleRate": 8000}
    assert start == {
        "eventType": "start",
        "metadata": {
            "accountId": "9900000",
            "callId": call_id,
            "streamId": stream_id,
            "streamName": "live",
            "tracks": [
                {"name": "inbound", "mediaFormat": pcmu},
                {"name": "outbound", "mediaFormat": pcmu},
            ],
        },
        "streamParams": {"token": "t-1", "lang": "en"},
    }
    media, stop = rest[:-1], rest[-1]
    assert stop == {"eventType": "stop", "metadata": start["metadata"]}
    assert all(m["eventType"] == "media" for m in media)
    # Two seconds of stream: exactly 100 frames of 160 bytes per track, interleaved.
    assert len(session.payloads("inbound")) == len(session.payloads("outbound")) == 100
    assert [m["track"] for m in media[:4]] == ["inbound", "outbound", "inbound", "outbound"]
    assert {len(base64.b64decode(m["payload"])) for m in media} == {160}
    assert [m["sequenceNumber"] for m in media[:3]] == ["1", "2", "3"]
    assert session.close_code == 1000
    assert voice_app.events() == [
        "answer",
        "mediaStreamStarted",
        "mediaStreamStopped",
        "disconnect",
    ]
    stopped = voice_app.webhook("mediaStreamStopped")
    assert stopped["cause"] == "closed"
    assert stopped["mediaStream"]["duration"] == "PT2S"
    entries = [e for e in platform.timeline(call_id) if e["kind"] == "websocket"]
    assert entries[0]["summary"].startswith("WebSocket connected to ws://127.0.0.1:")
    assert entries[-1]["summary"] == "WebSocket closed by Ringback (1000)"
    assert entries[-1]["detail"]["messagesSent"] == {"start": 1, "media": 200, "stop": 1}
    assert entries[-1]["detail"]["frames"] == 100


async def test_stream_inbound_track_carries_the_far_ends_dtmf(
    voice_app: VoiceApp, platform: Platform
) -> None:
    """Digits the far end presses are real tones on the inbound track, found by Goertzel."""
    phone = {"answerAfter": 0, "steps": [{"wait": 0.5}, {"press": "159#"}, {"hangup": True}]}
    bxml = stream_bxml(voice_app, after='<Pause duration="30"/>')
    call_id = call_app(voice_app, platform, bxml, phone)
    await finished(platform, call_id)
    (session,) = voice_app.sessions
    samples = decode_payloads(session.payloads("inbound"))
    assert dtmf_digits(samples) == "159#"
    assert loudness(samples[:3000]) == 0  # silence before the first press
    # The far end hung up after 0.5 s + 4 × 0.2 s: 65 frames, then `stop` before `disconnect`.
    assert len(session.payloads("inbound")) == 65
    assert session.messages[-1]["eventType"] == "stop"
    assert voice_app.events()[-2:] == ["mediaStreamStopped", "disconnect"]
    assert DisconnectCallback.from_dict(voice_app.webhook("disconnect")).cause == "hangup"


async def test_stream_outbound_track_carries_prompts(
    voice_app: VoiceApp, platform: Platform
) -> None:
    """A `<SpeakSentence>` after `<StartStream tracks="outbound">` sounds on the outbound track."""
    bxml = stream_bxml(
        voice_app,
        extra='tracks="outbound"',
        after='<Pause duration="1"/><SpeakSentence>thank you for calling</SpeakSentence>',
    )
    call_id = call_app(voice_app, platform, bxml)
    await finished(platform, call_id)
    (session,) = voice_app.sessions
    assert session.payloads("inbound") == []
    samples = decode_payloads(session.payloads("outbound"))
    assert loudness(samples[: 8000 - 800]) == 0
    assert loudness(samples[8000:]) > 300
