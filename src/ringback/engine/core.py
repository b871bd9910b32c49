"""The engine: a sans-IO interpreter of calls and BXML, in the manner of h11.

How this works. `Engine.handle(fact)` takes something that happened (a call was placed, a timer
came due, a webhook answered) and returns the actions the runtime must perform, in order (send a
webhook, start a timer, fetch audio, add to the timeline). The engine never reads a clock: the
time of every fact is `fact.at`, and timers are actions. It never does I/O: webhooks and media
fetches go out as actions and their results come back as facts.

Each call runs a `Program` (the verbs of a BXML document): `ringback.engine.flow` starts its verbs
and fetches new BXML; `ringback.engine.farend` is what passes between the call and its far end.

Customer mistakes never raise: invalid BXML ends the call with `invalid-bxml`, a failed sync
webhook with `callback-error`, unplayable audio with `application-error`, each with a message.
What raises is a caller's bug or a request that does not fit (EngineError): the API maps it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from ringback.engine import conferencing, farend, flow, lifecycle, sockets
from ringback.engine import facts as f
from ringback.engine.actions import (
    Action,
    AppendTimeline,
    CancelTimer,
    EndCall,
    FetchMedia,
    SendWebhook,
    StartTimer,
)
from ringback.engine.call import Call, CallStatus, Direction
from ringback.engine.conference import Conference
from ringback.engine.ids import IdSource
from ringback.engine.pacing import CallLimits, CallQueue, start_due
from ringback.engine.payloads import call_event, timestamp
from ringback.engine.recordings import Recording
from ringback.engine.requests import Callback
from ringback.engine.sockets import SocketOwner
from ringback.engine.v1 import dispatch as v1_dispatch
from ringback.engine.verbs.recording import set_recording_state
from ringback.errors import EngineError, UnknownCallError
from ringback.events import DisconnectEvent, Event
from ringback.events_v1 import V1Event
from ringback.masking import mask_text
from ringback.phones.script import PhoneScript

DEFAULT_ACCOUNT_ID = "9900000"
DEFAULT_BASE_URL = "http://127.0.0.1:8080"


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Settings of the emulated platform."""

    account_id: str = DEFAULT_ACCOUNT_ID
    base_url: str = DEFAULT_BASE_URL  # the REST API's root, used in callUrl and mediaUrl
    empty_reply_is_invalid: bool = False  # spec §9: an empty sync reply is `<Response/>` by default
    call_limits: CallLimits = field(default_factory=CallLimits)  # outbound rate, lines, queue


@dataclass(slots=True)
class _Timer:
    call_id: str | None
    fire: Callable[[], None]


@dataclass(slots=True)
class _Pending:
    call_id: str | None
    on_answer: Callable[[str, str], None]
    on_fail: Callable[[str], None]
    replaces_program: bool


