"""Every way a media stream is refused or ends early (streams spec §5.2); the call goes on."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from aiohttp import web

from ringback.runtime import Platform

from .conftest import Session, SocketHandler, VoiceApp, call_app, finished


def start(app: VoiceApp, name: str, tracks: str = "inbound", destination: str | None = None) -> str:
    url = destination or app.ws_url
    return (
        f'<StartStream destination="{url}" name="{name}" tracks="{tracks}" '
        f'streamEventUrl="{app.url}/events"/>'
    )


async def test_stream_duplicate_name_is_rejected_without_connecting(
    voice_app: VoiceApp, platform: Platform
) -> None:
    """The second stream named `a` gets `duplicate` with the first as originalMediaStream."""
    bxml = (
        f'<Response>{start(voice_app, "a")}{start(voice_app, "a")}<Pause duration="1"/></Response>'
    )
    call_id = call_app(voice_app, platform, bxml)
    await finished(platform, call_id)
    assert len(voice_app.sessions) == 1
    rejected = voice_app.webhook("mediaStreamRejected")
    assert rejected["cause"] == "duplicate"
    assert rejected["errorMessage"] == "A stream with the name a already exists"
    started = voice_app.webhook("mediaStreamStarted")
    assert rejected["originalMediaStream"]["id"] == started["mediaStream"]["id"]
    assert voice_app.webhook("disconnect")["cause"] == "hangup"


async def test_stream_past_four_tracks_is_rejected(voice_app: VoiceApp, platform: Platform) -> None:
    """both + both is four tracks; one more is `track-limit`, with no connection attempted."""
    streams = start(voice_app, "a", "both") + start(voice_app, "b", "both") + start(voice_app, "c")
    call_id = call_app(voice_app, platform, f'<Response>{streams}<Pause duration="1"/></Response>')
    await finished(platform, call_id)
    assert len(voice_app.sessions) == 2
    assert voice_app.webhook("mediaStreamRejected")["cause"] == "track-limit"
    assert voice_app.events().count("mediaStreamStopped") == 2


# Sockets that never open (also for live transcription): what the app answers or where to dial,
# and the Rejected cause and words of its errorMessage.
CANNOT_CONNECT = pytest.mark.parametrize(
    ("refuse_with", "destination", "cause", "words"),
    [
        (403, None, "connection-error", "was refused: HTTP 403"),
        (None, "ws://127.0.0.1:9/ws", "connection-error", "connection refused"),
        (None, "http://127.0.0.1:9/ws", "error", "is not a ws:// or wss:// URL"),
    ],
)


@CANNOT_CONNECT
async def test_stream_that_cannot_connect_is_rejected_and_the_call_goes_on(
    voice_app: VoiceApp,
    platform: Platform,
    refuse_with: int | None,
    destination: str | None,
    cause: str,
    words: str,
) -> None:
    """A refused handshake or connection: `mediaStreamRejected`, then the next verb runs."""
    voice_app.refuse_with = refuse_with
    bxml = (
        f"<Response>{start(voice_app, 'a', destination=destination)}"
        '<SpeakSentence>still here</SpeakSentence><StopStream name="a" wait="true"/></Response>'
    )
    call_id = call_app(voice_app, platform, bxml)
    await finished(platform, call_id)
    rejected = voice_app.webhook("mediaStreamRejected")
    assert rejected["cause"] == cause
    assert words in rejected["errorMessage"]
    assert voice_app.events() == ["answer", "mediaStreamRejected", "disconnect"]
    summaries = [e["summary"] for e in platform.timeline(call_id)]
    assert "<SpeakSentence> ended" in summaries  # the call went on, and the wait was a no-op
    assert "no media stream 'a' to stop" in summaries


async def started(session: Session) -> None:
    """Wait until the `start` message has arrived."""
    while not session.messages:
        await asyncio.sleep(0.002)


# While BXML waits at `<StopStream wait="true">` and the phone has no timer running, virtual time
# stands still: what the app does then happens at a known moment of the call.
WAIT_FOR_STREAM = '<StopStream name="a" wait="true"/><Hangup/>'


def closing_with(code: int) -> SocketHandler:
    """An app that closes the socket with `code` (reason "forbidden") once `start` arrived."""

    async def on_socket(session: Session, ws: web.WebSocketResponse) -> None:
        await started(session)
        await ws.close(code=code, message=b"forbidden")

    return on_socket


# The app closes the socket with a code (reason "forbidden"): the Stopped cause and errorMessage.
APP_CLOSES = pytest.mark.parametrize(
    ("code", "cause", "message"),
    [
        (1000, "closed", None),
        (1001, "closed", None),
        (4403, "connection-error", "the websocket closed abnormally (code 4403: forbidden)"),
    ],
)


@APP_CLOSES
async def test_stream_closed_by_the_app_releases_stop_stream_wait(
    voice_app: VoiceApp, platform: Platform, code: int, cause: str, message: str | None
) -> None:
    """The app closes: `mediaStreamStopped` with the cause; `<StopStream wait>` goes on."""
    voice_app.on_socket = closing_with(code)
    bxml = f"<Response>{start(voice_app, 'a')}{WAIT_FOR_STREAM}</Response>"
    call_id = call_app(voice_app, platform, bxml)
    await finished(platform, call_id)
    stopped = voice_app.webhook("mediaStreamStopped")
    assert (stopped["cause"], stopped.get("errorMessage")) == (cause, message)
    assert voice_app.events() == [
        "answer",
        "mediaStreamStarted",
        "mediaStreamStopped",
        "disconnect",
    ]
    (session,) = voice_app.sessions
    assert session.of_type("stop") == []  # the app closed it: no `stop`
    disconnect = voice_app.webhook("disconnect")
    assert disconnect["cause"] == "hangup"
    assert disconnect["endTime"] == "2023-11-14T22:13:20.000Z"  # no time passed in the wait
    closed = [e for e in platform.timeline(call_id) if e["kind"] == "websocket"][-1]
    assert closed["detail"]["closeCode"] == code


async def test_stream_connection_lost_is_connection_error(
    voice_app: VoiceApp, platform: Platform
) -> None:
    """The TCP connection drops without a close frame: cause `connection-error`."""

    async def on_socket(session: Session, ws: web.WebSocketResponse) -> None:
        await started(session)
        transport = ws._writer.transport if ws._writer is not None else None
        assert transport is not None
        transport.abort()

    voice_app.on_socket = on_socket
    bxml = f"<Response>{start(voice_app, 'a')}{WAIT_FOR_STREAM}</Response>"
    call_id = call_app(voice_app, platform, bxml)
    await finished(platform, call_id)
    stopped = voice_app.webhook("mediaStreamStopped")
    assert stopped["cause"] == "connection-error"
    assert "without a close frame" in stopped["errorMessage"]
    assert voice_app.webhook("disconnect")["cause"] == "hangup"


async def test_stream_app_breaking_the_protocol_is_error(
    voice_app: VoiceApp, platform: Platform
) -> None:
    """A message past the size limit: Ringback closes the socket; cause `error`."""

    async def on_socket(session: Session, ws: web.WebSocketResponse) -> None:
        with contextlib.suppress(ConnectionError):  # Ringback closes the socket on it
            await ws.send_str("x" * (5 * 1024 * 1024))

    voice_app.on_socket = on_socket
    bxml = f"<Response>{start(voice_app, 'a')}{WAIT_FOR_STREAM}</Response>"
    call_id = call_app(voice_app, platform, bxml)
    await finished(platform, call_id)
    stopped = voice_app.webhook("mediaStreamStopped")
    assert stopped["cause"] == "error"
    assert "broke the WebSocket protocol" in stopped["errorMessage"]
