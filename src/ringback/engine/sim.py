"""Run the engine against an in-process application on a virtual clock: no sockets, no event loop.

This is the runtime's loop with every edge replaced by a function call: a webhook is a call to
`app(webhook)`, which returns BXML (or None for an empty reply, or `Failure` for a webhook that
failed for good); audio durations come from a table. Time jumps to the next timer whenever
nothing is left to do, so a ten-minute call runs in milliseconds. Tests, examples and the
virtual-time benchmark use it; the asyncio runtime follows the same steps with real I/O.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ringback.engine import facts as f
from ringback.engine.actions import (
    Action,
    AppendTimeline,
    CancelTimer,
    CloseSocket,
    EndCall,
    FetchMedia,
    OpenSocket,
    SaveRecording,
    SendSocketMessage,
    SendWebhook,
    StartTimer,
)
from ringback.engine.call import Call
from ringback.engine.clock import TimerQueue, VirtualClock
from ringback.engine.core import Engine, EngineConfig
from ringback.engine.ids import IdSource
from ringback.engine.recordings import Recording
from ringback.engine.requests import Application, Callback, InboundCallRequest, OutboundCallRequest
from ringback.events import Event
from ringback.events_v1 import V1Event
from ringback.phones.script import SILENT_PHONE, PhoneScript

# 2023-11-14T22:13:20Z: a fixed start makes timestamps repeatable from run to run.
DEFAULT_START = 1_700_000_000.0
MAX_FACTS = 1_000_000


@dataclass(frozen=True, slots=True)
class Failure:
    """What an app returns to make a sync webhook fail for good (after retries and fallback)."""

    message: str


@dataclass(frozen=True, slots=True)
class Webhook:
    """One webhook as the application received it."""

    at: float
    url: str
    method: str
    event: Event | V1Event
    sync: bool
    call_id: str | None

    @property
    def event_type(self) -> str:
        """The event's `eventType`."""
        return self.event.event_type

    @property
    def payload(self) -> dict[str, Any]:
        """The JSON body as sent."""
        return self.event.to_wire()

    @property
    def path(self) -> str:
        """The path of the URL, for routing."""
        return urlsplit(self.url).path


Reply = str | None | Failure
App = Callable[[Webhook], Reply]


@dataclass
class Routes:
    """A tiny app: replies by URL path, each a BXML string or a function of the webhook."""

    routes: Mapping[str, str | Callable[[Webhook], Reply]]
    default: Reply = field(default_factory=lambda: Failure("HTTP 404 Not Found"))

    def __call__(self, webhook: Webhook) -> Reply:
        """Answer a webhook."""
        if not webhook.sync:
            return None
        route = self.routes.get(webhook.path, self.default)
        return route(webhook) if callable(route) else route


