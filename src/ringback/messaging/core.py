"""The messaging core: messages, their states and delivery receipts, sans-IO like the engine.

How this works. The runtime calls `send` (the REST API accepted a message), `receive` (a handset
texted one of the account's numbers), `callback_done` (a callback delivery is over) and
`timer_fired`; each returns the actions to perform, in order: deliver a callback, start a timer,
save a message, store media, add to a message's timeline. Time arrives as `at`; the core never
reads a clock or does I/O.

An outbound message goes from QUEUED to DELIVERED or FAILED per recipient, on the clock: an MMS
or group message is `message-sending` after `SENDING_AFTER_S`, and every recipient gets its
receipt after `DELIVERED_AFTER_S` (messaging spec §3.8). Problems found after the 202 (unknown
application, a `from` the application does not own, missing or too large media) fail every
recipient at once with the spec's code; an expired message fails with 4360 when it is due; a
phone that is unreachable fails it with 4701. A delivered message reaches the phone's script,
which may read it and text back: that is an inbound message to the app.

Callbacks of one message go out one at a time, in order (`ringback.messaging.callbacks`);
inbound messages are made in `ringback.messaging.inbound`. The wire format (v2 array of
callbacks, v1 `sms`/`mms` events) and the retry schedule are data chosen by the message's `api`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ringback.engine.actions import AppendTimeline, StartTimer
from ringback.messaging import codes, inbound, v1, v2
from ringback.messaging.actions import (
    CheckMedia,
    MessagingAction,
    Outgoing,
    SaveMessage,
)
from ringback.messaging.callbacks import CallbackQueues
from ringback.messaging.codes import Failure
from ringback.messaging.ids import MessageIds
from ringback.messaging.limits import MAX_MMS_MEDIA_BYTES, segment_count
from ringback.messaging.model import (
    MESSAGE_DELIVERED,
    MESSAGE_FAILED,
    MESSAGE_READ,
    MESSAGE_SENDING,
    MESSAGE_SENT,
    Direction,
    InboundRequest,
    Message,
    MessagingApplication,
    Recipient,
    SendRequest,
    Status,
)
from ringback.messaging.phone import Received, TextingPhone
from ringback.phones.script import PhoneScript

SENDING_AFTER_S = 0.5
DELIVERED_AFTER_S = 1.0
ANY_NUMBER = "*"
# The platform's timers share one queue: the engine's ids are positive, delayed webhooks' (the
# testing faults) small negatives, the messaging core's start here and go down.
TIMER_ID_BASE = -(2**32)


@dataclass(frozen=True, slots=True)
class MessagingConfig:
    """The account and the public URL messages' media links are built on."""

    account_id: str = "9900000"
    base_url: str = "http://127.0.0.1:8080"
    v1_user_id: str = "u-ringback"


