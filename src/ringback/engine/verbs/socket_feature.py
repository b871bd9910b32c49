"""What a media stream and a live transcription do alike around their WebSocket.

Both sit in `call.features` under `key` while connecting and open, are followed in
`engine.sockets` under `socket_id`, let their verb go on once the socket is established or
refused (`on_established`), and send their webhooks to one resolved URL (`events`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ringback.engine.verbs.base import Feature

if TYPE_CHECKING:
    from collections.abc import Callable

    from ringback.engine.call import Call
    from ringback.engine.core import Engine
    from ringback.engine.requests import Callback
    from ringback.events import Event


class SocketFeature(Feature):
    """A call feature with a WebSocket; its dataclass subclasses hold these attributes."""

    engine: Engine
    call: Call
    events: Callback | None  # the event URL, resolved; None: no webhooks
    state: str  # "connecting", then "open", then "closed"
    on_established: Callable[[], None] | None  # the verb waiting to go on

    @property
    def key(self) -> str:
        """Where the feature is kept in `call.features`."""
        raise NotImplementedError

    @property
    def socket_id(self) -> str:
        """The id its socket is followed by (the stream or transcription id)."""
        raise NotImplementedError

    def _forget(self) -> None:
        """Closed: off the call's features, and the engine no longer follows its socket."""
        self.state = "closed"
        if self.call.features.get(self.key) is self:
            del self.call.features[self.key]
        self.engine.sockets.pop(self.socket_id, None)

    def _established(self) -> None:
        """Let the verb that waits for the socket go on (once)."""
        resume, self.on_established = self.on_established, None
        if resume is not None:
            resume()

    def _send(self, event: Event) -> None:
        if self.events is not None:
            self.engine.send_webhook(self.call, event, self.events, sync=False)
