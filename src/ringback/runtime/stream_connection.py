"""One WebSocket of a media stream or live transcription, and how its messages are written.

How this works. Everything a socket sends goes through its outbox, in order: the `media` frames
(`pump` makes those that have come due), what the engine sends, and at the end `stop`; then the
close with 1000. The outbox is written at once by whoever put something in it (the pacing timer,
the engine's action, the virtual clock), as long as the socket takes it without waiting: an
uncompressed `send_str` writes to the transport and returns without ever yielding unless the
transport is paused. No task lies between a frame coming due and its write; on the real clock
that hop, through a writer task per socket, was what set the jitter of frame pacing
(docs/benchmarks.md, figure 7).

Only when the app reads too slowly does a send stop to wait for the transport to drain. A task
then finishes that send and writes the rest, and no frame is made for the socket meanwhile:
frames that come due stay due (a counter, not queued text) and follow once the app has caught
up, a chunk at a time. A slow app costs at most `PUMP_CHUNK_FRAMES` frames per track in memory
(beyond the transport's own bounded buffer) and gets every frame, late. An app that reads
nothing for `SEND_STALL_S` (`CLOSE_TIMEOUT_S` once the stream closes) is dropped as
`connection-error`: it would hold the close, its call's end and a virtual clock for ever.

A frame whose speech is still being synthesised off the loop (`speech.background_voices`, real
clock) raises `SoundNotReadyError` from `pump`: it and the socket's later frames stay due.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import types
from collections import Counter, deque
from collections.abc import Callable, Coroutine, Generator
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from ringback.engine.actions import CloseSocket, OpenSocket
from ringback.errors import SoundNotReadyError
from ringback.media.frames import TrackFrames
from ringback.media.pcmu import FRAME_S, SILENT_FRAME

CLOSE_TIMEOUT_S = 2.0
SOUND_POLL_S = 0.005  # how often frames waiting for speech made off the loop look again
PUMP_CHUNK_FRAMES = 50  # frames made per track at a time; a slow app holds at most these
SEND_STALL_S = 10.0  # real seconds a send may wait for the app to read (CLOSE_TIMEOUT_S closing)
LOST = "the websocket connection was lost without a close frame (1006)"

logger = logging.getLogger("ringback.streams")

# How a socket's life ended, for its hub: (connection, cause, errorMessage).
Ended = Callable[["Connection", str, "str | None"], None]


@dataclass(eq=False)
class Connection:
    """One socket: where it goes, what it carries, and what went over it."""

    action: OpenSocket
    ws: aiohttp.ClientWebSocketResponse | None = None
    origin: float = 0.0  # the call-clock time it opened; frame 0 starts here
    tracks: list[tuple[str, TrackFrames]] = field(default_factory=list)
    frames: int = 0  # frames made (queued or written) per track
    outbox: deque[str] = field(default_factory=deque)
    written: asyncio.Event = field(default_factory=asyncio.Event)  # set: outbox empty, no drain
    draining: asyncio.Task[None] | None = None  # finishing a send the socket made wait
    closer: asyncio.Task[None] | None = None  # closing it with 1000, once all is written
    retry: asyncio.TimerHandle | None = None  # closing: look again once the speech is made
    drain_deadline: asyncio.Timeout | None = None  # when the waiting send gives up
    closing: CloseSocket | None = None
    stopped: bool = False  # everything before the close is queued (frames, then `stop`)
    broken: bool = False  # a write failed: nothing more is sent
    finished: bool = False  # reported as over (to the engine, or to whoever closed it)
    sent: Counter[str] = field(default_factory=Counter)  # messages by eventType
    sent_bytes: int = 0
    received: int = 0
    received_bytes: int = 0
    ignored: int = 0
    waits: int = 0  # sends that had to wait for the app to read (the transport was full)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    ended: Ended | None = None  # told once the socket is over (the hub reports it)

    @property
    def call_id(self) -> str:
        """The call the socket belongs to."""
        return self.action.call_id

    @property
    def pacing(self) -> bool:
        """Whether frames are still being made for it (open, carrying audio, not closing)."""
        return (
            bool(self.tracks)
            and self.ws is not None
            and self.closing is None
            and not (self.broken or self.finished)
        )

    @property
    def next_due(self) -> float:
        """The call-clock moment its next frame ends, and so may be sent."""
        return self.origin + (self.frames + 1) * FRAME_S

    def stop_work(self) -> list[asyncio.Task[None]]:
        """Cancel its tasks (but the one running this) and its retry; the tasks cancelled."""
        if self.retry is not None:
            self.retry.cancel()
            self.retry = None
        current = asyncio.current_task()
        tasks = [task for task in self.tasks if task is not current]
        for task in tasks:
            task.cancel()
        return tasks

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run `work` as a task of this socket's (cancelled once the socket is over)."""
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def counts(self) -> dict[str, Any]:
        """What went over the socket, for the timeline."""
        return {
            "messagesSent": dict(self.sent),
            "bytesSent": self.sent_bytes,
            "messagesReceived": self.received,
            "bytesReceived": self.received_bytes,
            "ignoredReceived": self.ignored,
            "sendsWaited": self.waits,
        }

    # ---- writing -------------------------------------------------------------------------------

    def pump(self, at: float, limit: int = PUMP_CHUNK_FRAMES) -> bool:
        """Queue the frames of every track that end by `at`, at most `limit` per track; whether
        there were any. SoundNotReadyError: a frame's speech is still being made (the frames
        before it are queued, it and those after stay due). A frame that cannot be made (a bug)
        is logged and ends the socket's frames; the socket stays up until it is closed."""
        if not self.tracks or self.broken:
            return False
        # Epoch-sized floats carry ~1e-5 frames of error: a frame ending at `at` counts as ended.
        due = min(int((at - self.origin) / FRAME_S + 1e-3), self.frames + limit)
        if self.frames >= due:
            return False
        self.written.clear()
        while self.frames < due:
            index = self.frames
            try:
                frames = [(name, track.frame(index)) for name, track in self.tracks]
            except SoundNotReadyError:
                raise
            except Exception:
                logger.exception(
                    "media frames of socket %s (call %s) failed; its frames stop",
                    self.action.socket_id,
                    self.call_id,
                )
                self.tracks = []
                break
            self.frames += 1
            for name, frame in frames:
                payload = SILENT_PAYLOAD if frame is SILENT_FRAME else _base64(frame)
                self.outbox.append(
                    f'{{"eventType":"media","track":"{name}",'
                    f'"sequenceNumber":"{self.sent["media"] + 1}","payload":"{payload}"}}'
                )
                self.sent["media"] += 1
        return True

    def queue(self, message: Any) -> None:
        """Send a message after everything queued so far."""
        self.count_sent(message)
        self.outbox.append(to_json(message))
        self.written.clear()
        self.flush()

    def count_sent(self, message: Any) -> None:
        """Count a message by its eventType (the `start` is sent before the outbox exists)."""
        self.sent[str(message.get("eventType"))] += 1

    async def all_written(self) -> None:
        """Return once everything queued so far is written (or the socket is lost)."""
        while (self.outbox or self.draining is not None) and not self.broken:
            await self.written.wait()

    def flush(self) -> None:
        """Write the outbox while the socket takes it without waiting; once closing, go on with
        the frames up to the close (a chunk at a time), `stop`, and the close itself."""
        if self.ws is None or self.draining is not None or self.broken:
            return
        while True:
            while self.outbox:
                if not self._write(self.outbox.popleft()):
                    return  # a task finishes it, and calls this again; or the socket is lost
            closing = self.closing
            if closing is None or self.stopped:
                break
            try:
                more = self.pump(closing.at)
            except SoundNotReadyError:  # the close waits for the last frames' speech
                if self.retry is None:
                    self.retry = asyncio.get_running_loop().call_later(SOUND_POLL_S, self._retry)
                if self.outbox:
                    continue
                return
            if not more:
                self.stopped = True
                if closing.stop is not None:
                    self.count_sent(closing.stop)
                    self.outbox.append(to_json(closing.stop))
                    continue
                break
        self.written.set()
        if self.stopped and self.closing is not None and self.closer is None:
            self.closer = self.spawn(self.close_socket())

    def _retry(self) -> None:
        self.retry = None
        if not self.finished:
            self.flush()

    def _write(self, text: str) -> bool:
        """Send one message now if the socket takes it without waiting (True); else leave a
        task to finish it (False). A lost socket is reported and also gives False."""
        assert self.ws is not None
        self.sent_bytes += len(text)
        sending = self.ws.send_str(text)
        try:
            waiting = sending.send(None)  # runs it up to its first wait, if it has one
        except StopIteration:
            return True
        except (ConnectionError, aiohttp.ClientError):
            self.lost()
            return False
        self.waits += 1
        self.written.clear()
        self.draining = self.spawn(self._drain(sending, waiting))
        return False

    async def _drain(self, sending: Coroutine[Any, Any, None], waiting: Any) -> None:
        loop = asyncio.get_running_loop()
        began = loop.time()
        waited_s = CLOSE_TIMEOUT_S if self.closing is not None else SEND_STALL_S
        try:
            async with asyncio.timeout_at(began + waited_s) as self.drain_deadline:
                await _resume(sending, waiting)
        except (ConnectionError, aiohttp.ClientError):
            self.draining = None
            self.lost()
            return
        except TimeoutError:  # the app has read nothing for that long: it is dropped
            self.draining = None
            self.broken = True
            self.outbox.clear()
            self.written.set()
            if self.ended is not None:
                self.ended(self, "connection-error", _stalled(loop.time() - began))
            assert self.ws is not None
            with contextlib.suppress(Exception):  # aiohttp's close, timed out, drops it
                await asyncio.wait_for(self.ws.close(code=1000), CLOSE_TIMEOUT_S)
            return
        finally:
            self.drain_deadline = None
        self.draining = None
        self.flush()

    def limit_drain(self) -> None:
        """The stream closes: a send waiting for the app gets at most `CLOSE_TIMEOUT_S` more, so
        that an app that stopped reading holds the close (and its call) no longer."""
        deadline = self.drain_deadline
        if deadline is not None:
            soon = asyncio.get_running_loop().time() + CLOSE_TIMEOUT_S
            when = deadline.when()
            if when is None or when > soon:
                deadline.reschedule(soon)

    async def close_socket(self) -> None:
        """Close with 1000 (everything before it written), and report how that went."""
        assert self.ws is not None
        try:
            await asyncio.wait_for(self.ws.close(code=1000), CLOSE_TIMEOUT_S)
        except (ConnectionError, aiohttp.ClientError, TimeoutError):
            self.lost()
            return
        if self.ended is not None:
            self.ended(self, "closed", None)

    def lost(self) -> None:
        """A write failed: nothing more is sent, and the socket is reported lost."""
        self.broken = True
        self.outbox.clear()
        self.written.set()
        if self.ended is not None:
            # The reader may know better (a protocol error it closed on): let it speak first.
            asyncio.get_running_loop().call_soon(self.ended, self, "connection-error", LOST)


def _stalled(waited_s: float) -> str:
    return (
        f"the app stopped reading the websocket: nothing more could be sent to it for"
        f" {waited_s:.1f} s"
    )


@types.coroutine
def _resume(sending: Coroutine[Any, Any, None], waiting: Any) -> Generator[Any, Any, None]:
    """Await the rest of a coroutine already run up to its first wait (`waiting`, what it
    yielded): what `await` does for a coroutine from its start."""
    while True:
        try:
            sent = yield waiting
        except BaseException as error:
            try:
                waiting = sending.throw(error)
            except StopIteration:
                return
        else:
            try:
                waiting = sending.send(sent)
            except StopIteration:
                return


def _base64(frame: bytes) -> str:
    return base64.b64encode(frame).decode("ascii")


SILENT_PAYLOAD = _base64(SILENT_FRAME)  # most frames of most calls: encoded once


def to_json(message: Any) -> str:
    """A message as the socket carries it (compact JSON)."""
    return json.dumps(message, separators=(",", ":"))
