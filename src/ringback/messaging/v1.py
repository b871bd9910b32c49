"""The v1 ("Catapult") wire format of messages (v1 spec §2.8, §3.3, §5): the message resource and
the `sms`/`mms` events, one JSON object per request (or query parameters for GET).

An outbound message gets one event when it is handed to the carrier (`state: sent`), or when
Ringback refuses it (`state: error`). Delivery receipts (`receiptRequested` `all`, or `error` for
failures only) keep `state: sent` and add `deliveryState`, `deliveryCode` (a string) and
`deliveryDescription`. Events go to the message's `callbackUrl`, else to the `from` number's v1
application's `incomingMessageUrl` (v1 spec §8 #11). Inbound messages go to the receiving
number's application. Timestamps are whole seconds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ringback.engine.requests import Callback
from ringback.messaging.actions import Outgoing
from ringback.messaging.codes import V1_DELIVERED_CODE, V1_DELIVERED_DESCRIPTION, Failure
from ringback.messaging.model import (
    MESSAGE_DELIVERED,
    MESSAGE_FAILED,
    MESSAGE_SENT,
    Direction,
    Message,
    MessagingApplication,
    Status,
)

if TYPE_CHECKING:
    from ringback.messaging.core import MessagingConfig, MessagingCore

CARRIER_FAILURES_FROM = 4700  # 47xx: the carrier refused; below: Ringback (Bandwidth) refused
DEFAULT_TIMEOUT_MS = 10_000


def callback_timeout_s(milliseconds: float) -> float:
    """A v1 timeout (ms) in seconds; the delivery layer measures at least one second."""
    return max(1.0, float(milliseconds) / 1000)


def messaging_application(app: Mapping[str, Any] | None) -> MessagingApplication | None:
    """A v1 application's message settings (its wire object) as the messaging core takes them:
    `incomingMessageUrl` gets inbound events and those of messages sent without a callbackUrl."""
    if app is None or not app.get("incomingMessageUrl"):
        return None
    method = str(app.get("callbackHttpMethod") or "POST").upper()
    timeout_ms = app.get("incomingMessageUrlCallbackTimeout") or DEFAULT_TIMEOUT_MS
    inbound = Callback(
        app["incomingMessageUrl"],
        method,
        fallback_url=app.get("incomingMessageFallbackUrl"),
        fallback_method=method,
    )
    return MessagingApplication(
        app["id"], inbound=inbound, api="v1", callback_timeout_s=callback_timeout_s(timeout_ms)
    )


def seconds(at: float) -> str:
    """`2015-09-14T21:32:25Z`."""
    return datetime.fromtimestamp(int(at), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def message_url(config: MessagingConfig, message_id: str) -> str:
    """`messageUri`: the message's REST URL."""
    base = config.base_url.rstrip("/")
    return f"{base}/v1/users/{config.v1_user_id}/messages/{message_id}"


def media_url(config: MessagingConfig, name: str) -> str:
    """A file's URL in the v1 media store."""
    return f"{config.base_url.rstrip('/')}/v1/users/{config.v1_user_id}/media/{name}"


def inbound_media_name(name: str, message_id: str) -> str:
    """`{part}-{messageId}.{ext}`, as v1 names an inbound MMS's parts (v1 spec §1.2)."""
    stem, dot, extension = name.rpartition(".")
    return f"{stem}-{message_id}.{extension}" if dot else f"{name}-{message_id}"


def is_carrier_failure(failure: Failure | None) -> bool:
    """A carrier's refusal is a receipt on a sent message; Ringback's own is `state: error`."""
    return failure is not None and failure.code >= CARRIER_FAILURES_FROM


def state(message: Message) -> str:
    """The resource's `state` (v1 spec §5.1) from its recipient's."""
    recipient = next(iter(message.recipients.values()))
    match recipient.status:
        case Status.RECEIVED | Status.ACCEPTED:
            return "received"
        case Status.QUEUED:
            return "queued"
        case Status.FAILED if not is_carrier_failure(recipient.failure):
            return "error"
    return "sent"


