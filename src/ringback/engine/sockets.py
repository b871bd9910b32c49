"""The WebSockets the engine asks the runtime to open: media streams and live transcriptions.

How this works. A feature that needs a socket (`<StartStream>`, `<StartTranscription
destination>`) registers itself here under the socket's id (the stream or transcription id) and
emits `OpenSocket`. What the runtime then learns comes back as facts naming that id, and is
passed on to the owner: opened, failed, closed by the far side, audio from a bidirectional app.
A fact for a socket the engine no longer follows (its call ended meanwhile) is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ringback.engine import facts as f

if TYPE_CHECKING:
    from ringback.engine.core import Engine


WEBSOCKET_SCHEMES = ("ws", "wss")


def not_a_websocket(url: str) -> str | None:
    """Why `url` cannot be dialled as a WebSocket (the `errorMessage` of cause `error`), or None."""
    if urlsplit(url).scheme.lower() in WEBSOCKET_SCHEMES:
        return None
    return f"destination {url!r} is not a ws:// or wss:// URL"


def _ignore() -> None:
    """Nothing to do."""


def _ignore_audio(_audio: bytes) -> None:
    """Audio for a socket that plays none."""


SocketFact = (
    f.SocketOpened | f.SocketFailed | f.SocketClosed | f.StreamAudioReceived | f.StreamAudioCleared
)


@dataclass(frozen=True, slots=True)
class SocketOwner:
    """What to call when a socket opens, fails, closes, or a bidirectional app sends something.

    Bound methods of the feature that asked for the socket: a handler's code names them where it
    registers, which is how the coverage table sees who sends which event.
    """

    opened: Callable[[], None]
    failed: Callable[[str], None]  # why it could not be opened
    closed: Callable[[str, str | None], None]  # cause, errorMessage
    audio: Callable[[bytes], None] = _ignore_audio  # 8 kHz signed 16-bit samples to play
    cleared: Callable[[], None] = _ignore


def handle(engine: Engine, fact: SocketFact) -> None:
    """Pass a socket fact to the socket's owner, if the engine still follows that socket."""
    owner = engine.sockets.get(fact.socket_id)
    if owner is None:
        return
    match fact:
        case f.SocketOpened():
            owner.opened()
        case f.SocketFailed(message=message):
            engine.sockets.pop(fact.socket_id, None)
            owner.failed(message)
        case f.SocketClosed(cause=cause, message=message):
            engine.sockets.pop(fact.socket_id, None)
            owner.closed(cause, message)
        case f.StreamAudioReceived(audio=audio):
            owner.audio(audio)
        case f.StreamAudioCleared():
            owner.cleared()
