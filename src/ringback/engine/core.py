"""The engine: a sans-IO interpreter of calls and BXML, in the manner of h11.

How this works. `Engine.handle(fact)` takes something that happened (a call was placed, a timer
came due, a webhook answered) and returns the actions the runtime must perform, in order (send a
webhook, start a timer, fetch audio, add to the timeline). The engine never reads a clock: the
time of every fact is `fact.at`, and timers are actions. It never does I/O: webhooks and media
fetches go out as actions and their results come back as facts.

Each call runs a `Program` (the verbs of a BXML document). `_advance` starts verbs one after the
other; a verb that takes time (a `<Pause>`, a `<Gather>`) is a `VerbRun` kept on the call until it
calls `done()`. A verb with a callback URL sends a sync webhook and the call waits; the answer's
BXML becomes the new program. Reaching the end of a program hangs up (spec §4.1).

Customer mistakes never raise: invalid BXML ends the call with `invalid-bxml`, a failed sync
webhook with `callback-error`, unplayable audio with `application-error`, each with a message.
What raises is a caller's bug or a request that does not fit (EngineError): the API maps it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from ringback import bxml
from ringback.engine import conferencing, lifecycle, sockets
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
from ringback.engine.call import Call, CallStatus, Direction, Program
from ringback.engine.conference import Conference
from ringback.engine.farend import DTMF_TONE_S, FarEnd
from ringback.engine.ids import IdSource
from ringback.engine.media import Side, Sound
from ringback.engine.pacing import CallLimits, CallQueue, start_due
from ringback.engine.payloads import call_event, timestamp
from ringback.engine.recordings import Recording
from ringback.engine.requests import Callback
from ringback.engine.sockets import SocketOwner
from ringback.engine.v1 import dispatch as v1_dispatch
from ringback.engine.verbs import handler_for
from ringback.engine.verbs.base import VerbRun
from ringback.engine.verbs.recording import set_recording_state
from ringback.errors import CallStateError, EngineError, UnknownCallError
from ringback.events import DisconnectEvent, Event, RedirectEvent
from ringback.events_v1 import V1Event
from ringback.masking import mask_text
from ringback.phones.script import SILENT_PHONE, Condition, PhoneScript, Step

DEFAULT_ACCOUNT_ID = "9900000"
# A call that fetches this many BXML documents without any time passing is in a loop (say, a
# `<Redirect>` to itself): on a virtual clock it would never end, so it ends with an error.
MAX_DOCUMENTS_PER_INSTANT = 100
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
                self._update_call(fact)
            case f.CallBxmlReplaced(call_id=call_id, bxml=text):
                call = self._answered_call(call_id)
                document = bxml.parse(text)
                self.interrupt(call)
                self.note(call, "bxml", "BXML replaced through the API")
                self.note_leniency(call, document)
                self.run_document(call, document.verbs, call.base_url)
            case f.ConferenceUpdateRequested():
                conferencing.update_by_api(self, fact)
            case f.ConferenceBxmlReplaced(conference_id=conference_id, bxml=text):
                conferencing.add_bxml_by_api(self, conference_id, text)
            case f.ConferenceMemberUpdateRequested():
                conferencing.update_member_by_api(self, fact)
            case f.PhoneStepsAdded(call_id=call_id, steps=steps):
                call = self._live_call(call_id)
                self.far_end(call).add_steps(steps)
            case f.RecordingStateRequested(call_id=call_id, state=state):
                set_recording_state(self, self._live_call(call_id), state)
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

    def _live_call(self, call_id: str) -> Call:
        call = self.call(call_id)
        if call.ended:
            raise CallStateError(f"Call [{call_id}] cannot be modified in its current state")
        return call

    def _answered_call(self, call_id: str) -> Call:
        # New BXML (a redirect or a replacement) only runs on a call that is up (409 before).
        call = self._live_call(call_id)
        if not call.answered:
            raise CallStateError(f"Call [{call_id}] cannot be modified in its current state")
        return call

    def _update_call(self, fact: f.CallUpdateRequested) -> None:
        call = self._live_call(fact.call_id)
        if fact.state == "completed":
            lifecycle.complete_by_api(self, call, fact.by)
            return
        if fact.redirect is not None:
            self._answered_call(fact.call_id)
        if fact.set_tag:
            call.tag = fact.tag or None
        if fact.redirect is not None:
            self.interrupt(call)
            self.note(call, "redirect", "redirected through the API")
            self.fetch_bxml(call, RedirectEvent, self.resolve(fact.redirect, call.base_url))

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

    def fetch_bxml(
        self,
        call: Call,
        event_cls: type[Event],
        callback: Callback,
        context: str = "call",
        **extra: Any,
    ) -> None:
        """Send a sync webhook whose BXML replaces the rest of the call's program."""
        if call.ended:
            return
        if self._looping(call):
            message = (
                f"BXML loop: {MAX_DOCUMENTS_PER_INSTANT} documents fetched without any time "
                f"passing (the last from {call.base_url}); Ringback ends such calls"
            )
            self.end_call(call, "application-error", message)
            return
        call.program = None
        rid = self.send_webhook(
            call,
            self.event(event_cls, call, **extra),
            callback,
            sync=True,
            on_answer=lambda body, url: self.run_reply(call, body, url, context),
            on_fail=lambda message: self.end_call(call, "callback-error", message),
            replaces_program=True,
        )
        call.waiting = rid

    def _looping(self, call: Call) -> bool:
        instant, count = call.extra.get("fetches", (None, 0))
        count = count + 1 if instant == self.now else 1
        call.extra["fetches"] = (self.now, count)
        return count > MAX_DOCUMENTS_PER_INSTANT

    def run_reply(self, call: Call, body: str, url: str, context: str = "call") -> None:
        """Run the BXML a sync webhook answered with (`url` is where it came from)."""
        call.waiting = None
        if not body.strip() and not self.config.empty_reply_is_invalid:
            self.run_document(call, (), url, context)
            return
        try:
            document = bxml.parse(body, context=context)
        except bxml.BxmlError as error:
            self.end_call(call, "invalid-bxml", f"Invalid BXML from {url}: {error}")
            return
        self.note_leniency(call, document)
        self.run_document(call, document.verbs, url, context)

    def note_leniency(self, call: Call, document: bxml.Document) -> None:
        """Put what the parser read leniently (`attr="None"`) on the call's timeline."""
        for text in document.notes:
            self.note(call, "bxml", text)

    def run_document(
        self, call: Call, verbs: Iterable[Any], base_url: str, context: str = "call"
    ) -> None:
        """Start running a document's verbs on the call."""
        call.base_url = base_url
        call.program = Program(tuple(verbs), base_url, context)
        self.advance(call)

    # ---- running verbs ---------------------------------------------------------------------

    def advance(self, call: Call) -> None:
        """Start verbs one after another until one takes time, waits for BXML, or the call ends."""
        if call.advancing:
            return  # a verb finished synchronously inside start(); the outer loop carries on
        call.advancing = True
        try:
            while not call.ended and call.run is None and call.waiting is None:
                program = call.program
                if program is None or program.index >= len(program.verbs):
                    if call.on_bxml_end is not None:
                        on_bxml_end, call.on_bxml_end = call.on_bxml_end, None
                        on_bxml_end()
                        return
                    if call.idle_at_end:
                        call.program = None
                        return
                    self.note(call, "verb", "end of BXML: implicit <Hangup>")
                    self.hang_up(call)
                    return
                verb = program.verbs[program.index]
                program.index += 1
                self._start_verb(call, verb)
        finally:
            call.advancing = False

    def _start_verb(self, call: Call, verb: Any) -> None:
        tag = getattr(verb, "tag", None)
        if tag is not None and not isinstance(verb, bxml.Tag):
            call.tag = tag or None  # a verb's tag applies to its own and all later callbacks
        handler = handler_for(verb)
        if handler.answers_call(verb) and not call.answered:
            lifecycle.answer_inbound(self, call)
        run = handler(self, call, verb)
        call.run = run
        self.note(call, "verb", f"<{type(verb).__name__}> started", verb=type(verb).__name__)
        if call.observer is not None:
            call.observer.verb_started(self, call, run)
        run.start()

    def finish_verb(self, call: Call, run: VerbRun) -> None:
        """A verb is over: note it and go on with the program (unless it sent a webhook)."""
        if self.complete_verb(call, run):
            self.advance(call)

    def complete_verb(self, call: Call, run: VerbRun) -> bool:
        """Note that a verb is over, without going on (False if it was not the running one)."""
        if call.run is not run:
            return False
        call.run = None
        run.finished = True
        name = type(run.verb).__name__
        self.note(call, "verb", f"<{name}> ended", verb=name, started=run.started_at)
        if call.observer is not None:
            call.observer.verb_ended(self, call, run, interrupted=False)
        return True

    def interrupt(self, call: Call) -> None:
        """Stop the running verb and drop the rest of the program (redirect, new BXML, hangup)."""
        run = call.run
        call.program = None
        call.waiting = None
        if run is not None:
            self.stop_run(call, run)

    def stop_run(self, call: Call, run: VerbRun) -> None:
        """Stop the running verb only; the program goes on when `advance` is next called."""
        call.run = None
        run.stop()
        name = type(run.verb).__name__
        self.note(call, "verb", f"<{name}> interrupted", verb=name, started=run.started_at)
        if call.observer is not None:
            call.observer.verb_ended(self, call, run, interrupted=True)

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

    def prompt_started(self, call: Call) -> None:
        """A prompt began playing: the far end may be waiting for any speech."""
        call.activities.add(Condition.SPEAK.value)
        self.far_end(call).observe()

    def prompt_ended(self, call: Call, words: str) -> None:
        """A prompt finished (or was cut): the far end has heard its words."""
        call.activities.discard(Condition.SPEAK.value)
        call.heard.append((self.now, words))
        self.far_end(call).observe()

    def begin_activity(self, call: Call, activity: Condition) -> None:
        """The platform started collecting digits or recording: wake a waiting far end."""
        call.activities.add(activity.value)
        self.far_end(call).observe()

    def end_activity(self, call: Call, activity: Condition) -> None:
        """The platform stopped collecting digits or recording."""
        call.activities.discard(activity.value)

    # ---- the far end -----------------------------------------------------------------------

    def far_end(self, call: Call) -> FarEnd:
        """The phone at the other end of the call (a silent one if none was given)."""
        if call.far_end is None:
            call.far_end = FarEnd(self, call, SILENT_PHONE)
        return call.far_end

    def phone_for(self, number: str) -> PhoneScript:
        """The script registered for a number, or the silent phone."""
        return self.phones.get(number, SILENT_PHONE)

    def far_end_pressed(self, call: Call, digit: str) -> None:
        """The far end pressed a digit (heard at the end of its tone, already on the media log)."""
        self.note(call, "far-end", f"pressed {digit}", digit=digit)
        if call.observer is not None:
            call.observer.digit_pressed(self, call, digit, DTMF_TONE_S)
        # Background features hear the digit first, as things stood when it was pressed: the verb
        # may end on this digit and start others (a `<StartGather>` started next must not get it,
        # and one paused by the `<Gather>` that takes it must still see that Gather running).
        for feature in list(call.features.values()):
            feature.on_digit(digit)
        if call.run is not None and not call.ended:
            call.run.on_digit(digit)

    def far_end_said(self, call: Call, text: str, duration_s: float) -> None:
        """The far end starts speaking for `duration_s` seconds."""
        call.media.add(self.now, self.now + duration_s, Side.FAR, Sound.SPEECH, text)
        self.note(call, "far-end", f"says {text!r}", text=text, duration=duration_s)
        if call.run is not None:
            call.run.on_speech(duration_s)

    def far_end_hung_up(self, call: Call) -> None:
        """The far end hung up."""
        self.note(call, "far-end", "hung up")
        self.end_call(call, "hangup")

    def add_phone_steps(self, call: Call, steps: tuple[Step, ...]) -> None:
        """Give the far end steps to run now, alongside its script."""
        self.far_end(call).add_steps(steps)

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
        self.interrupt(call)
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
