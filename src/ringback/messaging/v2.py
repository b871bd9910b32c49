"""The Messaging API v2 wire format (messaging spec §2–§3): the 202 body, callbacks, search rows.

Callbacks are JSON arrays of one element (spec §3.1). Status callbacks carry the recipient as the
top-level `to`, the whole recipient list in `message.to`, and never the text (`""`); inbound ones
carry the text. `time` has microseconds, `message.time` milliseconds (both parse in the SDK).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from ringback.messaging.codes import Failure
from ringback.messaging.model import (
    MESSAGE_DELIVERED,
    MESSAGE_FAILED,
    MESSAGE_READ,
    MESSAGE_RECEIVED,
    MESSAGE_SENDING,
    MESSAGE_SENT,
    Direction,
    Message,
    Recipient,
    Status,
)

# How long a v2 callback's answer is waited for before the try counts as failed.
CALLBACK_TIMEOUT_S = 10.0

DESCRIPTIONS = {
    MESSAGE_SENDING: "Message is sending to carrier",
    MESSAGE_SENT: "Message sent to carrier",
    MESSAGE_DELIVERED: "ok",
    MESSAGE_READ: "Message read by recipient",
    MESSAGE_RECEIVED: "Incoming message received",
}


def millis(at: float) -> str:
    """`2020-06-25T18:42:35.876Z`: a message's own time."""
    moment = datetime.fromtimestamp(round(at, 3), UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def micros(at: float) -> str:
    """`2024-06-25T18:42:36.979456Z`: a callback's time."""
    moment = datetime.fromtimestamp(round(at, 6), UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}Z"


def accepted_body(message: Message) -> dict[str, Any]:
    """The 202 body of POST /messages: the only place the text comes back (spec §2.1)."""
    body = _message_fields(message, text=message.text)
    body["priority"] = message.priority or "default"
    if message.expiration_text is not None:
        body["expiration"] = message.expiration_text
    return body


def callback_message(message: Message) -> dict[str, Any]:
    """The nested `message` object of a callback (spec §3.3.1): no text in status callbacks."""
    return _message_fields(message, text=message.text if message.direction is Direction.IN else "")


def _message_fields(message: Message, text: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": message.message_id,
        "owner": message.owner,
        "applicationId": message.application_id,
        "time": millis(message.time),
        "segmentCount": message.segment_count,
        "direction": message.direction.value,
        "to": list(message.to),
        "from": message.from_,
        "text": text,
    }
    if message.media:
        body["media"] = list(message.media)
    if message.tag is not None:
        body["tag"] = message.tag
    return body


def callback(
    event_type: str, message: Message, to: str, at: float, failure: Failure | None = None
) -> dict[str, Any]:
    """One callback element: `type`, `time`, `description`, `to`, `message`, `errorCode`."""
    body: dict[str, Any] = {
        "time": micros(at),
        "type": event_type,
        "to": to,
        "description": failure.name if failure else DESCRIPTIONS[event_type],
        "message": callback_message(message),
    }
    if event_type == MESSAGE_FAILED and failure is not None:
        body["errorCode"] = failure.code
    if event_type == MESSAGE_READ:
        body["eventTime"] = micros(at)
    return body


def encode(element: dict[str, Any]) -> bytes:
    """The wire body: a JSON array of the one callback (spec §3.1)."""
    return json.dumps([element], separators=(",", ":")).encode()


def search_row(message: Message, recipient: Recipient, account_id: str) -> dict[str, Any]:
    """One `ListMessageItem` of GET /messages: per recipient, metadata only (spec §2.2)."""
    outbound = message.direction is Direction.OUT
    failure = recipient.failure
    return {
        "messageId": message.message_id,
        "accountId": account_id,
        "sourceTn": message.from_,
        "destinationTn": recipient.number,
        "messageStatus": recipient.status.value,
        "messageDirection": "OUTBOUND" if outbound else "INBOUND",
        "messageType": message.message_type,
        "segmentCount": message.segment_count,
        "errorCode": failure.code if failure else 0,
        "receiveTime": millis(message.time),
        "carrierName": None,
        "messageSize": None,
        "messageLength": len(message.text),
        "attachmentCount": len(message.media),
        "recipientCount": len(message.to),
        "campaignClass": None,
        "campaignId": None,
    }


def status_of_event(event_type: str) -> Status | None:
    """The state a recipient is in once this status callback's event happened."""
    return {
        MESSAGE_SENDING: Status.SENDING,
        MESSAGE_SENT: Status.SENT,
        MESSAGE_DELIVERED: Status.DELIVERED,
        MESSAGE_FAILED: Status.FAILED,
    }.get(event_type)
