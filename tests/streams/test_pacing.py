"""Frames on the real clock: each once, in order, written straight from the pacing timer; an app
that reads too slowly gets no new frames until it has caught up, and then every one of them."""

from __future__ import annotations

import asyncio
import shutil
import threading
from array import array
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ringback.engine.clock import ClockMode
from ringback.runtime import Platform, PlatformConfig, speech, stream_connection
from ringback.runtime.stream_connection import PUMP_CHUNK_FRAMES, Connection
from ringback.store import Store

from .audio import decode_payloads, loudness
from .conftest import Session, VoiceApp, call_app, finished

STREAM_S = 0.6


@pytest.fixture
async def real_platform(tmp_path: Path) -> AsyncIterator[Platform]:
    """A started platform on the real clock."""
    running = Platform(PlatformConfig(clock=ClockMode.REAL), Store(tmp_path / "ringback.sqlite3"))
    await running.start()
    yield running
    await running.close()
    running.store.close()


def stream_bxml(app: VoiceApp) -> str:
    return (
        f'<Response><StartStream destination="{app.ws_url}" name="live" tracks="both"/>'
        f'<Pause duration="{STREAM_S}"/><StopStream name="live"/></Response>'
    )


async def connected(platform: Platform) -> Connection:
    """The platform's one socket, once it is open."""
    for _ in range(500):
        for connection in platform.streams.connections.values():
            if connection.ws is not None:
                return connection
        await asyncio.sleep(0.01)
    raise AssertionError("no socket opened")