def delivery(message: Message) -> dict[str, str]:
    """`deliveryState`, `deliveryCode`, `deliveryDescription` once receipts apply (§5.2)."""
    if message.direction is Direction.IN or message.receipt_requested == "none":
        return {}
    recipient = next(iter(message.recipients.values()))
    if recipient.status is Status.DELIVERED:
        return {
            "deliveryState": "delivered",
            "deliveryCode": V1_DELIVERED_CODE,
            "deliveryDescription": V1_DELIVERED_DESCRIPTION,
        }
    if recipient.status is Status.FAILED and is_carrier_failure(recipient.failure):
        assert recipient.failure is not None
        return {
            "deliveryState": "not-delivered",
            "deliveryCode": recipient.failure.v1_code,
            "deliveryDescription": recipient.failure.v1_description,
        }
    if recipient.status is Status.FAILED:
        return {}
    return {"deliveryState": "waiting"}


def resource(config: MessagingConfig, message: Message) -> dict[str, Any]:
    """GET /v1/users/{userId}/messages/{id} (v1 spec §2.8)."""
    body: dict[str, Any] = {
        "id": message.message_id,
        "messageId": message.message_id,
        "from": message.from_,
        "to": message.owner if message.direction is Direction.IN else message.to[0],
        "direction": message.direction.value,
        "text": message.text,
        "media": list(message.media),
        "state": state(message),
        "time": seconds(message.time),
        "segmentCount": message.segment_count,
        "skipMMSCarrierValidation": False,
        "receiptRequested": message.receipt_requested,
    }
    if message.direction is Direction.IN:
        body["applicationId"] = message.application_id
    if message.callback is not None:
        body["callbackUrl"] = message.callback.url
        body["callbackTimeout"] = int(message.callback_timeout_s * 1000)
        if message.callback.fallback_url:
            body["fallbackUrl"] = message.callback.fallback_url
    body.update(delivery(message))
    return body


def event(config: MessagingConfig, message: Message) -> dict[str, Any]:
    """The `sms` or `mms` event of the message in its current state (v1 spec §3.3)."""
    body: dict[str, Any] = {
        "eventType": message.message_type,
        "direction": message.direction.value,
        "messageId": message.message_id,
        "messageUri": message_url(config, message.message_id),
        "from": message.from_,
        "to": message.owner if message.direction is Direction.IN else message.to[0],
        "text": message.text,
        "time": seconds(message.time),
        "state": state(message),
        "segmentCount": message.segment_count,
    }
    if message.direction is Direction.IN:
        body["applicationId"] = message.application_id
    if message.media:
        body["media"] = list(message.media)
    if message.tag is not None:
        body["tag"] = message.tag
    receipt = delivery(message)
    if receipt.get("deliveryState") != "waiting":  # an event carries a receipt, or none
        body.update(receipt)
    return body


def query(body: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The GET form: the same names as query parameters, `media` once per URL (v1 spec §8 #13)."""
    pairs: list[tuple[str, str]] = []
    for key, value in body.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, str(item)))
    return tuple(pairs)


def _outgoing(
    core: MessagingCore, message: Message, target: Callback, timeout_s: float
) -> Outgoing:
    body = event(core.config, message)
    return Outgoing(
        body["eventType"],
        json.dumps(body, separators=(",", ":")).encode(),
        target,
        timeout_s,
        query(body),
    )


def status_outgoing(
    core: MessagingCore,
    message: Message,
    number: str,
    event_type: str,
    at: float,
    failure: Failure | None,
) -> list[Outgoing]:
    """The v1 events (if any) for a status change of an outbound message."""
    if event_type == MESSAGE_SENT:
        wanted = True
    elif event_type == MESSAGE_DELIVERED:
        wanted = message.receipt_requested == "all"
    elif event_type == MESSAGE_FAILED and is_carrier_failure(failure):
        wanted = message.receipt_requested in ("all", "error")
    else:
        wanted = event_type == MESSAGE_FAILED  # Ringback's own refusal: `state: error`
    if not wanted:
        return []
    if message.callback is not None:
        return [_outgoing(core, message, message.callback, message.callback_timeout_s)]
    app = core.application_for(message.from_)
    if app is None or app.api != "v1" or app.inbound is None:
        return []
    return [_outgoing(core, message, app.inbound, app.callback_timeout_s)]


def inbound_outgoing(
    core: MessagingCore, message: Message, app: MessagingApplication, at: float
) -> Outgoing:
    """The `sms`/`mms` event of an inbound message, to the app's `incomingMessageUrl`."""
    assert app.inbound is not None
    return _outgoing(core, message, app.inbound, app.callback_timeout_s)
