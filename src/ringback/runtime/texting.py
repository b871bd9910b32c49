"""The messaging core run by the platform: its actions performed, its timers on the one clock.

The REST and control APIs call `send`, `receive` and the reads here. The core's callbacks are
delivered by the same `Sender` and delivery policy as voice webhooks (the v2 timeout of 10 s, the
platform's challenge-first or pre-emptive Basic auth), and every attempt goes on the message's
timeline; the outcome is fed back to the core, which retries on its own schedule. Its timers sit
in the platform's queue with ids of their own range, so the clockwork fires them like the engine's.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import aiohttp

from ringback.delivery.policy import WebhookRequest
from ringback.engine.actions import AppendTimeline, CancelTimer, StartTimer
from ringback.masking import mask_url
from ringback.messaging import (
    CheckMedia,
    InboundRequest,
    MediaRef,
    Message,
    MessageIds,
    MessagingAction,
    MessagingApplication,
    MessagingConfig,
    MessagingCore,
    SaveMessage,
    SendCallback,
    SendRequest,
    StoreMedia,
)
from ringback.messaging.limits import MAX_MMS_MEDIA_BYTES
from ringback.messaging.records import from_record, to_record
from ringback.messaging.v1 import messaging_application as v1_messaging_application
from ringback.messaging.v1 import seconds as v1_seconds
from ringback.runtime.retention import EndedWindow
from ringback.runtime.views import callback_from_wire, callback_to_wire
from ringback.runtime.webhooks import attempt_entries, callback_targets

if TYPE_CHECKING:
    from ringback.runtime.platform import Platform

SETTING_KIND = "messaging-application"
MEDIA_FETCH_TIMEOUT_S = 10.0  # real seconds to fetch one external media file


class Texting:
    """The platform's messaging: the core, and what performs its actions."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.core = self._new_core()
        self._waiters: dict[str, asyncio.Event] = {}
        # Messages nothing more will happen to leave memory; the store keeps them (`message`).
        self.ended = EndedWindow(self._evict, platform.config.ended_calls_kept)

    def _new_core(self) -> MessagingCore:
        config = self.platform.config
        v1 = self.platform.v1
        return MessagingCore(
            MessagingConfig(
                account_id=config.account_id,
                base_url=config.base_url,
                v1_user_id=config.account_id,
            ),
            MessageIds(f"{config.seed}-{self.platform.store.message_count()}"),
            self.platform.numbers,
            self.platform.engine.phones,
            lambda number: v1_messaging_application(v1.application_for(number)),
        )

    def start(self) -> None:
        """Load the stored messaging applications, and resume the messages a previous run left
        unfinished (nothing accepted is lost)."""
        self.core = self._new_core()
        for key, data in self.platform.store.settings(SETTING_KIND):
            self.core.applications[key] = application_from_wire(data)
        for record in self.platform.store.unfinished_messages():
            self._perform(self.core.resume(self.platform.now(), from_record(record)))

    def reset(self) -> None:
        """Forget everything (the store was reset by the platform)."""
        self.core = self._new_core()
        self.ended.clear()
        for event in self._waiters.values():
            event.set()
        self._waiters.clear()

    # ---- requests --------------------------------------------------------------------------

    def put_application(self, app: MessagingApplication) -> None:
        """Messaging settings of an application (PUT /_ringback/applications/{id})."""
        self.core.applications[app.application_id] = app
        self.platform.store.put_setting(SETTING_KIND, app.application_id, application_to_wire(app))

    def send(self, request: SendRequest) -> Message:
        """An accepted outbound message."""
        self.platform.touch()
        message, actions = self.core.send(self.platform.now(), request)
        self._perform(actions)
        return message

    def receive(self, request: InboundRequest) -> list[Message]:
        """A message from a handset to the account's numbers."""
        self.platform.touch()
        made, actions = self.core.receive(self.platform.now(), request)
        self._perform(actions)
        return made

    def media_ref(self, url: str) -> MediaRef:
        """What Ringback knows of a media URL before sending: the size of a file in its own
        media store (v2 or v1 URL), or that there is none; nothing of other URLs."""
        base = self.platform.config.base_url.rstrip("/")
        account = self.platform.config.account_id
        for prefix in (
            f"{base}/api/v2/users/{account}/media/",
            f"{base}/v1/users/{account}/media/",
        ):
            if url.startswith(prefix):
                size = self.platform.store.media_size(unquote(url[len(prefix) :]))
                return MediaRef(url, size=size, missing=size is None)
        return MediaRef(url)

    def fire(self, timer_id: int) -> None:
        """One of the core's timers came due."""
        self._perform(self.core.timer_fired(self.platform.now(), timer_id))

    def message(self, message_id: str) -> Message | None:
        """A message: live, or as the store kept it."""
        live = self.core.messages.get(message_id)
        if live is not None:
            return live
        record = self.platform.store.message(message_id)
        return None if record is None else from_record(record)

    def timeline(self, message_id: str) -> list[dict[str, Any]]:
        """Everything that happened to a message, in order."""
        return self.platform.store.timeline(message_id)

    async def wait(self, message_id: str, timeout_s: float) -> bool:
        """Wait (real time) until nothing more will happen to the message; False on timeout."""
        if self.core.idle(message_id):
            return True
        event = self._waiters.setdefault(message_id, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    # ---- actions ---------------------------------------------------------------------------

    def _perform(self, actions: list[MessagingAction], about: str | None = None) -> None:
        """Perform the core's actions; `about`: a message they may have finished, as well as
        those they name."""
        store = self.platform.store
        touched = {about} if about is not None else set()
        for action in actions:
            match action:
                case SendCallback():
                    self.platform.spawn(self._deliver(action))
                case StartTimer(timer_id=timer_id, at=at):
                    self.platform.timers.start(timer_id, at)
                case CancelTimer(timer_id=timer_id):
                    self.platform.timers.cancel(timer_id)
                case AppendTimeline(call_id=message_id, at=at, kind=kind, summary=summary):
                    self.platform.note(message_id, at, kind, summary, action.detail)
                    touched.add(message_id)
                case SaveMessage(message=message):
                    store.save_message(to_record(message))
                    touched.add(message.message_id)
                case StoreMedia(media_id=media_id, content=content, content_type=content_type):
                    store.put_media(media_id, content, content_type)
                case CheckMedia():
                    self.platform.spawn(self._check_media(action))
        for message_id, event in list(self._waiters.items()):
            if self.core.idle(message_id):
                event.set()
                del self._waiters[message_id]
        for message_id in touched:
            if message_id in self.core.messages and self.core.idle(message_id):
                self.ended.ended(message_id)
        self.platform.changed.set()

    def _evict(self, message_id: str) -> None:
        """A message left the window of ended ones: only the store keeps it now."""
        self.core.messages.pop(message_id, None)

    async def _check_media(self, action: CheckMedia) -> None:
        problem = None
        for url in action.urls:
            size = await self._media_size(url)
            if size is None or size > MAX_MMS_MEDIA_BYTES:
                problem = (url, size)
                break
        self._perform(self.core.media_checked(self.platform.now(), action.message_id, problem))

    async def _media_size(self, url: str) -> int | None:
        """The size of the file at `url` (counted up to just past the MMS limit), or None when
        it cannot be fetched: an error status, a refused connection, a timeout."""
        timeout = aiohttp.ClientTimeout(total=MEDIA_FETCH_TIMEOUT_S)
        size = 0
        try:
            async with self.platform.sender.session.get(url, timeout=timeout) as response:
                if response.status >= 300:
                    return None
                async for chunk in response.content.iter_chunked(64 * 1024):
                    size += len(chunk)
                    if size > MAX_MMS_MEDIA_BYTES:
                        break
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError):
            return None
        return size

    async def _deliver(self, action: SendCallback) -> None:
        primary, fallback = callback_targets(action.target)
        get = primary.method == "GET"
        request = WebhookRequest(
            event_type=action.event_type,
            body=b"" if get else action.body,
            query=action.query if get or (fallback and fallback.method == "GET") else (),
            primary=primary,
            fallback=fallback,
            timeout_s=action.timeout_s,
            auth="preemptive" if self.platform.config.webhook_auth == "preemptive" else "challenge",
        )
        result = await self.platform.sender.deliver(request)
        at = self.platform.now()
        for summary, detail in attempt_entries(result):
            self.platform.note(action.message_id, at, "webhook", summary, detail)
        message = self.core.messages.get(action.message_id)
        if not result.ok and message is not None and message.api == "v1":
            self._v1_user_error(action, result.error_message or "not delivered")
        done = self.core.callback_done(self.platform.now(), action.delivery_id, result.ok)
        self._perform(done, about=action.message_id)

    def _v1_user_error(self, action: SendCallback, why: str) -> None:
        """A v1 event is tried once: its failure goes in the user error log (v1 §2.10)."""
        details = [
            ("messageId", action.message_id),
            ("eventType", action.event_type),
            ("url", mask_url(action.target.url)),
        ]
        self.platform.v1.record_error(
            v1_seconds(self.platform.now()),
            "unavailable",
            "callback-failed",
            f"The {action.event_type} event was dropped: {why}",
            details,
        )


def application_to_wire(app: MessagingApplication) -> dict[str, Any]:
    """A messaging application as stored JSON."""
    return {
        "applicationId": app.application_id,
        "inbound": callback_to_wire(app.inbound),
        "outbound": callback_to_wire(app.outbound),
        "callbackTypes": sorted(app.callback_types),
        "api": app.api,
        "callbackTimeout": app.callback_timeout_s,
    }


def application_from_wire(data: dict[str, Any]) -> MessagingApplication:
    """The inverse of application_to_wire."""
    return MessagingApplication(
        application_id=data["applicationId"],
        inbound=callback_from_wire(data["inbound"]),
        outbound=callback_from_wire(data["outbound"]),
        callback_types=frozenset(data["callbackTypes"]),
        api=data["api"],
        callback_timeout_s=data["callbackTimeout"],
    )