def assert_every_frame_once_in_order(
    app: VoiceApp, platform: Platform, call_id: str, session: Session | None = None
) -> None:
    if session is None:
        (session,) = app.sessions
    media = session.of_type("media")
    assert [m["sequenceNumber"] for m in media] == [str(n) for n in range(1, len(media) + 1)]
    assert [m["track"] for m in media] == ["inbound", "outbound"] * (len(media) // 2)
    assert session.messages[-1]["eventType"] == "stop"
    closed = [e for e in platform.timeline(call_id) if e["kind"] == "websocket"][-1]
    assert closed["summary"].startswith("WebSocket closed by Ringback (1000)")
    assert closed["detail"]["frames"] == len(media) // 2
    assert closed["detail"]["messagesSent"]["media"] == len(media)


async def test_stream_on_the_real_clock_sends_each_frame_once_in_order(
    voice_app: VoiceApp, real_platform: Platform
) -> None:
    """Frames come from the one pacing timer, every track's, numbered without a gap."""
    call_id = call_app(voice_app, real_platform, stream_bxml(voice_app))
    await finished(real_platform, call_id)
    assert_every_frame_once_in_order(voice_app, real_platform, call_id)
    assert real_platform.streams.connections == {}


async def test_stream_app_reading_slowly_gets_no_new_frames_until_it_catches_up(
    voice_app: VoiceApp, real_platform: Platform
) -> None:
    """While a send waits for the app, no frame is made for it (memory stays bounded); after,
    the frames that came due meanwhile follow, none lost, a chunk at a time."""
    call_id = call_app(voice_app, real_platform, stream_bxml(voice_app))
    connection = await connected(real_platform)
    # What a send that found the transport paused leaves: a task that finishes it, then the rest.
    release = asyncio.Event()

    async def finish_the_send() -> None:
        await release.wait()
        connection.draining = None
        connection.flush()

    connection.draining = asyncio.create_task(finish_the_send())
    frames = connection.frames
    await asyncio.sleep(0.2)  # ten frames' time
    assert (connection.frames, len(connection.outbox)) == (frames, 0)
    release.set()
    await asyncio.sleep(0.06)  # the pacing timer looks again within 20 ms
    assert connection.frames >= frames + 10
    await finished(real_platform, call_id)
    assert_every_frame_once_in_order(voice_app, real_platform, call_id)


async def test_stream_app_not_reading_makes_sends_wait_then_gets_every_frame(
    voice_app: VoiceApp, platform: Platform
) -> None:
    """Ten virtual minutes of frames fill the socket before the app reads: the sends wait for
    it (noted on the timeline), the clock waits with them, and every frame arrives once."""
    voice_app.read_after = asyncio.Event()
    bxml = (
        f'<Response><StartStream destination="{voice_app.ws_url}" name="live" tracks="both"/>'
        '<Pause duration="600"/></Response>'
    )
    call_id = call_app(voice_app, platform, bxml)
    try:
        connection = await connected(platform)
        for _ in range(500):  # a few megabytes fill the kernel's buffers and aiohttp's
            assert len(connection.outbox) <= 2 * PUMP_CHUNK_FRAMES  # two tracks, one chunk
            if connection.waits:
                break
            await asyncio.sleep(0.01)
        assert connection.waits >= 1
        for _ in range(10):
            assert len(connection.outbox) <= 2 * PUMP_CHUNK_FRAMES
            await asyncio.sleep(0.005)
    finally:
        voice_app.read_after.set()
    await finished(platform, call_id)
    assert_every_frame_once_in_order(voice_app, platform, call_id)
    (session,) = voice_app.sessions
    assert len(session.payloads("inbound")) == 30_000
    closed = [e for e in platform.timeline(call_id) if e["kind"] == "websocket"][-1]
    assert closed["detail"]["sendsWaited"] >= 1


@pytest.mark.skipif(
    shutil.which("flite") is None and shutil.which("espeak-ng") is None,
    reason="no speech synthesiser: `make` installs flite (docs/streams.md)",
)
@pytest.mark.parametrize(
    ("wait", "words"),
    [
        (0.0, "pacing off the loop seven"),
        # Said just before the stream stops: the close waits for the last frames' words.
        (STREAM_S - 0.05, "pacing off the loop at the close"),
    ],
)
async def test_stream_speech_on_the_real_clock_is_made_off_the_event_loop(
    voice_app: VoiceApp,
    real_platform: Platform,
    monkeypatch: pytest.MonkeyPatch,
    wait: float,
    words: str,
) -> None:
    """The far end's words are synthesised in a worker thread (the loop, and every other
    stream's frames, never wait 30-100 ms for them); the frames that carry them wait, and
    every frame still arrives once, the words in them."""
    threads: list[str] = []
    synthesise = speech._synthesise

    def spy(engine: str, voice: str, text: str, stretch: float) -> array[int] | None:
        threads.append(threading.current_thread().name)
        return synthesise(engine, voice, text, stretch)

    monkeypatch.setattr(speech, "_synthesise", spy)
    # Sentences no other test says: the synthesiser's cache must not have them already.
    phone = {"answerAfter": 0, "steps": [{"wait": wait}, {"say": words, "duration": 0.5}]}
    call_id = call_app(voice_app, real_platform, stream_bxml(voice_app), phone)
    await finished(real_platform, call_id)
    assert threads
    assert threading.main_thread().name not in threads
    assert_every_frame_once_in_order(voice_app, real_platform, call_id)
    if not wait:  # the words are all inside the stream (at the close, only their start is)
        (session,) = voice_app.sessions
        assert loudness(decode_payloads(session.payloads("inbound"))) > 300


async def test_stream_whose_frames_fail_stops_alone(
    voice_app: VoiceApp, real_platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    """A socket whose frame cannot be made (a bug) is logged and stops getting frames; the other
    sockets on the same timer go on, every frame once."""
    first = call_app(voice_app, real_platform, stream_bxml(voice_app))
    broken = await connected(real_platform)

    def fail(index: int) -> bytes:
        raise RuntimeError("a frame that cannot be made")

    broken.tracks[0][1].frame = fail  # type: ignore[method-assign]
    second = call_app(voice_app, real_platform, stream_bxml(voice_app))
    await finished(real_platform, first)
    await finished(real_platform, second)
    assert "media frames of socket" in caplog.text
    assert f"(call {first}) failed; its frames stop" in caplog.text
    assert_every_frame_once_in_order(
        voice_app, real_platform, second, session=voice_app.sessions[1]
    )


async def test_stream_app_that_stops_reading_is_dropped_as_connection_error(
    voice_app: VoiceApp, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A send that waits past SEND_STALL_S for an app that reads nothing ends the stream:
    `mediaStreamStopped` with `connection-error`, and the call (and its clock) goes on."""
    monkeypatch.setattr(stream_connection, "SEND_STALL_S", 0.3)
    voice_app.read_after = asyncio.Event()
    bxml = (
        f'<Response><StartStream destination="{voice_app.ws_url}" name="live" tracks="both"'
        f' streamEventUrl="{voice_app.url}/events"/><Pause duration="600"/></Response>'
    )
    try:
        call_id = call_app(voice_app, platform, bxml)
        await finished(platform, call_id)
    finally:
        voice_app.read_after.set()
    stopped = voice_app.webhook("mediaStreamStopped")
    assert stopped["cause"] == "connection-error"
    assert stopped["errorMessage"].startswith(
        "the app stopped reading the websocket: nothing more could be sent to it for 0."
    )
    assert voice_app.webhook("disconnect")["cause"] == "hangup"
    closed = [e for e in platform.timeline(call_id) if e["kind"] == "websocket"][-1]
    assert closed["detail"]["sendsWaited"] >= 1
