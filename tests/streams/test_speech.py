"""The call's audio on a stream is real: spoken words a recogniser understands, real files."""

from __future__ import annotations

import io
import math
import shutil
import wave
from array import array

import pytest
from aiohttp import web

from loopback import served_app
from ringback.runtime import Platform

from .audio import decode_payloads, goertzel_power, loudness
from .conftest import VoiceApp, call_app, finished
from .recognise import recognise

needs_tts = pytest.mark.skipif(
    shutil.which("flite") is None and shutil.which("espeak-ng") is None,
    reason="no speech synthesiser: `make` installs flite (docs/streams.md)",
)


def stream(app: VoiceApp, tracks: str = "inbound") -> str:
    return f'<StartStream destination="{app.ws_url}" name="s" tracks="{tracks}"/>'


@needs_tts
async def test_stream_far_end_speech_is_recognised(voice_app: VoiceApp, platform: Platform) -> None:
    """A `say` step is speech on the inbound track: PocketSphinx gives the words back."""
    phone = {
        "answerAfter": 0,
        "steps": [{"wait": 0.3}, {"say": "please call me back tomorrow", "duration": 3}],
    }
    bxml = f'<Response>{stream(voice_app)}<Pause duration="4"/></Response>'
    call_id = call_app(voice_app, platform, bxml, phone)
    await finished(platform, call_id)
    (session,) = voice_app.sessions
    samples = decode_payloads(session.payloads("inbound"))
    assert len(samples) == 4 * 8000
    assert recognise(samples) == "please call me back tomorrow"


@needs_tts
async def test_recording_holds_the_same_speech(voice_app: VoiceApp, platform: Platform) -> None:
    """The call's recording carries the same spoken words: a recogniser hears them."""
    phone = {
        "answerAfter": 0,
        "steps": [{"say": "i would like to speak to an agent", "duration": 3}],
    }
    bxml = '<Response><StartRecording/><Pause duration="3.5"/><StopRecording/></Response>'
    call_id = call_app(voice_app, platform, bxml, phone)
    await finished(platform, call_id)
    (recording,) = platform.recordings(call_id)
    media = await platform.recording_media(recording["recordingId"])
    assert media is not None
    with wave.open(io.BytesIO(media[0])) as wav:
        samples = array("h", wav.readframes(wav.getnframes()))
    assert recognise(samples) == "i would like to speak to an agent"


def tone_wav(frequency_hz: float, seconds: float, rate_hz: int = 44100) -> bytes:
    """A WAV file (16-bit mono at 44.1 kHz) of one tone."""
    frames = array(
        "h",
        (
            round(12000 * math.sin(2 * math.pi * frequency_hz * n / rate_hz))
            for n in range(int(seconds * rate_hz))
        ),
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate_hz)
        wav.writeframes(frames.tobytes())
    return out.getvalue()


async def test_stream_outbound_track_plays_the_audio_file(
    voice_app: VoiceApp, platform: Platform
) -> None:
    """`<PlayAudio>` of a 44.1 kHz WAV: the file itself, resampled, is on the outbound track."""
    audio = tone_wav(1000.0, 1.0)

    async def serve_file(_request: web.Request) -> web.Response:
        return web.Response(body=audio, content_type="audio/wav")

    files = web.Application()
    files.router.add_get("/tone.wav", serve_file)
    async with served_app(files) as files_url:
        url = f"{files_url}/tone.wav"
        bxml = f"<Response>{stream(voice_app, 'outbound')}<PlayAudio>{url}</PlayAudio></Response>"
        call_id = call_app(voice_app, platform, bxml)
        await finished(platform, call_id)
    (session,) = voice_app.sessions
    samples = decode_payloads(session.payloads("outbound"))
    assert len(samples) == 8000  # the file lasts 1 s, and so does the call after it
    middle = samples[2000:6000]
    assert loudness(middle) > 5000
    tone = goertzel_power(middle, 1000.0)
    assert tone > 0.4 * sum(s * s for s in middle) * len(middle) / 2  # the 1 kHz tone dominates
    assert goertzel_power(middle, 440.0) < tone / 1000


async def test_stream_without_synthesiser_says_so(voice_app: VoiceApp, platform: Platform) -> None:
    """No flite or espeak-ng: words are the voice-band signal, and the timeline says so."""
    platform.speech.engine = None
    phone = {"answerAfter": 0, "steps": [{"say": "hello there", "duration": 1}]}
    call_id = call_app(
        voice_app, platform, f'<Response>{stream(voice_app)}<Pause duration="1"/></Response>', phone
    )
    await finished(platform, call_id)
    summaries = [e["summary"] for e in platform.timeline(call_id)]
    assert any(s.startswith("no speech synthesiser (flite or espeak-ng)") for s in summaries)
    (session,) = voice_app.sessions
    assert loudness(decode_payloads(session.payloads("inbound"))) > 500  # still a voice