class MessagingCore:
    """Every message of the account. Calls in, actions out."""

    def __init__(
        self,
        config: MessagingConfig,
        ids: MessageIds,
        numbers: Mapping[str, str],
        phones: Mapping[str, PhoneScript],
        v1_application_for: Callable[[str], MessagingApplication | None] | None = None,
    ) -> None:
        self.config = config
        self.ids = ids
        self.numbers = numbers  # number → application id (the control API's routes)
        self.phones = phones  # number → phone script (shared with the call engine)
        self.v1_application_for = v1_application_for or (lambda _number: None)
        self.applications: dict[str, MessagingApplication] = {}
        self.messages: dict[str, Message] = {}
        self._texting: dict[str, TextingPhone] = {}
        self.callbacks = CallbackQueues(self)
        self._timers: dict[int, Callable[[float], None]] = {}
        self._timer_ids = itertools.count(TIMER_ID_BASE, -1)
        # Messages whose external media are being fetched: deliveries wait for the verdict.
        self._checking: dict[str, list[Callable[[float], None]]] = {}
        self._out: list[MessagingAction] = []

    # ---- the interface -------------------------------------------------------------------

    def send(self, at: float, request: SendRequest) -> tuple[Message, list[MessagingAction]]:
        """An outbound message was accepted (202 or 201): queue it, schedule its fate."""
        message_id = self.ids.v1() if request.api == "v1" else self.ids.v2(at)
        media = tuple(ref.url for ref in request.media)
        message = Message(
            message_id=message_id,
            direction=Direction.OUT,
            owner=request.from_,
            application_id=request.application_id or "",
            time=at,
            to=request.to,
            from_=request.from_,
            text=request.text,
            media=media,
            segment_count=segment_count(request.text, media),
            api=request.api,
            tag=request.tag,
            priority=request.priority,
            expiration_text=request.expiration_text,
            expiration=request.expiration,
            receipt_requested=request.receipt_requested,
            callback=request.callback,
            callback_timeout_s=request.callback_timeout_s,
            recipients={n: Recipient(n, Status.QUEUED, updated=at) for n in request.to},
        )
        self.messages[message_id] = message
        self.note(message_id, at, "state", f"accepted: {len(request.to)} recipient(s), queued")
        self.save(message)
        rejection = self._rejection(request)
        external = tuple(ref.url for ref in request.media if ref.size is None and not ref.missing)
        if rejection is None and external:
            self._checking[message_id] = []
            self.emit(CheckMedia(message_id, external))
        for number in message.recipients:
            if rejection is not None:
                self._fail(message, number, rejection[0], at, rejection[1])
                continue
            if number == request.from_:
                self._fail(message, number, codes.ROUTING_ERROR, at, "from and to are the same")
                continue
            self.later(at + SENDING_AFTER_S, self._bind(self._handed, message, number))
            self.later(at + DELIVERED_AFTER_S, self._bind(self._arrive, message, number))
        return message, self._take()

    def receive(
        self, at: float, request: InboundRequest
    ) -> tuple[list[Message], list[MessagingAction]]:
        """A handset texted `request.to`: one message per number an application owns."""
        made = inbound.receive(self, at, request)
        return made, self._take()

    def resume(self, at: float, message: Message) -> list[MessagingAction]:
        """A message a stopped server left unfinished (as the store kept it) picks up where it
        was: an outbound one is handed on and delivered anew, an inbound one is announced again
        (nothing accepted is lost; the app may see a callback twice, as Bandwidth allows)."""
        self.messages[message.message_id] = message
        self.note(message.message_id, at, "note", "resumed after Ringback restarted")
        for number, recipient in message.recipients.items():
            if message.direction is Direction.OUT and not recipient.status.final:
                self.later(at + SENDING_AFTER_S, self._bind(self._handed, message, number))
                self.later(at + DELIVERED_AFTER_S, self._bind(self._arrive, message, number))
            elif recipient.status is Status.RECEIVED:
                app = self.application_for(number)
                if app is not None and app.inbound is not None:
                    inbound.announce(self, message, number, app, at)
        return self._take()

    def callback_done(self, at: float, delivery_id: int, ok: bool) -> list[MessagingAction]:
        """A callback's delivery ended: next in line, or a retry later, or give up."""
        self.callbacks.done(at, delivery_id, ok)
        return self._take()

    def timer_fired(self, at: float, timer_id: int) -> list[MessagingAction]:
        """One of the core's timers came due."""
        fire = self._timers.pop(timer_id, None)
        if fire is not None:
            fire(at)
        return self._take()

    @staticmethod
    def owns_timer(timer_id: int) -> bool:
        """Whether a timer id is one of the messaging core's."""
        return timer_id <= TIMER_ID_BASE

    def idle(self, message_id: str) -> bool:
        """Whether nothing more will happen to the message: no callback waiting, and every
        recipient final (an inbound message whose callback was dropped stays RECEIVED)."""
        message = self.messages.get(message_id)
        if message is None:
            return True
        settled = message.finished or message.direction is Direction.IN
        return settled and not self.callbacks.busy(message_id)

    def application_for(self, number: str) -> MessagingApplication | None:
        """The messaging application a number routes to: its own route, a v1 phone number's
        application, else the `*` route."""
        own = self.applications.get(self.numbers.get(number, ""))
        if own is not None:
            return own
        v1 = self.v1_application_for(number)
        if v1 is not None:
            return v1
        return self.applications.get(self.numbers.get(ANY_NUMBER, ""))

    # ---- used by the phone, the callback queues and inbound messages -----------------------

    def emit(self, action: MessagingAction) -> None:
        """Queue an action for the runtime."""
        self._out.append(action)

    def later(self, at: float, fire: Callable[[float], None]) -> None:
        """Call `fire(at)` when the clock reaches `at`."""
        timer_id = next(self._timer_ids)
        self._timers[timer_id] = fire
        self.emit(StartTimer(timer_id, at))

    def note(self, message_id: str, at: float, kind: str, summary: str, **detail: object) -> None:
        """Add an entry to a message's timeline."""
        self.emit(AppendTimeline(message_id, at, kind, summary, detail))

    def phone_read(self, phone: TextingPhone, received: Received, at: float) -> None:
        """The phone's `waitFor text` took this message: it was read."""
        self.note(received.message_id, at, "far-end", f"phone {phone.number} reads it")
        message = self.messages.get(received.message_id)
        if message is not None and MESSAGE_READ in self._callback_types(message):
            self._status_callback(message, phone.number, MESSAGE_READ, at)

    def phone_texted(
        self, phone: TextingPhone, text: str, media: tuple[str, ...], at: float
    ) -> None:
        """The phone's `text` step: an inbound message to the number that texted it."""
        if phone.peer is None:  # pragma: no cover - the steps start with a received message
            return
        made = inbound.receive(self, at, InboundRequest(phone.number, (phone.peer,), text, media))
        ids = ", ".join(m.message_id for m in made) or "nobody: no application serves the number"
        if phone.context is not None:
            self.note(
                phone.context, at, "far-end", f"phone {phone.number} replies {text!r} → {ids}"
            )

    # ---- outbound ------------------------------------------------------------------------

    def _rejection(self, request: SendRequest) -> tuple[Failure, str] | None:
        app = self.applications.get(request.application_id or "")
        if request.api == "v2" and app is None:
            why = f"application {request.application_id} is not a messaging application"
            return codes.WRONG_APPLICATION, why
        owner = self.numbers.get(request.from_) or self.numbers.get(ANY_NUMBER)
        if request.api == "v2" and owner != request.application_id:
            why = (
                f"{request.from_} is not a number of application {request.application_id}:"
                f" PUT /_ringback/numbers/{request.from_}"
            )
            return codes.FORBIDDEN_FROM, why
        for ref in request.media:
            if ref.missing:
                return codes.MEDIA_UNAVAILABLE, f"no media at {ref.url}"
            if ref.size is not None and ref.size > MAX_MMS_MEDIA_BYTES:
                return codes.MEDIA_TOO_LARGE, f"{ref.url} is {ref.size} bytes (3.5 MB at most)"
        return None

    def _handed(self, message: Message, number: str, at: float) -> None:
        """The message goes to the carrier: `message-sending` for MMS and group messages (v2),
        `message-sent` when the application asked for it, v1's `state: sent` event."""
        recipient = message.recipients[number]
        if recipient.status.final:
            return
        self.set_status(message, recipient, Status.SENDING, at)
        if message.api == "v2" and (message.is_mms or len(message.to) > 1):
            self._status_callback(message, number, MESSAGE_SENDING, at)
        self._status_callback(message, number, MESSAGE_SENT, at)

    def media_checked(
        self, at: float, message_id: str, problem: tuple[str, int | None] | None
    ) -> list[MessagingAction]:
        """The verdict on a message's external media: None when every file could be fetched,
        else (URL, its size when it was too large, None when it could not be fetched)."""
        waiting = self._checking.pop(message_id, [])
        message = self.messages.get(message_id)
        if message is not None and problem is not None:
            url, size = problem
            failure = codes.MEDIA_UNAVAILABLE if size is None else codes.MEDIA_TOO_LARGE
            why = f"{url} could not be fetched" if size is None else f"{url} is {size} bytes"
            for number, recipient in message.recipients.items():
                if not recipient.status.final:
                    self._fail(message, number, failure, at, why)
        for arrive in waiting:
            arrive(at)
        return self._take()

    def _arrive(self, message: Message, number: str, at: float) -> None:
        if message.recipients[number].status.final:
            return
        waiting = self._checking.get(message.message_id)
        if waiting is not None:  # the media are still being fetched: deliver after the verdict
            waiting.append(self._bind(self._arrive, message, number))
            return
        if message.expiration is not None and message.expiration <= at:
            self._fail(message, number, codes.EXPIRED, at, "the expiration passed before sending")
            return
        phone = self._phone(number)
        if phone is not None and phone.unreachable:
            why = f"the phone at {number} is unreachable"
            self._fail(message, number, codes.DESTINATION_UNREACHABLE, at, why)
            return
        recipient = message.recipients[number]
        self.set_status(message, recipient, Status.DELIVERED, at)
        self._status_callback(message, number, MESSAGE_DELIVERED, at)
        if phone is not None:
            received = Received(at, message.message_id, message.from_, message.text)
            phone.receive(at, received)

    def _fail(self, message: Message, number: str, failure: Failure, at: float, why: str) -> None:
        recipient = message.recipients[number]
        recipient.failure = failure
        self.set_status(message, recipient, Status.FAILED, at, f"{failure.code} {failure.name}")
        self.note(message.message_id, at, "note", f"{number}: {why}", errorCode=failure.code)
        self._status_callback(message, number, MESSAGE_FAILED, at, failure)

    def set_status(
        self, message: Message, recipient: Recipient, status: Status, at: float, why: str = ""
    ) -> None:
        """Set a recipient's status, on the timeline and in the store."""
        recipient.status = status
        recipient.updated = at
        suffix = f" ({why})" if why else ""
        self.note(message.message_id, at, "state", f"{recipient.number}: {status.value}{suffix}")
        self.save(message)

    def _status_callback(
        self,
        message: Message,
        number: str,
        event_type: str,
        at: float,
        failure: Failure | None = None,
    ) -> None:
        for outgoing in self._status_outgoing(message, number, event_type, at, failure):
            self.callbacks.enqueue(message, outgoing, at)

    def _status_outgoing(
        self, message: Message, number: str, event_type: str, at: float, failure: Failure | None
    ) -> list[Outgoing]:
        if message.api == "v1":
            return v1.status_outgoing(self, message, number, event_type, at, failure)
        app = self.applications.get(message.application_id)
        if app is None or app.outbound is None or event_type not in app.callback_types:
            return []
        body = v2.encode(v2.callback(event_type, message, number, at, failure))
        return [Outgoing(event_type, body, app.outbound, v2.CALLBACK_TIMEOUT_S)]

    def _callback_types(self, message: Message) -> frozenset[str]:
        app = self.applications.get(message.application_id)
        return app.callback_types if app is not None else frozenset()

    # ---- plumbing ------------------------------------------------------------------------

    def _phone(self, number: str) -> TextingPhone | None:
        script = self.phones.get(number)
        if script is None:
            self._texting.pop(number, None)
            return None
        phone = self._texting.get(number)
        if phone is None or phone.script is not script:  # a new script starts afresh
            phone = self._texting[number] = TextingPhone(self, number, script)
        return phone

    def save(self, message: Message) -> None:
        """Have the runtime store the message as it is now."""
        self.emit(SaveMessage(message))

    def _take(self) -> list[MessagingAction]:
        out, self._out = self._out, []
        return out

    @staticmethod
    def _bind(fn: Callable[..., None], *args: object) -> Callable[[float], None]:
        return lambda at: fn(*args, at)