class Engine:
    """Every call, conference and timer of one emulated account. Facts in, actions out."""

    def __init__(
        self,
        config: EngineConfig | None = None,
        ids: IdSource | None = None,
        phones: Mapping[str, PhoneScript] | None = None,
    ) -> None:
        self.config = config or EngineConfig()
        self.ids = ids or IdSource()
        self.phones: dict[str, PhoneScript] = dict(phones or {})
        self.calls: dict[str, Call] = {}
        self.conferences: dict[str, Conference] = {}
        self.recordings: dict[str, Recording] = {}  # every recording, from its start, by id
        self.v1_conferences: dict[str, Any] = {}  # v1 conferences and bridges, by id
        self.v1_bridges: dict[str, Any] = {}  # (`ringback.engine.v1`)
        self.sockets: dict[str, SocketOwner] = {}  # open or opening WebSockets, by socket id
        self.outbound = CallQueue(self.config.call_limits)
        self.now = 0.0
        self._out: list[Action] = []
        self._timers: dict[int, _Timer] = {}
        self._pending: dict[int, _Pending] = {}
        self._media: dict[
            int, tuple[str | None, Callable[[float], None], Callable[[str], None]]
        ] = {}
        # While a call is ending: what must happen after its `disconnect` went out.
        self._after_disconnect: dict[str, list[Callable[[], None]]] = {}
        self._numbers = itertools.count(1)

    # ---- the interface -------------------------------------------------------------------

    def handle(self, fact: f.Fact) -> list[Action]:
        """Apply one fact and return the actions it causes, in the order to perform them."""
        if fact.at < self.now:
            raise EngineError(f"time went backwards: fact at {fact.at} after {self.now}")
        self.now = fact.at
        try:
            self._dispatch(fact)
        finally:
            out, self._out = self._out, []
        return out

    def call(self, call_id: str) -> Call:
        """The call with this id (UnknownCallError if none)."""
        try:
            return self.calls[call_id]
        except KeyError:
            raise UnknownCallError(call_id) from None

    def forget(self, call_id: str) -> None:
        """An ended call leaves memory (the runtime's store keeps it): drop it by id.

        Its parts refer to it (its far end, the hooks and features that ran on it), so it and
        they would be cyclic garbage, freed only by the collector's full collections; those
        references are undone here, so reference counting frees the call at once.
        """
        call = self.calls.pop(call_id, None)
        if call is None or not call.ended:
            return
        call.far_end = None
        call.end_hooks.clear()
        call.on_bxml_end = None
        call.features.clear()
        call.run = None
        call.program = None

    def timer_call(self, timer_id: int) -> str | None:
        """The call a pending timer belongs to (None: no call's, or not pending)."""
        timer = self._timers.get(timer_id)
        return timer.call_id if timer is not None else None

    @property
    def pending_timers(self) -> int:
        """How many timers are started and neither fired nor cancelled."""
        return len(self._timers)

    # ---- dispatch --------------------------------------------------------------------------

    def _dispatch(self, fact: f.Fact) -> None:
        match fact:
            case f.TimerFired(timer_id=timer_id):
                timer = self._timers.pop(timer_id, None)
                if timer is not None:  # else it was cancelled after the runtime queued it
                    if timer.call_id is not None and timer.call_id in self.calls:
                        self.calls[timer.call_id].timers.discard(timer_id)
                    timer.fire()
            case f.CallFailed(call_id=call_id, message=message):
                # As Bandwidth ends a call its platform failed on: cause `error`, with a message.
                failed = self.calls.get(call_id)
                if failed is not None and not failed.ended:
                    self.end_call(failed, "error", message)
            case f.WebhookAnswered(request_id=rid, body=body, url=url):
                pending = self._pending.pop(rid, None)
                if pending is not None and self._still_wanted(pending, rid):
                    pending.on_answer(body, url)
            case f.WebhookFailed(request_id=rid, message=message):
                pending = self._pending.pop(rid, None)
                if pending is not None and self._still_wanted(pending, rid):
                    pending.on_fail(message)
            case f.MediaMeasured(request_id=rid, duration_s=duration):
                media = self._media.pop(rid, None)
                if media is not None and self._media_wanted(media[0]):
                    media[1](duration)
            case f.MediaFailed(request_id=rid, message=message):
                media = self._media.pop(rid, None)
                if media is not None and self._media_wanted(media[0]):
                    media[2](message)
            case f.OutboundCallPlaced():
                lifecycle.place_outbound(self, fact)
            case f.InboundCallArrived():
                lifecycle.receive_inbound(self, fact)
            case f.CallLimitsChanged(limits=limits):
                self.outbound.limits = limits
                start_due(self)
            case f.CallUpdateRequested():
                lifecycle.update_by_api(self, fact)
            case f.CallBxmlReplaced(call_id=call_id, bxml=text):
                lifecycle.replace_bxml_by_api(self, call_id, text)
            case f.ConferenceUpdateRequested():
                conferencing.update_by_api(self, fact)
            case f.ConferenceBxmlReplaced(conference_id=conference_id, bxml=text):
                conferencing.add_bxml_by_api(self, conference_id, text)
            case f.ConferenceMemberUpdateRequested():
                conferencing.update_member_by_api(self, fact)
            case f.PhoneStepsAdded(call_id=call_id, steps=steps):
                call = lifecycle.live_call(self, call_id)
                farend.far_end(self, call).add_steps(steps)
            case f.RecordingStateRequested(call_id=call_id, state=state):
                set_recording_state(self, lifecycle.live_call(self, call_id), state)
            case f.V1CommandRequested(command=command):
                v1_dispatch.perform(self, command)
            case (
                f.SocketOpened()
                | f.SocketFailed()
                | f.SocketClosed()
                | f.StreamAudioReceived()
                | f.StreamAudioCleared()
            ):
                sockets.handle(self, fact)
            case _:  # pragma: no cover - the Fact union is closed
                raise EngineError(f"unknown fact {fact!r}")

    def _still_wanted(self, pending: _Pending, rid: int) -> bool:
        if pending.call_id is None:
            return True
        call = self.calls.get(pending.call_id)
        if call is None or call.ended:
            return False
        if pending.replaces_program and call.waiting != rid:
            self.note(call, "webhook", "reply discarded: the call was redirected meanwhile")
            return False
        return True

    def _media_wanted(self, call_id: str | None) -> bool:
        return call_id is None or not self.call(call_id).ended

    # ---- emitting --------------------------------------------------------------------------

    def emit(self, action: Action) -> None:
        """Queue an action for the runtime."""
        self._out.append(action)

    def note(self, call: Call, kind: str, summary: str, **detail: Any) -> None:
        """Add an entry to the call's timeline."""
        self.emit(AppendTimeline(call.call_id, self.now, kind, summary, detail))

    def number(self) -> int:
        """A fresh request or timer number."""
        return next(self._numbers)

    # ---- timers ----------------------------------------------------------------------------

    def set_timer(self, call: Call | None, delay_s: float, fire: Callable[[], None]) -> int:
        """Call `fire` after `delay_s` seconds of (virtual) time; returns the timer id."""
        timer_id = self.number()
        self._timers[timer_id] = _Timer(call.call_id if call else None, fire)
        if call is not None:
            call.timers.add(timer_id)
        self.emit(StartTimer(timer_id, self.now + max(0.0, delay_s)))
        return timer_id

    def cancel_timer(self, timer_id: int) -> None:
        """Cancel a timer; cancelling one that already fired does nothing."""
        timer = self._timers.pop(timer_id, None)
        if timer is None:
            return
        if timer.call_id is not None and timer.call_id in self.calls:
            self.calls[timer.call_id].timers.discard(timer_id)
        self.emit(CancelTimer(timer_id))

    # ---- webhooks --------------------------------------------------------------------------

    def event(self, cls: type[Event], call: Call, **extra: Any) -> Event:
        """Build an event about `call` at the current time."""
        return call_event(cls, call, self.now, **extra)

    def send_webhook(
        self,
        call: Call | None,
        event: Event | V1Event,
        callback: Callback,
        *,
        sync: bool,
        timeout_s: float | None = None,
        on_answer: Callable[[str, str], None] | None = None,
        on_fail: Callable[[str], None] | None = None,
        replaces_program: bool = False,
        conference_id: str | None = None,
    ) -> int:
        """Send a webhook; a sync one calls `on_answer(body, url)` or `on_fail(message)` later."""
        rid = self.number()
        timeout = (
            timeout_s if timeout_s is not None else (call.callback_timeout_s if call else 15.0)
        )
        call_id = call.call_id if call else None
        self.emit(SendWebhook(rid, call_id, event, callback, timeout, sync, conference_id))
        if sync:
            self._pending[rid] = _Pending(
                call_id,
                on_answer or (lambda _body, _url: None),
                on_fail or (lambda _message: None),
                replaces_program,
            )
        return rid

    # ---- resolving URLs -----------------------------------------------------------------

    @staticmethod
    def resolve_url(url: str, base_url: str) -> str:
        """Resolve a relative URL against the URL that supplied the BXML (RFC 3986)."""
        return urljoin(base_url, url)

    def resolve(self, callback: Callback, base_url: str) -> Callback:
        """Resolve a callback's relative URLs against the URL that supplied the BXML (spec §4.2)."""
        return lifecycle.resolve_callback(callback, base_url)

    # ---- media -----------------------------------------------------------------------------

    def fetch_media(
        self,
        call: Call | None,
        url: str,
        username: str | None,
        password: str | None,
        measured: Callable[[float], None],
        failed: Callable[[str], None],
        *,
        conference_id: str | None = None,
    ) -> int:
        """Ask the runtime for an audio file's duration (for a call, or a conference's audio)."""
        rid = self.number()
        call_id = call.call_id if call is not None else None
        self._media[rid] = (call_id, measured, failed)
        self.emit(FetchMedia(rid, call_id, url, username, password, conference_id))
        return rid

    # ---- ending ----------------------------------------------------------------------------

    def hang_up(self, call: Call) -> None:
        """The application hangs up (`<Hangup>` or the end of its BXML)."""
        if call.direction is Direction.INBOUND and not call.answered:
            self.end_call(call, "rejected", "The application rejected the call")
        else:
            self.end_call(call, "hangup")

    def after_disconnect(self, call: Call, notify: Callable[[], None]) -> None:
        """Run `notify` after the call's `disconnect` if the call is ending now, else at once.

        What a call's end sets off (a recording becoming available) reaches the application
        after `disconnect`, as on Bandwidth, but still before the runtime hears `EndCall`.
        """
        pending = self._after_disconnect.get(call.call_id)
        if pending is None:
            notify()
        else:
            pending.append(notify)

    def end_call(self, call: Call, cause: str, message: str | None = None) -> None:
        """End the call: stop everything on it, send `disconnect`, tell the runtime."""
        if call.ended:
            return
        if message is not None:  # it may quote a URL with credentials (a PlayAudio, a Redirect)
            message = mask_text(message)
        after = self._after_disconnect.setdefault(call.call_id, [])
        call.cause = cause  # known while what runs on the call is stopped (a v1 gather: hung-up)
        flow.interrupt(self, call)
        for feature in list(call.features.values()):
            feature.on_call_end()
        call.features.clear()
        call.activities.clear()
        for timer_id in list(call.timers):
            self.cancel_timer(timer_id)
        call.state = CallStatus.DISCONNECTED
        call.end_time = call.last_update = self.now
        call.cause = cause
        call.error_message = message
        if message is not None:
            call.error_id = self.ids.error()
        self.note(call, "state", f"disconnected: {cause}", cause=cause, errorMessage=message)
        for hook in list(call.end_hooks):
            hook(call)
        if call.disconnect is not None and call.parent_call_id is None:
            event = self.event(
                DisconnectEvent,
                call,
                end_time=timestamp(self.now),
                cause=cause,
                error_message=message,
                error_id=call.error_id,
                sip_response_code=call.sip_response_code,
            )
            self.send_webhook(call, event, call.disconnect, sync=False)
        if call.observer is not None:
            call.observer.call_ended(self, call)
        del self._after_disconnect[call.call_id]
        for notify in after:
            notify()
        self.emit(EndCall(call.call_id, self.now, cause, message))