class Simulation:
    """The engine, an app and a virtual clock, run to completion in-process."""

    def __init__(
        self,
        app: App,
        *,
        start: float = DEFAULT_START,
        media: Mapping[str, float] | None = None,
        phones: Mapping[str, PhoneScript] | None = None,
        config: EngineConfig | None = None,
        seed: str = "ringback",
    ) -> None:
        self.app = app
        self.engine = Engine(config, IdSource(seed), phones)
        self.clock = VirtualClock(start)
        self.media = dict(media or {})
        self.timers = TimerQueue()
        self.webhooks: list[Webhook] = []
        self.timeline: list[AppendTimeline] = []
        self.ended: dict[str, EndCall] = {}
        self.saved: list[Recording] = []  # recordings the runtime was asked to write, in order
        # WebSockets open at once, unless their URL is here (with the failure's message).
        self.socket_failures: dict[str, str] = {}
        self.actions: list[Action] = []
        self._facts: deque[f.Fact] = deque()

    @property
    def now(self) -> float:
        """The virtual time."""
        return self.clock.now

    # ---- starting calls --------------------------------------------------------------------

    def place_call(
        self,
        answer_url: str,
        *,
        to: str = "+15553334444",
        from_: str = "+15551112222",
        application_id: str = "7fc9698a-b04a-468b-9e8f-91238c0d0086",
        phone: PhoneScript | None = None,
        disconnect_url: str | None = None,
        **options: Any,
    ) -> str:
        """An outbound call, as POST /calls would place it; returns its id."""
        request = OutboundCallRequest(
            to=to,
            from_=from_,
            application_id=application_id,
            answer=Callback(answer_url),
            disconnect=Callback(disconnect_url) if disconnect_url else None,
            phone=phone,
            **options,
        )
        call_id = self.engine.ids.call()
        self.feed(f.OutboundCallPlaced(self.now, call_id, request))
        return call_id

    def receive_call(
        self,
        initiate_url: str,
        *,
        from_: str = "+15551112222",
        to: str = "+15553334444",
        caller: PhoneScript = SILENT_PHONE,
        status_url: str | None = None,
        application_id: str = "7fc9698a-b04a-468b-9e8f-91238c0d0086",
        callback_timeout_s: float = 15.0,
    ) -> str:
        """An inbound call from `caller` to an application; returns its id."""
        app = Application(
            application_id=application_id,
            call_initiated=Callback(initiate_url),
            call_status=Callback(status_url) if status_url else None,
            callback_timeout_s=callback_timeout_s,
        )
        call_id = self.engine.ids.call()
        request = InboundCallRequest(from_=from_, to=to, application=app, caller=caller)
        self.feed(f.InboundCallArrived(self.now, call_id, request))
        return call_id

    # ---- running ---------------------------------------------------------------------------

    def feed(self, fact: f.Fact) -> None:
        """Hand the engine a fact now and perform what it asks."""
        for action in self.engine.handle(fact):
            self._perform(action)

    def run(self, until: float | None = None) -> None:
        """Run until nothing is left to do (or the clock would pass `until`)."""
        for _ in range(MAX_FACTS):
            if self._facts:
                self.feed(self._facts.popleft())
                continue
            due = self.timers.next_due()
            if due is None or (until is not None and due > until):
                if until is not None:
                    self.clock.advance_to(until)
                return
            self.clock.advance_to(due)
            self._facts.extend(f.TimerFired(due, t) for t in self.timers.pop_due(due))
        raise RuntimeError(f"simulation did not settle after {MAX_FACTS} facts")

    def call(self, call_id: str) -> Call:
        """The engine's state of a call."""
        return self.engine.call(call_id)

    def events(self, event_type: str | None = None, call_id: str | None = None) -> list[Webhook]:
        """The webhooks sent, optionally only one type and/or one call."""
        return [
            w
            for w in self.webhooks
            if (event_type is None or w.event_type == event_type)
            and (call_id is None or w.call_id == call_id)
        ]

    def event_types(self, call_id: str | None = None) -> list[str]:
        """The `eventType`s sent, in order."""
        return [w.event_type for w in self.events(call_id=call_id)]

    # ---- the edge, replaced ----------------------------------------------------------------

    def _perform(self, action: Action) -> None:
        self.actions.append(action)
        match action:
            case SendWebhook():
                webhook = Webhook(
                    self.now,
                    action.callback.url,
                    action.callback.method,
                    action.event,
                    action.sync,
                    action.call_id,
                )
                self.webhooks.append(webhook)
                reply = self.app(webhook)
                if not action.sync:
                    return
                if isinstance(reply, Failure):
                    self._facts.append(f.WebhookFailed(self.now, action.request_id, reply.message))
                else:
                    answered = f.WebhookAnswered(
                        self.now, action.request_id, reply or "", action.callback.url
                    )
                    self._facts.append(answered)
            case StartTimer(timer_id=timer_id, at=at):
                self.timers.start(timer_id, at)
            case CancelTimer(timer_id=timer_id):
                self.timers.cancel(timer_id)
            case FetchMedia(request_id=rid, url=url):
                if url in self.media:
                    self._facts.append(f.MediaMeasured(self.now, rid, self.media[url]))
                else:
                    message = f"Unable to play {url}: not found or not WAV/MP3 audio"
                    self._facts.append(f.MediaFailed(self.now, rid, message))
            case SaveRecording(recording=recording):
                self.saved.append(recording)
            case AppendTimeline():
                self.timeline.append(action)
            case EndCall(call_id=call_id):
                self.ended[call_id] = action
            case OpenSocket(socket_id=socket_id, url=url):
                failure = self.socket_failures.get(url)
                if failure is None:
                    self._facts.append(f.SocketOpened(self.now, socket_id))
                else:
                    self._facts.append(f.SocketFailed(self.now, socket_id, failure))
            case SendSocketMessage() | CloseSocket():
                pass  # in `actions`, for tests to read
