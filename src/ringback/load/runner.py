"""One load run in this process: a Platform on the real clock, calls placed at a paced rate.

How this works. Call i is due at `i / rate` seconds after the start; it is placed then, or as
soon as fewer than `concurrency` calls are up, so a slow app shows as a rate achieved below the
rate asked rather than as an unbounded pile of calls. No call is placed after `duration_s`.
Each call is waited for up to `call_limit_s` real seconds and then hung up by Ringback (counted
as cut short), so a run never lasts longer than `LoadPlan.time_bound_s`. Every webhook delivery
is counted through the platform's `on_delivered` hook; every call's ending from its state.
Every request goes to the URLs of the plan's `CallSpec`, nowhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ringback.delivery.policy import DeliveryResult
from ringback.engine import facts as f
from ringback.engine.clock import ClockMode
from ringback.engine.requests import Application, Callback, OutboundCallRequest
from ringback.errors import CallQueueFullError, RingbackError
from ringback.load.histogram import Histogram
from ringback.load.plan import LoadPlan
from ringback.load.tally import CUT_SHORT, FAILED, NOT_PLACED, OK, Tally
from ringback.phones.script import PhoneScript, parse_script
from ringback.runtime import Platform, PlatformConfig
from ringback.store import Store

PROGRESS_INTERVAL_S = 1.0
HANGUP_GRACE_S = 5.0  # real seconds a call Ringback hung up has to send its last webhooks
APPLICATION_ID = "ringback-load"


@dataclass(frozen=True, slots=True)
class Progress:
    """A look at a running load, for the live line (summed over workers by the parent)."""

    elapsed_s: float
    placed: int
    up: int
    done: int
    failed: int
    webhooks: int  # since the previous look
    window: Histogram  # response times since the previous look

    @property
    def p99_ms(self) -> float:
        """The app's p99 since the previous look."""
        return self.window.percentile_ms(99.0)


class LoadRunner:
    """Runs a `LoadPlan` against the app on a Platform of its own."""

    def __init__(self, plan: LoadPlan, on_progress: Callable[[Progress], None] | None = None):
        self.plan = plan
        self.on_progress = on_progress
        self.tally = Tally()
        self.up = 0
        self._window = Histogram()
        self._window_webhooks = 0
        self._phone: PhoneScript | None = (
            parse_script(plan.spec.phone) if plan.spec.phone is not None else None
        )

    async def run(self, db_path: Path | None = None) -> Tally:
        """Place the plan's calls, wait for them, and return the tally."""
        cpu_started = time.process_time()
        with tempfile.TemporaryDirectory(prefix="ringback-load-") as scratch:
            store = Store(db_path or Path(scratch) / "load.sqlite3")
            # The load generator paces calls itself (--rate, --concurrency); the account's own
            # limits (5 calls/s, 100 lines by default under `serve`) are lifted unless asked for.
            config = PlatformConfig(
                clock=ClockMode.REAL,
                seed=f"load-{self.plan.worker_index}",
                calls_per_second=self.plan.calls_per_second,
                max_concurrent_calls=self.plan.max_concurrent_calls,
                max_call_queue_size=self.plan.max_call_queue_size,
            )
            platform = Platform(config, store)
            platform.on_delivered = self._delivered
            try:
                await platform.start()
                self._prepare(platform)
                await self._place_all(platform)
            finally:
                await platform.close()
                store.close()
        self.tally.cpu_s = time.process_time() - cpu_started
        return self.tally

    def _prepare(self, platform: Platform) -> None:
        spec = self.plan.spec
        if spec.direction == "inbound":
            status = Callback(spec.status_url, spec.status_method) if spec.status_url else None
            platform.put_application(
                Application(
                    APPLICATION_ID,
                    Callback(spec.url, spec.method),
                    status,
                    spec.callback_timeout_s,
                )
            )

    def _place(self, platform: Platform) -> str:
        spec = self.plan.spec
        if spec.direction == "inbound":
            return platform.inbound_call(spec.from_, spec.to, APPLICATION_ID, self._phone)
        disconnect = Callback(spec.status_url, spec.status_method) if spec.status_url else None
        request = OutboundCallRequest(
            to=spec.to,
            from_=spec.from_,
            application_id=APPLICATION_ID,
            answer=Callback(spec.url, spec.method),
            disconnect=disconnect,
            callback_timeout_s=spec.callback_timeout_s,
            phone=self._phone,
        )
        return platform.place_call(request)

    async def _place_all(self, platform: Platform) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        stop_at = started + self.plan.duration_s if self.plan.duration_s is not None else None
        slots = asyncio.Semaphore(self.plan.concurrency)
        calls: set[asyncio.Task[None]] = set()
        reporter = asyncio.create_task(self._report_progress(started))
        try:
            for number in range(self.plan.calls):
                delay = started + number / self.plan.rate_per_s - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                await slots.acquire()
                if stop_at is not None and loop.time() >= stop_at:
                    slots.release()
                    break
                self.tally.placing_s = loop.time() - started
                task = asyncio.create_task(self._one_call(platform, slots))
                calls.add(task)
                task.add_done_callback(calls.discard)
            await asyncio.gather(*calls)
        finally:
            for task in calls:
                task.cancel()
            await asyncio.gather(*calls, return_exceptions=True)
            self.tally.elapsed_s = loop.time() - started
            reporter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reporter
            self._emit(loop.time() - started)

    async def _one_call(self, platform: Platform, slots: asyncio.Semaphore) -> None:
        self.up += 1
        try:
            try:
                call_id = self._place(platform)
            except CallQueueFullError:  # the account's queue (--max-call-queue-size) is full
                self.tally.add_call(NOT_PLACED, "call-queue-full")
                return
            self.tally.placed += 1
            outcome = OK
            if not await platform.wait(call_id, self.plan.call_limit_s):
                outcome = CUT_SHORT
                with contextlib.suppress(RingbackError):  # it may have ended meanwhile
                    platform.request(f.CallUpdateRequested, call_id=call_id, state="completed")
                await platform.wait(call_id, HANGUP_GRACE_S)
            state = platform.call_state(call_id) or {}
            cause = str(state.get("disconnectCause") or "unknown")
            if outcome is OK and cause != "hangup":
                outcome = FAILED
            self.tally.add_call(outcome, cause, state.get("errorMessage"))
        finally:
            self.up -= 1
            slots.release()

    def _delivered(self, result: DeliveryResult) -> None:
        self.tally.add_delivery(result)
        self._window_webhooks += 1
        for attempt in result.attempts:
            if attempt.status is not None:
                self._window.record_ms(attempt.duration_ms)

    async def _report_progress(self, started: float) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(PROGRESS_INTERVAL_S)
            self._emit(loop.time() - started)

    def _emit(self, elapsed_s: float) -> None:
        window, self._window = self._window, Histogram()
        webhooks, self._window_webhooks = self._window_webhooks, 0
        if self.on_progress is not None:
            self.on_progress(
                Progress(
                    elapsed_s=elapsed_s,
                    placed=self.tally.placed,
                    up=self.up,
                    done=self.tally.done,
                    failed=self.tally.failed,
                    webhooks=webhooks,
                    window=window,
                )
            )
