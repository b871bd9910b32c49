"""The WebSockets of media streams and live transcriptions; Ringback is the client (spec §2).

How this works. The engine asks for a socket (`OpenSocket`); `StreamHub.open` connects to the
URL as given, with `Authorization: Basic` when the verb gave credentials, within
`HANDSHAKE_TIMEOUT_S`, sends the `start` message and tells the engine (`SocketOpened`, or
`SocketFailed` with the reason). The `media` frames, what the engine sends (`SendSocketMessage`)
and at the end `stop` and a close with 1000 (`CloseSocket`) follow, in order, through the
connection's outbox, written at once where the socket takes it (`stream_connection.py`, which
also says what an app that reads too slowly costs). Frames follow the call's clock: frame n of
each track covers `origin + n × 20 ms` and is sent once the clock has passed its end. On the
real clock one timer paces every socket (`stream_pacer.py`); on the virtual and manual clocks
the clockwork calls `pump_until(t)` before time moves to `t`, so a stream of L seconds carries
exactly ⌊L / 20 ms⌋ frames per track however fast time goes. The audio is the call's
(`ringback.media.frames`).

A reader task per connection takes what the app sends: `playAudio`/`clear` on a bidirectional
stream become facts; anything else is ignored and noted on the timeline (the first few of each
connection). When the app closes the socket, or it drops, the engine hears `SocketClosed` with
the cause: `closed` for a close frame with 1000 or 1001, `connection-error` for any other code
or a connection lost without one, `error` when the app broke the protocol (a message over
`MAX_MESSAGE_BYTES`, a bad frame) and Ringback had to close it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any

import aiohttp

from ringback.delivery.sender import USER_AGENT, describe_network_error
from ringback.delivery.target import basic_authorization, mask_url
from ringback.engine import facts as f
from ringback.engine.actions import CloseSocket, OpenSocket, SendSocketMessage
from ringback.engine.clock import ClockMode
from ringback.engine.media import Side
from ringback.media.app_messages import Clear, Ignored, PlayAudio, read_app_message
from ringback.media.frames import TrackFrames
from ringback.runtime.speech import NO_SYNTHESISER_NOTE, background_voices
from ringback.runtime.stream_connection import (
    CLOSE_TIMEOUT_S,
    PUMP_CHUNK_FRAMES,
    Connection,
    to_json,
)
from ringback.runtime.stream_pacer import FramePacer

if TYPE_CHECKING:
    from ringback.runtime.platform import Platform

HANDSHAKE_TIMEOUT_S = 5.0
MAX_MESSAGE_BYTES = 4 * 1024 * 1024  # the spec asks for ≥ 1 MiB; larger app messages end it
MAX_NOTED_IGNORED = 10  # ignored app messages noted on the timeline per connection
CLEAN_CLOSE_CODES = (1000, 1001)
TRACK_SIDES = {"inbound": Side.FAR, "outbound": Side.PLATFORM}


class StreamHub:
    """Every WebSocket the platform has open, and the clock that paces their frames."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.connections: dict[str, Connection] = {}
        self._session: aiohttp.ClientSession | None = None
        self.pacer = FramePacer(platform.now)  # the real clock's
        # On the real clock speech is made off the loop, so that no stream waits for another's.
        real = platform.config.clock is ClockMode.REAL
        self.voices = (
            background_voices(platform.speech, platform.decoded_audio) if real else platform.voices
        )

    @property
    def streaming(self) -> bool:
        """Whether any open socket carries audio (the virtual clock then moves in steps)."""
        return any(c.tracks and c.ws is not None for c in self.connections.values())

    def session(self) -> aiohttp.ClientSession:
        """Our own session: a socket holds its connection for its life, outside webhook limits."""
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=0)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": USER_AGENT}
            )
        return self._session

    # ---- what the engine asks ----------------------------------------------------------------

    def open(self, action: OpenSocket) -> None:
        """Connect (the engine hears SocketOpened or SocketFailed)."""
        connection = Connection(action, ended=self._finish)
        self.connections[action.socket_id] = connection
        self.platform.spawn(self._connect(connection))

    def send(self, action: SendSocketMessage) -> None:
        """Queue a message after the frames sent so far."""
        connection = self.connections.get(action.socket_id)
        if connection is not None and connection.closing is None:
            connection.queue(action.message)

    def close(self, action: CloseSocket) -> None:
        """Send the frames up to `at`, then `stop`, then close (1000)."""
        connection = self.connections.get(action.socket_id)
        if connection is None or connection.closing is not None:
            return
        connection.closing = action
        self.platform.hold_call(connection.call_id)  # its wait() returns once this is done
        if connection.broken:
            self._finish(connection, "closed", None)
        elif connection.ws is not None:
            connection.limit_drain()
            connection.flush()  # the frames up to `at`, then `stop`, then the close
        # else: still connecting; _connect closes it as soon as it is open

    async def pump_until(self, at: float) -> None:
        """Send every frame that ends by `at`, and wait until they are written (virtual clock)."""
        for connection in list(self.connections.values()):
            while connection.pacing and connection.pump(at, PUMP_CHUNK_FRAMES):
                connection.flush()
                await connection.all_written()

    async def flush(self) -> None:
        """Wait until every message queued so far is written (before a virtual clock moves on)."""
        for connection in list(self.connections.values()):
            if connection.ws is not None:
                await connection.all_written()

    async def close_all(self) -> None:
        """Close every socket at once (the platform stops or resets)."""
        self.pacer.stop()
        connections, self.connections = list(self.connections.values()), {}
        for connection in connections:
            await asyncio.gather(*connection.stop_work(), return_exceptions=True)
            if connection.ws is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(connection.ws.close(), CLOSE_TIMEOUT_S)
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ---- connecting --------------------------------------------------------------------------

    async def _connect(self, connection: Connection) -> None:
        action = connection.action
        headers = {}
        if action.username is not None or action.password is not None:
            auth = basic_authorization(action.username or "", action.password or "")
            headers["Authorization"] = auth
        started = time.perf_counter()
        try:
            async with asyncio.timeout(HANDSHAKE_TIMEOUT_S):
                ws = await self.session().ws_connect(
                    action.url,
                    headers=headers,
                    max_msg_size=MAX_MESSAGE_BYTES,
                    autoclose=True,
                    autoping=True,
                )
                await ws.send_str(to_json(action.start))
        except Exception as error:
            self._failed(connection, _connect_failure(action.url, error))
            return
        connection.ws = ws
        connection.origin = self.platform.now()
        connection.count_sent(action.start)
        log = self._media_log(connection)
        connection.tracks = [
            (name, TrackFrames(log, TRACK_SIDES[name], connection.origin, self.voices))
            for name in action.tracks
        ]
        self._note(
            connection,
            f"WebSocket connected to {mask_url(action.url)}",
            handshakeMs=round((time.perf_counter() - started) * 1000, 1),
            authorization="Basic ***" if headers else None,
            tracks=list(action.tracks),
            bidirectional=action.bidirectional,
        )
        if action.tracks and self.platform.speech.engine is None:
            self._note(connection, NO_SYNTHESISER_NOTE)
        connection.spawn(self._read(connection))
        if connection.closing is not None:  # the call ended while we connected: no frames, no stop
            connection.stopped = True
            connection.closer = connection.spawn(connection.close_socket())
            return
        self.platform.feed(f.SocketOpened(self.platform.now(), action.socket_id))
        if self.platform.config.clock is ClockMode.REAL and connection.pacing:
            self.pacer.add(connection)

    def _failed(self, connection: Connection, message: str) -> None:
        self.connections.pop(connection.action.socket_id, None)
        self._note(
            connection,
            f"WebSocket connection failed: {message}",
            url=mask_url(connection.action.url),
        )
        if connection.closing is not None:
            self.platform.release_call(connection.call_id)
            return
        self.platform.feed(
            f.SocketFailed(self.platform.now(), connection.action.socket_id, message)
        )

    def _media_log(self, connection: Connection) -> Any:
        return self.platform.engine.call(connection.call_id).media

    # ---- receiving ---------------------------------------------------------------------------

    async def _read(self, connection: Connection) -> None:
        ws = connection.ws
        assert ws is not None
        cause, message = "closed", None
        while True:
            msg = await ws.receive()
            if msg.type is aiohttp.WSMsgType.TEXT:
                connection.received += 1
                connection.received_bytes += len(msg.data)
                self._take(connection, msg.data)
                continue
            if msg.type is aiohttp.WSMsgType.BINARY:
                connection.received += 1
                connection.received_bytes += len(msg.data)
                self._ignore(connection, Ignored("a binary frame (the protocol is JSON text)"))
                continue
            if connection.closing is not None:
                return  # we are closing it: Connection.close_socket reports how that went
            if msg.type is aiohttp.WSMsgType.ERROR:  # aiohttp has closed it (1009, 1002, ...)
                cause, message = "error", f"the app broke the WebSocket protocol: {msg.data}"
            elif msg.type is aiohttp.WSMsgType.CLOSE or ws.close_code not in (None, 1006):
                code = ws.close_code
                if code not in CLEAN_CLOSE_CODES:
                    cause = "connection-error"
                    reason = f": {msg.extra}" if msg.extra else ""
                    message = f"the websocket closed abnormally (code {code}{reason})"
            else:
                cause = "connection-error"
                message = "the websocket connection was lost without a close frame (1006)"
            break
        self._finish(connection, cause, message)

    def _take(self, connection: Connection, text: str) -> None:
        """Act on one text frame from the app."""
        message = read_app_message(text)
        if not connection.action.bidirectional and not isinstance(message, Ignored):
            message = Ignored("the stream is unidirectional", "playAudio")
        socket_id = connection.action.socket_id
        match message:
            case PlayAudio(audio=audio):
                self.platform.feed(f.StreamAudioReceived(self.platform.now(), socket_id, audio))
            case Clear():
                self.platform.feed(f.StreamAudioCleared(self.platform.now(), socket_id))
            case Ignored():
                self._ignore(connection, message)

    def _ignore(self, connection: Connection, ignored: Ignored) -> None:
        connection.ignored += 1
        if connection.ignored <= MAX_NOTED_IGNORED:
            more = (
                " (later ones are only counted)" if connection.ignored == MAX_NOTED_IGNORED else ""
            )
            self._note(connection, f"ignored a message from the app: {ignored.reason}{more}")

    # ---- the end -----------------------------------------------------------------------------

    def _finish(self, connection: Connection, cause: str, message: str | None) -> None:
        """The socket is over, however it ended: note it, and tell whoever waits (once)."""
        if connection.finished:
            return
        connection.finished = True
        self.connections.pop(connection.action.socket_id, None)
        connection.stop_work()
        ws = connection.ws
        code = ws.close_code if ws is not None and ws.close_code is not None else 1006
        by = "Ringback" if connection.closing is not None else "the app"
        summary = f"WebSocket closed by {by} ({code})"
        if connection.closing is None or cause != "closed":
            summary += f": {cause}"
        self._note(
            connection,
            summary,
            closeCode=code,
            cause=cause,
            errorMessage=message,
            frames=connection.frames if connection.action.tracks else None,  # no audio: no count
            **connection.counts(),
        )
        if connection.closing is not None:
            self.platform.release_call(connection.call_id)
        else:
            socket_id = connection.action.socket_id
            self.platform.feed(f.SocketClosed(self.platform.now(), socket_id, cause, message))

    def _note(self, connection: Connection, summary: str, **detail: Any) -> None:
        detail = {k: v for k, v in detail.items() if v is not None}
        detail["socketId"] = connection.action.socket_id
        detail["purpose"] = connection.action.purpose
        self.platform.note(connection.call_id, self.platform.now(), "websocket", summary, detail)


def _connect_failure(url: str, error: BaseException) -> str:
    """Why a socket could not be opened, in words (the `errorMessage` of connection-error)."""
    where = mask_url(url)
    if isinstance(error, TimeoutError):
        return f"connecting to the websocket {where} timed out after {HANDSHAKE_TIMEOUT_S:g} s"
    if isinstance(error, aiohttp.WSServerHandshakeError):
        return (
            f"the websocket handshake with {where} was refused: HTTP {error.status} {error.message}"
        )
    if isinstance(error, aiohttp.ClientError | OSError):
        return f"could not connect to the websocket {where}: {describe_network_error(error)}"
    return f"could not connect to the websocket {where}: {error}"
