"""A message as the store keeps it: every field, JSON-ready, and back (pure)."""

from __future__ import annotations

from typing import Any

from ringback.engine.requests import Callback
from ringback.messaging import codes
from ringback.messaging.codes import Failure
from ringback.messaging.model import Direction, Message, Recipient, Status

_FAILURES = {value.code: value for value in vars(codes).values() if isinstance(value, Failure)}


def to_record(message: Message) -> dict[str, Any]:
    """Everything about a message, for the store."""
    callback = message.callback
    return {
        "messageId": message.message_id,
        "direction": message.direction.value,
        "owner": message.owner,
        "applicationId": message.application_id,
        "time": message.time,
        "to": list(message.to),
        "from": message.from_,
        "text": message.text,
        "media": list(message.media),
        "segmentCount": message.segment_count,
        "api": message.api,
        "tag": message.tag,
        "priority": message.priority,
        "expiration": message.expiration_text,
        "expirationAt": message.expiration,
        "receiptRequested": message.receipt_requested,
        "callback": None
        if callback is None
        else {
            "url": callback.url,
            "method": callback.method,
            "fallbackUrl": callback.fallback_url,
        },
        "callbackTimeout": message.callback_timeout_s,
        "recipients": [
            {
                "number": r.number,
                "status": r.status.value,
                "errorCode": r.failure.code if r.failure else None,
                "updated": r.updated,
            }
            for r in message.recipients.values()
        ],
    }


def from_record(data: dict[str, Any]) -> Message:
    """The inverse of `to_record` (a callback's credentials are not kept)."""
    callback = data.get("callback")
    return Message(
        message_id=data["messageId"],
        direction=Direction(data["direction"]),
        owner=data["owner"],
        application_id=data["applicationId"],
        time=data["time"],
        to=tuple(data["to"]),
        from_=data["from"],
        text=data["text"],
        media=tuple(data["media"]),
        segment_count=data["segmentCount"],
        api=data["api"],
        tag=data["tag"],
        priority=data["priority"],
        expiration_text=data["expiration"],
        expiration=data.get("expirationAt"),
        receipt_requested=data["receiptRequested"],
        callback=None
        if callback is None
        else Callback(
            callback["url"], callback["method"], fallback_url=callback.get("fallbackUrl")
        ),
        callback_timeout_s=data["callbackTimeout"],
        recipients={
            r["number"]: Recipient(
                r["number"],
                Status(r["status"]),
                _FAILURES.get(r["errorCode"]) if r["errorCode"] is not None else None,
                r["updated"],
            )
            for r in data["recipients"]
        },
    )
