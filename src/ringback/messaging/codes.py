"""Why a message failed: Bandwidth's v2 error codes (messaging spec §3.6) and v1 delivery codes
(v1 spec §5.3), and which v1 code stands for each v2 failure Ringback produces.

The v2 `description` of a `message-failed` callback is the table's short name (spec §3.5).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Failure:
    """A failure Ringback can produce: its v2 code and short name, its v1 delivery code."""

    code: int
    name: str
    v1_code: str
    v1_description: str


# The failures Ringback produces, by what went wrong. v1's deliveryCode table has no entry for
# most platform-side rejections; those map to its generic ones (documented in docs/messaging.md).
EXPIRED = Failure(4360, "message-not-sent-expiration-date-passed", "902", "Message Expired")
ROUTING_ERROR = Failure(4401, "rejected-routing-error", "482", "Loop detected")
FORBIDDEN_FROM = Failure(4403, "rejected-forbidden-from-number", "740", "Invalid source number")
MEDIA_UNAVAILABLE = Failure(4410, "media-unavailable", "750", "Destination Rejected Message")
MEDIA_TOO_LARGE = Failure(
    4411,
    "rejected-message-size-limit-exceeded",
    "751",
    "Destination Rejected Message too large",
)
WRONG_APPLICATION = Failure(4452, "rejected-wrong-application-id", "999", "Unknown error")
DESTINATION_UNREACHABLE = Failure(
    4701, "destination-service-unavailable", "650", "Destination Failure"
)

V1_DELIVERED_CODE = "0"
V1_DELIVERED_DESCRIPTION = "Message delivered to carrier"
