"""Messages, their recipients' states, messaging applications and send requests, pure.

One `Message` is what the REST API accepted (outbound) or what arrived for one owned number
(inbound). An outbound message has a `Recipient` per `to` number, each with its own state, since
a group message is delivered (or fails) recipient by recipient (messaging spec §3.3.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, TypeAlias

from ringback.engine.requests import Callback
from ringback.messaging.codes import Failure

Api: TypeAlias = Literal["v2", "v1"]
MESSAGE_SENT = "message-sent"
MESSAGE_SENDING = "message-sending"
MESSAGE_DELIVERED = "message-delivered"
MESSAGE_FAILED = "message-failed"
MESSAGE_READ = "message-read"
MESSAGE_RECEIVED = "message-received"
# Bandwidth's RequestedCallbackTypes default; message-sent and message-read break the parsing of
# many SDK releases, so they are sent only when an application asks for them (spec §3.2).
DEFAULT_CALLBACK_TYPES = frozenset({MESSAGE_SENDING, MESSAGE_DELIVERED, MESSAGE_FAILED})
CALLBACK_TYPES = (MESSAGE_SENDING, MESSAGE_SENT, MESSAGE_DELIVERED, MESSAGE_FAILED, MESSAGE_READ)


class Direction(StrEnum):
    """`in` (to one of the account's numbers) or `out` (sent through the API)."""

    IN = "in"
    OUT = "out"


class Status(StrEnum):
    """A recipient's state as message search shows it (`messageStatus`, spec §2.2)."""

    RECEIVED = "RECEIVED"
    QUEUED = "QUEUED"
    SENDING = "SENDING"
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"
    ACCEPTED = "ACCEPTED"
    UNDELIVERED = "UNDELIVERED"

    @property
    def final(self) -> bool:
        """Whether nothing more happens to the recipient."""
        return self in (Status.DELIVERED, Status.FAILED, Status.ACCEPTED, Status.UNDELIVERED)


@dataclass(frozen=True, slots=True)
class MessagingApplication:
    """Where an application's message callbacks go (a Messaging-V2 application, spec §3.7, or a
    v1 application's `incomingMessageUrl`, which gets both kinds)."""

    application_id: str
    inbound: Callback | None = None
    outbound: Callback | None = None
    callback_types: frozenset[str] = DEFAULT_CALLBACK_TYPES
    api: Api = "v2"
    callback_timeout_s: float = 10.0


@dataclass(frozen=True, slots=True)
class MediaRef:
    """One media item of a message: its URL, and what Ringback knows of it before sending.

    `size` is None for a URL Ringback did not look into (an external one); `missing` is true for
    a URL into Ringback's own media store that holds nothing.
    """

    url: str
    size: int | None = None
    missing: bool = False


@dataclass(frozen=True, slots=True)
class SendRequest:
    """A validated send: POST /users/{accountId}/messages (v2) or /v1/users/{id}/messages."""

    application_id: str | None
    to: tuple[str, ...]
    from_: str
    text: str = ""
    media: tuple[MediaRef, ...] = ()
    tag: str | None = None
    priority: str | None = None
    expiration: float | None = None
    expiration_text: str | None = None  # as the client wrote it, echoed in the 202
    api: Api = "v2"
    # v1 only (v1 spec §2.8): receipts, and where this message's events go.
    receipt_requested: str = "none"
    callback: Callback | None = None
    callback_timeout_s: float = 10.0


@dataclass(frozen=True, slots=True)
class InboundRequest:
    """A message arriving from a handset (the control API or a phone script's `text`)."""

    from_: str
    to: tuple[str, ...]
    text: str = ""
    media: tuple[str, ...] = ()


@dataclass(slots=True)
class Recipient:
    """One `to` number of a message and how delivery to it went."""

    number: str
    status: Status
    failure: Failure | None = None
    updated: float = 0.0


@dataclass(slots=True)
class Message:
    """A message and the state of each of its recipients."""

    message_id: str
    direction: Direction
    owner: str
    application_id: str
    time: float
    to: tuple[str, ...]
    from_: str
    text: str
    media: tuple[str, ...]
    segment_count: int
    api: Api = "v2"
    tag: str | None = None
    priority: str | None = None
    expiration_text: str | None = None
    expiration: float | None = None
    receipt_requested: str = "none"
    callback: Callback | None = None
    callback_timeout_s: float = 10.0
    recipients: dict[str, Recipient] = field(default_factory=dict)

    @property
    def is_mms(self) -> bool:
        """Any media makes a message MMS, whatever the number of recipients."""
        return bool(self.media)

    @property
    def message_type(self) -> str:
        """`sms` or `mms` (search's `messageType`)."""
        return "mms" if self.media else "sms"

    @property
    def finished(self) -> bool:
        """Whether every recipient reached a final state."""
        return all(r.status.final for r in self.recipients.values())
