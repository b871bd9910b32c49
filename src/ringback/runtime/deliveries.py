"""A platform's webhooks, from the engine's `SendWebhook` to the app and back as a fact, and
when a call has settled.

How this works. Each webhook is a task of the platform's (in flight: the virtual clock waits for
it). Every webhook of a call is owed to it from the moment the engine asks for it until it has
been delivered, so `Platform.wait` returns only once a call has ended and nothing is owed: a
call "settles". Faults on purpose (`ringback.testing`) may hold a webhook back
(runtime/faults.py): held, it is not in flight but still owed. The v1 events of one call (or
conference) go one after another (v1 spec §8 #15). Every attempt goes on the timeline of the
call the event is about (runtime/webhooks.py builds the request and the entries); a sync
webhook's outcome is fed to the engine.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from functools import partial
from typing import TYPE_CHECKING, Any

from ringback.delivery.faults import Fault, FaultKind
from ringback.delivery.policy import Delivery, DeliveryResult, WebhookRequest
from ringback.delivery.sender import Exchange
from ringback.engine.actions import SendWebhook
from ringback.engine.requests import Callback
from ringback.events import Event
from ringback.events_v1 import V1Event
from ringback.runtime import v1_calls
from ringback.runtime.faults import Held, HeldWebhooks, choose, fault_label
from ringback.runtime.webhooks import attempt_entries, outcome_fact, webhook_request

if TYPE_CHECKING:
    from ringback.runtime.platform import Platform


class Deliveries:
    """The webhooks of one platform: sent, held, owed to their calls."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.owed: Counter[str] = Counter()  # webhooks (and sockets closing) owed, per call
        self.held = HeldWebhooks()
        # Told True when the call settles: the futures of its wait()ers.
        self._settled: dict[str, list[asyncio.Future[bool]]] = {}
        # v1 events of one call (or conference) go one after another: the delivery each new
        # one waits for.
        self._chains: dict[str, asyncio.Future[None]] = {}

    def send(self, action: SendWebhook) -> None:
        """The engine asked for a webhook: it is owed to its call now (its delivery ends after
        the engine's EndCall may have been seen), sent at once when it can be, else in a task."""
        if action.call_id is not None:
            self.owed[action.call_id] += 1
        if isinstance(action.event, V1Event):
            self.platform.spawn(self._deliver_in_order(action))
        elif self.platform.faults:
            self.platform.spawn(self._deliver(action))
        else:
            self._send_now(action)

    def _send_now(self, action: SendWebhook) -> None:
        """Send the first attempt now, on an idle keep-alive connection, and wait for its answer
        with a done-callback. A task per webhook, its first step a turn of the loop later, was
        a tenth of a whole call's CPU, and that turn was latency added to every webhook. What
        cannot go at once (a new connection, https, a retry, a challenge, a fallback) goes on
        in a task."""
        platform = self.platform
        try:
            exchange = platform.sender.begin(self._request(action, {}, duplicate=False))
        except Exception:  # a target that cannot be used: it fails in a task, as it always did
            platform.spawn(self._deliver(action, {}))
            return
        sent = exchange.sent
        if sent is None:
            platform.spawn(self._deliver(action, {}, exchange.delivery))
            return
        platform.tasks.begin(sent.future)  # in flight: the virtual clock waits for it
        sent.future.add_done_callback(partial(self._answered, action, exchange))

    def _answered(
        self, action: SendWebhook, exchange: Exchange, future: asyncio.Future[Any]
    ) -> None:
        platform = self.platform
        platform.tasks.end(future)
        try:
            result = exchange.result()
        except asyncio.CancelledError:  # the platform closes or resets
            self._done(action)
            return
        if result is None:
            platform.spawn(self._deliver(action, {}, exchange.delivery))
            return
        try:
            self._delivered(action, {}, result, duplicate=False)
        except Exception as error:  # as a task's would be: reported, the loop goes on
            loop = asyncio.get_running_loop()
            loop.call_exception_handler({"message": "platform task failed", "exception": error})
        finally:
            self._done(action)

    def send_event(self, event: Event, callback: Callback, timeout_s: float) -> None:
        """An async webhook that is not the engine's (REST transcription requests)."""
        rid = self.platform.engine.number()
        action = SendWebhook(rid, None, event, callback, timeout_s, sync=False)
        self.platform.spawn(self._deliver(action))

    def timer_fired(self, timer_id: int) -> None:
        """A timer of ours (negative id) fired: the webhook a `delay` fault held goes now."""
        self._release(self.held.timer_fired(timer_id))

    def settle(self, call_id: str) -> None:
        """Tell the platform once the call has ended and nothing is owed to it any more."""
        platform = self.platform
        call = platform.engine.calls.get(call_id)
        if call is None or not call.ended:
            return
        if self.owed[call_id] <= 0:
            self.owed.pop(call_id, None)
            for waiter in self._settled.pop(call_id, ()):
                _tell(waiter, True)
            platform.ended.settled(call_id)  # it joins the window of ended calls kept in memory
        elif self.held:
            self._release(self.held.call_ended(call_id, self.owed[call_id]))

    async def settled(self, call_id: str, timeout_s: float) -> bool:
        """Wait (real time) until a live call settles; False on timeout.

        A future and a timer per waiter: an `asyncio.Event` under `asyncio.timeout` cost twice
        as much, and every call placed through the API is waited for so (`Platform.wait`)."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[bool] = loop.create_future()
        waiters = self._settled.setdefault(call_id, [])
        waiters.append(waiter)
        timer = loop.call_later(timeout_s, _tell, waiter, False)
        try:
            return await waiter
        finally:
            timer.cancel()
            with contextlib.suppress(ValueError):  # timed out or cancelled (settled: unlisted)
                waiters.remove(waiter)

    def hold(self, call_id: str) -> None:
        """Something of the call's other than a webhook is under way (a socket closing)."""
        self.owed[call_id] += 1

    def release(self, call_id: str) -> None:
        """What `hold` announced is done."""
        self.owed[call_id] -= 1
        self.settle(call_id)

    def forget(self, call_id: str) -> None:
        """The call left memory (runtime/retention.py)."""
        self._settled.pop(call_id, None)
        self.owed.pop(call_id, None)

    def clear(self) -> None:
        """Forget what is owed, held and waited for (a reset; the tasks were cancelled)."""
        self.owed.clear()
        self._settled.clear()
        self._chains.clear()
        self.held.clear()

    async def _deliver(
        self,
        action: SendWebhook,
        faults: dict[FaultKind, Fault] | None = None,
        delivery: Delivery | None = None,
    ) -> None:
        platform = self.platform
        if faults is None:
            faults = {}
            if platform.faults:
                faults = choose(platform.faults, action, platform.engine.calls)
            if faults and self.held.hold(action, faults, platform.now(), platform.timers):
                return  # still owed to its call until delivered
        # The exchange is awaited here, not in a coroutine of its own: one less per webhook.
        sender = platform.sender
        try:
            if delivery is None:  # else begun by _send_now
                delivery = Delivery(self._request(action, faults, duplicate=False))
            self._delivered(action, faults, await sender.resume(delivery), duplicate=False)
            if faults.get(FaultKind.DUPLICATE):
                result = await sender.deliver(self._request(action, faults, duplicate=True))
                self._delivered(action, faults, result, duplicate=True)
        finally:
            self._done(action)

    def _done(self, action: SendWebhook) -> None:
        """A webhook's delivery is over: no longer owed to its call."""
        call_id = action.call_id
        if call_id is not None:
            self.owed[call_id] -= 1
            self._release(self.held.delivered(call_id, action))
            self.settle(call_id)

    async def _deliver_in_order(self, action: SendWebhook) -> None:
        key = action.call_id or action.conference_id or ""
        previous = self._chains.get(key)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._chains[key] = done
        try:
            if previous is not None:
                await previous
            await self._deliver(action)
        finally:
            done.set_result(None)
            if self._chains.get(key) is done:
                del self._chains[key]

    def _release(self, held: Held | None) -> None:
        if held is not None:
            self.platform.spawn(self._deliver(held.action, held.faults))

    def _request(
        self, action: SendWebhook, faults: dict[FaultKind, Fault], *, duplicate: bool
    ) -> WebhookRequest:
        return webhook_request(
            action.event,
            action.callback,
            action.timeout_s,
            sync=action.sync,
            auth=self.platform.config.webhook_auth,
            drop_first_response=FaultKind.FAIL_FIRST in faults and not duplicate,
        )

    def _delivered(
        self,
        action: SendWebhook,
        faults: dict[FaultKind, Fault],
        result: DeliveryResult,
        *,
        duplicate: bool,
    ) -> None:
        """Every attempt on the timeline; a sync webhook's outcome to the engine."""
        platform = self.platform
        if platform.on_delivered is not None:
            platform.on_delivered(result)
        owner = action.call_id or action.conference_id or "account"
        at = platform.now()
        fault = fault_label(faults, duplicate) if faults else None
        for summary, detail in attempt_entries(result):
            detail["sync"] = action.sync
            if fault:  # faults on purpose (ringback.testing) are marked where they happened
                detail["fault"] = fault
            platform.note(owner, at, "webhook", summary, detail)
        if action.sync:
            platform.feed(outcome_fact(action, result, platform.now()))
        elif not result.ok and isinstance(action.event, V1Event):
            v1_calls.callback_failed(platform, action, result.error_message or "callback failed")


def _tell(waiter: asyncio.Future[bool], settled: bool) -> None:
    if not waiter.done():
        waiter.set_result(settled)
