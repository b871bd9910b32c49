"""Media through the running Platform: `<PlayAudio>` timed or refused; recordings served."""

from __future__ import annotations

import base64
import io
import wave
from array import array
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from loopback import served_handler
from ringback.engine.requests import Callback, OutboundCallRequest
from ringback.phones.script import parse_script
from ringback.runtime import Platform

from .audio_files import stdlib_wav
from .test_measure import OGG_VORBIS
from .test_render import decode_dtmf


class Site:
    """An app on 127.0.0.1 serving BXML by path and audio files, recording what it was sent."""

    def __init__(self) -> None:
        self.bxml: dict[str, str] = {}
        self.files: dict[str, tuple[bytes, str]] = {}
        self.events: list[dict[str, Any]] = []
        self.authorizations: list[str | None] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        if request.path in self.files:
            self.authorizations.append(request.headers.get("Authorization"))
            body, content_type = self.files[request.path]
            return web.Response(body=body, content_type=content_type)
        self.events.append(await request.json())
        return web.Response(text=self.bxml.get(request.path, ""), content_type="application/xml")


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    app_site = Site()
    async with served_handler(app_site.handle) as url:
        app_site.url = url
        yield app_site


def call(site: Site, steps: list[dict[str, Any]] | None = None) -> OutboundCallRequest:
    return OutboundCallRequest(
        to="+15553334444",
        from_="+15551112222",
        application_id="app-1",
        answer=Callback(site.url + "/answer"),
        disconnect=Callback(site.url + "/disconnect"),
        phone=parse_script({"steps": steps or []}),
    )


async def test_playback_audio_plays_for_its_measured_length(site: Site, platform: Platform) -> None:
    """A 2.5 s WAV fetched with Basic auth holds the call 2.5 s (after 1 s of ringing)."""
    site.files["/hello.wav"] = (stdlib_wav(20_000), "audio/wav")
    site.bxml["/answer"] = (
        '<Response><PlayAudio username="u" password="p">/hello.wav</PlayAudio></Response>'
    )
    call_id = platform.place_call(call(site))
    assert await platform.wait(call_id, timeout_s=5)
    state = platform.call_state(call_id)
    assert state is not None
    assert state["endTime"] == "2023-11-14T22:13:23.500Z"
    assert site.authorizations == ["Basic " + base64.b64encode(b"u:p").decode()]


async def test_playback_refused_media_ends_the_call_with_application_error(
    site: Site, platform: Platform
) -> None:
    """An OGG file ends the call with `application-error` and says what it was."""
    site.files["/hold.ogg"] = (OGG_VORBIS, "audio/ogg")
    site.bxml["/answer"] = "<Response><PlayAudio>/hold.ogg</PlayAudio></Response>"
    call_id = platform.place_call(call(site))
    assert await platform.wait(call_id, timeout_s=5)
    disconnect = next(e for e in site.events if e["eventType"] == "disconnect")
    assert disconnect["cause"] == "application-error"
    assert disconnect["errorMessage"] == (
        f"{site.url}/hold.ogg is not WAV or MP3 audio (OGG Vorbis); "
        "Bandwidth plays only WAV and MP3"
    )


async def test_playback_recording_media_is_a_wav_with_the_digits(
    site: Site, platform: Platform
) -> None:
    """The recording served by the platform is a WAV file in which the pressed digits decode."""
    site.bxml["/answer"] = (
        '<Response><StartRecording multiChannel="true"/><Pause duration="4"/></Response>'
    )
    steps = [{"waitFor": "record"}, {"wait": 1}, {"press": "73"}, {"say": "bye", "duration": 1}]
    call_id = platform.place_call(call(site, steps))
    assert await platform.wait(call_id, timeout_s=5)
    (metadata,) = platform.recordings(call_id=call_id)
    media = await platform.recording_media(metadata["recordingId"])
    assert media is not None
    data, media_type = media
    assert media_type == "audio/vnd.wave"
    with wave.open(io.BytesIO(data), "rb") as reader:
        assert (reader.getnchannels(), reader.getframerate()) == (2, 8000)
        samples = array("h", reader.readframes(reader.getnframes()))
    assert metadata["duration"] == "PT4S"
    assert len(samples) == 2 * 4 * 8000
    assert decode_dtmf(samples[0::2]) == "73"
