"""Messaging: SMS and MMS on one pure core, with v2 and v1 as wire formats over it (no I/O)."""

from ringback.messaging.actions import (
    CallbackDone,
    CheckMedia,
    MessagingAction,
    Outgoing,
    SaveMessage,
    SendCallback,
    StoreMedia,
)
from ringback.messaging.core import MessagingConfig, MessagingCore
from ringback.messaging.ids import MessageIds
from ringback.messaging.model import (
    Direction,
    InboundRequest,
    MediaRef,
    Message,
    MessagingApplication,
    Recipient,
    SendRequest,
    Status,
)

__all__ = [
    "CallbackDone",
    "CheckMedia",
    "Direction",
    "InboundRequest",
    "MediaRef",
    "Message",
    "MessageIds",
    "MessagingAction",
    "MessagingApplication",
    "MessagingConfig",
    "MessagingCore",
    "Outgoing",
    "Recipient",
    "SaveMessage",
    "SendCallback",
    "SendRequest",
    "Status",
    "StoreMedia",
]
