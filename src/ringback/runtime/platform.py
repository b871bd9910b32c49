"""The running emulator: one asyncio loop that drives the engine and performs what it asks.

How this works. Every fact goes through `feed`: the engine returns actions and `_perform` carries
them out — webhooks (runtime/deliveries.py) and media fetches become tasks (runtime/tasks.py)
whose results come back as facts, timers go into a queue, timeline entries and call states go to
the store. `ringback.runtime.clockwork`
moves time: in `real` mode timers fire on the wall clock; in `virtual` mode time jumps to the
next timer once nothing is in flight and no API request has come for `idle_s` real seconds; in
`manual` mode only `advance()` moves it. The HTTP layers (REST and control API) call the
methods below; they are synchronous where the engine is, so a request sees its effect at once.

Calls that were up when a server stopped cannot be resumed (the engine's state lives in
memory); on the next start they are stored as disconnected with cause `unknown` and a message.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Mapping
from functools import partial
from typing import Any, TypeVar

from ringback.delivery.faults import FaultPlan
from ringback.delivery.policy import DeliveryResult
from ringback.delivery.sender import Sender
from ringback.engine import facts as f
from ringback.engine.actions import (
    Action,
    AppendTimeline,
    CancelTimer,
    CloseSocket,
    ConferenceEnded,
    EndCall,
    FetchMedia,
    OpenSocket,
    SaveRecording,
    SendSocketMessage,
    SendWebhook,
    StartTimer,
)
from ringback.engine.clock import ClockMode, TimerQueue
from ringback.engine.core import Engine, EngineConfig
from ringback.engine.ids import IdSource
from ringback.engine.requests import Application, Callback, InboundCallRequest, OutboundCallRequest
from ringback.engine.v1 import requests as v1r
from ringback.events import Event
from ringback.media.cache import AudioCache
from ringback.media.decode import DecodedAudio
from ringback.phones.script import SILENT_PHONE, PhoneScript
from ringback.runtime import clockwork, media, v1_calls
from ringback.runtime.config import PlatformConfig
from ringback.runtime.deliveries import Deliveries
from ringback.runtime.recording_audio import RecordingAudio
from ringback.runtime.retention import EndedCalls
from ringback.runtime.settings import Settings
from ringback.runtime.speech import Speech, voices
from ringback.runtime.streams import StreamHub
from ringback.runtime.tasks import Tasks
from ringback.runtime.texting import Texting
from ringback.runtime.v1_account import V1Account
from ringback.runtime.views import call_state
from ringback.runtime.watchers import Entry, Watchers
from ringback.store import Store

F = TypeVar("F", bound=f.Fact)


class Platform:
    """Ringback running: engine, clock, webhook delivery, media and store."""

    def __init__(self, config: PlatformConfig, store: Store) -> None:
        self.config = config
        self.store = store
        self.engine = self._new_engine()
        self.timers = TimerQueue()
        self.virtual_now = config.start_time if config.start_time is not None else time.time()
        self.settings = Settings(store)  # applications, numbers, phone scripts
        self.applications = self.settings.applications
        self.numbers = self.settings.numbers
        # A lambda, not the bound method: `reset` replaces the engine and its id source.
        self.v1 = V1Account(store, lambda prefix: self.engine.ids.v1(prefix))  # noqa: PLW0108
        self.sender = Sender()
        self.last_activity = 0.0
        self.changed = asyncio.Event()
        self.tasks = Tasks(landed=self._landed)
        self.commit_waiters: list[asyncio.Future[None]] = []  # see committed()
        self.speech = Speech()
        self.decoded_audio = DecodedAudio()  # <PlayAudio> files as the call hears them
        self.voices = voices(self.speech, self.decoded_audio)
        self.audio = RecordingAudio(store, written=self.changed.set, voices=self.voices)
        self.audio_sources = config.audio_sources  # PUT /_ringback/audio replaces it
        self.audio_cache = AudioCache()
        self.ended = EndedCalls(self, config.ended_calls_kept)
        self._driver: asyncio.Task[None] | None = None
        self.watchers = Watchers()  # the terminal log and the console's live pages
        self.streams = StreamHub(self)
        self.faults = FaultPlan()  # faults on purpose, set by ringback.testing; none by default
        self.deliveries = Deliveries(self)  # webhooks sent, held, owed to their calls
        # Told of every finished webhook delivery (`ringback load` times the app with it).
        self.on_delivered: Callable[[DeliveryResult], None] | None = None
        self.texting = Texting(self)  # messaging: its own core on this clock, sender and store

    def _new_engine(self, start: int = 1) -> Engine:
        config = EngineConfig(
            account_id=self.config.account_id,
            base_url=self.config.base_url,
            call_limits=self.config.call_limits,
        )
        # Ids are deterministic, so every start of a store file but the first of an empty one
        # gets a seed of its own: its ordinal, counted in the file and committed before any id
        # is handed out. Its ids are new yet repeatable, and never reused, not even those of
        # calls a crash lost before they were committed (the call count cannot tell those).
        fresh = start == 1 and self.store.call_count() == 0
        seed = self.config.seed if fresh else f"{self.config.seed}-run{start}"
        return Engine(config, IdSource(seed))

    # ---- starting and stopping -------------------------------------------------------------

    async def start(self) -> None:
        """Load the stored settings, close calls a previous run left open, start the clock."""
        self.engine = self._new_engine(self.store.count_start())
        self.settings.load(self.engine)
        self.texting.start()
        self.v1.load()
        self.store.end_unfinished_calls("Ringback stopped while the call was up")
        self.last_activity = asyncio.get_running_loop().time()
        self._driver = asyncio.create_task(clockwork.drive(self))

    async def close(self) -> None:
        """Stop the clock and every task, commit the store, close connections."""
        if self._driver is not None:
            self._driver.cancel()
            await asyncio.gather(self._driver, return_exceptions=True)
            self._driver = None
        await self.tasks.cancel_all()
        await self.streams.close_all()
        await self.audio.finish()
        self.store.flush()
        await self.sender.close()

    @property
    def in_flight(self) -> int:
        """How many tasks are in flight (webhooks, media fetches): the virtual clock waits."""
        return self.tasks.count

    @property
    def quiet(self) -> asyncio.Event:
        """Set while nothing is in flight."""
        return self.tasks.quiet

    # ---- time ------------------------------------------------------------------------------

    def now(self) -> float:
        """The active clock's time, epoch seconds (never before the engine's last fact)."""
        if self.config.clock is ClockMode.REAL:
            return max(time.time(), self.engine.now)
        return max(self.virtual_now, self.engine.now)

    async def committed(self) -> None:
        """Return once everything written so far is committed: what a 201 acknowledges is on
        disk, so a `kill -9` right after it loses nothing. One commit serves every waiter."""
        if self._driver is None or self._driver.done():
            self.store.flush()
            return
        waiter = asyncio.get_running_loop().create_future()
        self.commit_waiters.append(waiter)
        self.changed.set()
        await waiter

    def touch(self) -> None:
        """An API request arrived: the virtual clock waits `idle_s` more before jumping."""
        self.last_activity = asyncio.get_running_loop().time()
        self.changed.set()

    async def advance(self, seconds: float) -> None:
        """Move a virtual or manual clock forward, firing the timers on the way."""
        await clockwork.advance(self, seconds)

    # ---- the engine ------------------------------------------------------------------------

    def feed(self, fact: f.Fact) -> None:
        """Hand the engine a fact and perform the actions it returns."""
        if type(fact) is f.TimerFired and fact.timer_id < 0:  # a delayed webhook's timer
            self.deliveries.timer_fired(fact.timer_id)
            return
        for action in self.engine.handle(fact):
            self._perform(action)
        self.changed.set()

    def request(self, fact_type: type[F], **fields: Any) -> None:
        """Feed an API request to the engine now; the engine's errors propagate to the caller."""
        self.touch()
        self.feed(fact_type(at=self.now(), **fields))

    def _perform(self, action: Action) -> None:
        match action:  # the most frequent first: a call notes eight timeline entries
            case AppendTimeline(call_id=call_id, at=at, kind=kind, summary=summary):
                state = None
                if kind == "state" and (call := self.engine.calls.get(call_id)) is not None:
                    if self.watchers:  # they are shown the new state
                        state = call_state(call)
                        self.store.save_call(call_id, state)
                    else:  # rendered once, when written (its latest)
                        self.store.save_call(call_id, partial(call_state, call))
                self.note(call_id, at, kind, summary, action.detail, state)
            case SendWebhook():
                self.deliveries.send(action)
            case StartTimer(timer_id=timer_id, at=at):
                if at > clockwork.MAX_CLOCK_EPOCH_S:  # only a clock pushed for centuries gets here
                    clockwork.logger.error(
                        "timer %s at %r is past the year 9000; dropped", timer_id, at
                    )
                else:
                    self.timers.start(timer_id, at)
            case CancelTimer(timer_id=timer_id):
                self.timers.cancel(timer_id)
            case FetchMedia():
                self.spawn(media.fetch(self, action))
            case SaveRecording(recording=recording):
                self.audio.saved(recording)
                owner = recording.call_id or recording.conference_id
                self.ended.recording_saved(owner, recording.recording_id)
            case ConferenceEnded():
                self.ended.conference_ended(action)
            case EndCall(call_id=call_id):
                call = self.engine.call(call_id)
                self.store.save_call(call_id, partial(call_state, call), ended=True)
                self.deliveries.settle(call_id)
            case OpenSocket():
                self.streams.open(action)
            case SendSocketMessage():
                self.streams.send(action)
            case CloseSocket():
                self.streams.close(action)

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` as a task the virtual clock waits for (it is in flight until it ends)."""
        self.tasks.spawn(work)

    def hold_call(self, call_id: str) -> None:
        """Something of the call's is still under way (a socket closing): `wait()` waits for it."""
        self.deliveries.hold(call_id)

    def release_call(self, call_id: str) -> None:
        """What `hold_call` announced is done."""
        self.deliveries.release(call_id)

    def note(
        self,
        owner: str,
        at: float,
        kind: str,
        summary: str,
        detail: Mapping[str, Any],
        call: Mapping[str, Any] | None = None,
    ) -> None:
        """Write a timeline entry (a call's, a conference's or a message's) and tell the
        watchers (the terminal log, the console); `call`: the call's new state, if it changed."""
        self.store.add_timeline(owner, at, kind, summary, detail)
        if self.watchers:
            self.watchers.publish(Entry(owner, at, kind, summary, detail, call))

    def _landed(self) -> None:
        # The idle grace counts from the last thing that happened, this included. The clock's
        # driver is woken only once nothing is left in flight (time may jump, the store be
        # committed at once): a turn of it after every webhook did nothing else, and what a
        # webhook's answer starts wakes it anyway (`feed`).
        self.last_activity = asyncio.get_running_loop().time()
        if self.tasks.count == 0:
            self.changed.set()

    # ---- calls -----------------------------------------------------------------------------

    def place_call(self, request: OutboundCallRequest) -> str:
        """POST /calls: a new outbound call; returns its id."""
        call_id = self.engine.ids.call()
        self.request(f.OutboundCallPlaced, call_id=call_id, request=request)
        return call_id

    def inbound_call(
        self,
        from_: str,
        to: str,
        application_id: str | None = None,
        phone: PhoneScript | None = None,
    ) -> str:
        """A call arriving at `to` (routed by its number unless an application is named)."""
        app = self.settings.application_for(to, application_id)
        call_id = self.engine.ids.call()
        request = InboundCallRequest(
            from_=from_, to=to, application=app, caller=phone or SILENT_PHONE
        )
        self.request(f.InboundCallArrived, call_id=call_id, request=request)
        return call_id

    def v1_command(self, command: v1r.Command) -> None:
        """A v1 REST request: place, update, audio, gather... (errors propagate to the API)."""
        self.request(f.V1CommandRequested, command=command)

    def routes_to_v1(self, to: str, application_id: str | None) -> bool:
        """Whether an inbound call goes to a v1 application: named, or `to` is a v1 number."""
        if application_id is not None:
            return application_id in self.v1.applications
        return to not in self.numbers and self.v1.find_number(to) is not None

    def v1_inbound_call(
        self,
        from_: str,
        to: str,
        application_id: str | None = None,
        phone: PhoneScript | None = None,
    ) -> str:
        """A call to a v1 number, routed by its v1 application; returns its id."""
        return v1_calls.inbound_call(self, from_, to, application_id, phone)

    def call_state(self, call_id: str) -> dict[str, Any] | None:
        """GET /calls/{id}: the live state, or what the store kept."""
        call = self.engine.calls.get(call_id)
        return call_state(call) if call is not None else self.store.call(call_id)

    def list_calls(self, **filters: Any) -> list[tuple[int, dict[str, Any]]]:
        """GET /calls: stored calls in creation order, live ones with their current state."""
        rows = self.store.calls(**filters)
        live = self.engine.calls
        return [
            (seq, call_state(live[state["callId"]]) if state["callId"] in live else state)
            for seq, state in rows
        ]

    def timeline(self, call_id: str) -> list[dict[str, Any]]:
        """Everything that happened on a call, in order."""
        return self.store.timeline(call_id)

    async def wait(self, call_id: str, timeout_s: float) -> bool:
        """Wait (real time) until the call has ended and its last webhook was delivered.

        False on timeout. A call only in the store (from an earlier run) has long ended.
        """
        if call_id not in self.engine.calls:
            if self.store.call(call_id) is None:
                self.engine.call(call_id)  # raises UnknownCallError
            return True
        return call_id in self.ended or await self.deliveries.settled(call_id, timeout_s)

    def forget_call(self, call_id: str) -> None:
        """An ended call left memory (ringback.runtime.retention): drop what is kept of it."""
        self.deliveries.forget(call_id)
        self.store.forget_call(call_id)

    # ---- recordings and other webhooks -----------------------------------------------------

    def recordings(
        self, call_id: str | None = None, conference_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Recordings' metadata (REST form) in creation order."""
        return self.store.recordings(call_id=call_id, conference_id=conference_id)

    def recording(self, recording_id: str) -> dict[str, Any] | None:
        """One recording's metadata."""
        return self.store.recording(recording_id)

    async def recording_media(self, recording_id: str) -> tuple[bytes, str] | None:
        """A recording's audio and its media type (None once deleted)."""
        return await self.audio.media(recording_id)

    def delete_recording(self, recording_id: str) -> None:
        """Forget a recording, its audio and its transcription."""
        self.engine.recordings.pop(recording_id, None)
        self.audio.delete(recording_id)

    def delete_recording_media(self, recording_id: str) -> None:
        """Forget a recording's audio (its metadata stays)."""
        self.audio.delete_media(recording_id)

    def send_event(self, event: Event, callback: Callback, timeout_s: float) -> None:
        """Send an async webhook that is not the engine's (REST transcription requests)."""
        self.deliveries.send_event(event, callback, timeout_s)

    # ---- control API settings --------------------------------------------------------------

    def put_application(self, app: Application) -> None:
        """PUT /_ringback/applications/{id}."""
        self.settings.put_application(app)

    def put_number(self, number: str, application_id: str) -> None:
        """PUT /_ringback/numbers/{number}: route inbound calls to an application."""
        self.settings.put_number(number, application_id)

    def put_phone(self, number: str, script: PhoneScript) -> None:
        """PUT /_ringback/phones/{number}: the far end behind a number."""
        self.settings.put_phone(self.engine, number, script)

    def delete_phone(self, number: str) -> bool:
        """DELETE /_ringback/phones/{number}: the number goes back to the silent phone."""
        return self.settings.delete_phone(self.engine, number)

    async def reset(self) -> None:
        """POST /_ringback/reset: forget every call, setting and timer; the clock restarts (now,
        or at the configured start time)."""
        await self.tasks.cancel_all()
        if self._driver is not None and self._driver.done():  # it never should; it may have
            clockwork.logger.error("the clock's driver had ended; reset starts a new one")
            self._driver = asyncio.create_task(clockwork.drive(self))
        await self.streams.close_all()
        self.store.reset()
        self.engine = self._new_engine()
        self.timers = TimerQueue()
        self.settings.clear()
        self.v1.clear()
        self.ended.clear()
        self.deliveries.clear()
        self.audio.clear()
        self.faults.clear()
        self.audio_cache.clear()
        self.decoded_audio.clear()
        self.audio_sources = self.config.audio_sources
        self.texting.reset()
        start = self.config.start_time
        self.virtual_now = start if start is not None else time.time()
        self.changed.set()
        if self.watchers:  # live views forget what they showed
            self.watchers.publish(Entry("account", self.virtual_now, "reset", "reset", {}))
