"""Inbound messages: a handset texts the account's numbers, each application hears of it.

Every number of the message that an application serves gets a message of its own (a group text
to two of the account's numbers is two messages). Media named by a generated file (`cat.jpg`)
are stored and linked under the account's media URL; a URL is passed on as it is. The
application's inbound callback goes out in the message's line of callbacks, and once the
application took it the message is `ACCEPTED`, the state message search reports for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ringback.messaging import v1, v2
from ringback.messaging.actions import Outgoing, StoreMedia
from ringback.messaging.limits import segment_count
from ringback.messaging.media import generated_media
from ringback.messaging.model import (
    MESSAGE_RECEIVED,
    Direction,
    InboundRequest,
    Message,
    MessagingApplication,
    Recipient,
    Status,
)

if TYPE_CHECKING:
    from ringback.messaging.core import MessagingCore


def receive(core: MessagingCore, at: float, request: InboundRequest) -> list[Message]:
    """A handset texted `request.to`: one message per number an application owns."""
    made: list[Message] = []
    for number in dict.fromkeys(request.to):
        app = core.application_for(number)
        if app is None:
            continue
        message_id = core.ids.v1() if app.api == "v1" else core.ids.v2(at)
        media = _media(core, message_id, request.media, app)
        message = Message(
            message_id=message_id,
            direction=Direction.IN,
            owner=number,
            application_id=app.application_id,
            time=at,
            to=request.to,
            from_=request.from_,
            text=request.text,
            media=media,
            segment_count=segment_count(request.text, media),
            api=app.api,
            recipients={number: Recipient(number, Status.RECEIVED, updated=at)},
        )
        core.messages[message_id] = message
        core.note(message_id, at, "state", f"received from {request.from_} for {number}")
        core.save(message)
        made.append(message)
        if app.inbound is None:
            core.note(message_id, at, "note", "the application has no inbound callback URL")
            continue
        announce(core, message, number, app, at)
    return made


def announce(
    core: MessagingCore, message: Message, number: str, app: MessagingApplication, at: float
) -> None:
    """Send the application (which has an inbound URL) its callback about the message."""
    core.callbacks.enqueue(
        message, _outgoing(core, message, app, at), at, _accepted_by(core, message, number)
    )


def _media(
    core: MessagingCore, message_id: str, media: tuple[str, ...], app: MessagingApplication
) -> tuple[str, ...]:
    urls = []
    config = core.config
    for index, item in enumerate(media):
        if "://" in item:
            urls.append(item)
            continue
        stored = generated_media(item)
        if app.api == "v1":
            media_id = v1.inbound_media_name(item, message_id)
            urls.append(v1.media_url(config, media_id))
        else:
            media_id = f"{message_id}/{index}/{item}"
            urls.append(
                f"{config.base_url.rstrip('/')}/api/v2/users/{config.account_id}/media/{media_id}"
            )
        core.emit(StoreMedia(media_id, stored.content, stored.content_type))
    return tuple(urls)


def _outgoing(
    core: MessagingCore, message: Message, app: MessagingApplication, at: float
) -> Outgoing:
    assert app.inbound is not None
    if app.api == "v1":
        return v1.inbound_outgoing(core, message, app, at)
    body = v2.encode(v2.callback(MESSAGE_RECEIVED, message, message.owner, at))
    return Outgoing(MESSAGE_RECEIVED, body, app.inbound, v2.CALLBACK_TIMEOUT_S)


def _accepted_by(
    core: MessagingCore, message: Message, number: str
) -> Callable[[float, bool], None]:
    def accepted(at: float, ok: bool) -> None:
        if ok:  # the app took it: ACCEPTED (search's state for a handled inbound message)
            core.set_status(message, message.recipients[number], Status.ACCEPTED, at)

    return accepted
