"""The control API's messaging: applications' messaging settings, inbound messages from any
handset, a message's state, timeline and wait (DESIGN.md, "The control API"; a public contract).

    PUT  /_ringback/applications/{id}   also takes inboundCallbackUrl, outboundCallbackUrl,
                                        inboundCallbackCreds, outboundCallbackCreds {userId,
                                        password}, requestedCallbackTypes
    POST /_ringback/messages            {"from", "to", "text"?, "media"?} → 201 {"messageIds"}
    GET  /_ringback/messages/{id}             the message and each recipient's state
    GET  /_ringback/messages/{id}/timeline    every state, callback attempt and phone step
    GET  /_ringback/messages/{id}/wait?timeout=10  once nothing more will happen to it (or 408)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ringback.api import control_bodies as bodies
from ringback.api.request_body import read_json
from ringback.api.timeline_entries import timeline_entry
from ringback.engine.requests import Callback
from ringback.errors import (
    MessageStillPendingError,
    RequestValidationError,
    ResourceNotFoundError,
)
from ringback.events import timestamp_from_epoch
from ringback.messaging import InboundRequest, Message, MessagingApplication, limits
from ringback.messaging.model import CALLBACK_TYPES, DEFAULT_CALLBACK_TYPES
from ringback.messaging.records import to_record
from ringback.runtime import Platform

PREFIX = "/_ringback"
MESSAGING_KEYS = (
    "inboundCallbackUrl",
    "outboundCallbackUrl",
    "inboundCallbackCreds",
    "outboundCallbackCreds",
    "requestedCallbackTypes",
)
DEFAULT_WAIT_TIMEOUT_S = 10.0
MAX_WAIT_TIMEOUT_S = 3600.0


def read_messaging_application(
    application_id: str, data: Mapping[str, Any]
) -> MessagingApplication | None:
    """The messaging settings of a PUT /applications body; None when it has none."""
    if not any(key in data for key in MESSAGING_KEYS):
        return None
    inbound = _callback(data, "inbound")
    outbound = _callback(data, "outbound")
    return MessagingApplication(
        application_id, inbound, outbound, _callback_types(data.get("requestedCallbackTypes"))
    )


def _callback(data: Mapping[str, Any], kind: str) -> Callback | None:
    """`{kind}CallbackUrl` with its `{kind}CallbackCreds` (Basic auth), or None."""
    url_key, creds_key = f"{kind}CallbackUrl", f"{kind}CallbackCreds"
    url = bodies.url(data, url_key)
    if url is None:
        if data.get(creds_key) is not None:
            raise RequestValidationError(f"{creds_key} needs an {url_key}", field=creds_key)
        return None
    user, password = bodies.credentials(data, creds_key)
    return Callback(url, "POST", user, password)


def _callback_types(value: Any) -> frozenset[str]:
    if value is None:
        return DEFAULT_CALLBACK_TYPES
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RequestValidationError(
            "Invalid requestedCallbackTypes: must be an array of callback types",
            field="requestedCallbackTypes",
        )
    for item in value:
        if item not in CALLBACK_TYPES:
            raise RequestValidationError(
                f"Invalid requestedCallbackTypes: {item!r} is not one of"
                f" {', '.join(CALLBACK_TYPES)}",
                field="requestedCallbackTypes",
            )
    return frozenset(value)


def messaging_settings(app: MessagingApplication | None) -> dict[str, Any]:
    """An application's messaging settings in the form PUT takes."""
    if app is None:
        return {}

    def creds(callback: Callback | None) -> dict[str, Any] | None:
        if callback is None or callback.username is None:
            return None
        return {"userId": callback.username, "password": callback.password}

    return {
        "inboundCallbackUrl": app.inbound.url if app.inbound else None,
        "outboundCallbackUrl": app.outbound.url if app.outbound else None,
        "inboundCallbackCreds": creds(app.inbound),
        "outboundCallbackCreds": creds(app.outbound),
        "requestedCallbackTypes": [t for t in CALLBACK_TYPES if t in app.callback_types],
    }


def read_inbound_message(body: Any) -> InboundRequest:
    """POST /_ringback/messages: `{"from", "to" (a number or a list), "text"?, "media"?}`."""
    data = bodies.as_object(body)
    bodies.reject_unknown(data, ("from", "to", "text", "media"))
    from_ = bodies.string(data, "from", required=True)
    if not (bodies.E164.match(from_) or (len(from_) <= 15 and from_.isalnum())):
        raise RequestValidationError(
            f"Invalid from: must be an E164 number or a short code, but was {from_!r}",
            field="from",
        )
    raw_to = data.get("to")
    to = [raw_to] if isinstance(raw_to, str) else raw_to
    if not isinstance(to, list) or not to:
        raise RequestValidationError(
            "Invalid to: must be an E164 number or a non-empty list of them", field="to"
        )
    for index, number in enumerate(to):
        if not isinstance(number, str) or not bodies.E164.match(number):
            raise RequestValidationError(
                f"Invalid to[{index}]: must be an E164 telephone number, but was {number!r}",
                field=f"to[{index}]",
            )
    text = data.get("text", "")
    if not isinstance(text, str) or len(text) > limits.MAX_TEXT_CHARS:
        raise RequestValidationError(
            f"Invalid text: must be a string of at most {limits.MAX_TEXT_CHARS} characters",
            field="text",
        )
    media = data.get("media", [])
    if not isinstance(media, list) or len(media) > limits.MAX_MEDIA_PER_MESSAGE:
        raise RequestValidationError(
            f"Invalid media: must be a list of at most {limits.MAX_MEDIA_PER_MESSAGE} URLs"
            " or file names",
            field="media",
        )
    for index, item in enumerate(media):
        if not isinstance(item, str) or not item.strip() or len(item) > 4096:
            raise RequestValidationError(
                f"Invalid media[{index}]: must be a URL or a file name (1 to 4096 characters)",
                field=f"media[{index}]",
            )
    if not text and not media:
        raise RequestValidationError("A message needs text or media", field="text")
    return InboundRequest(from_, tuple(dict.fromkeys(to)), text, tuple(media))


DEFAULT_MESSAGES_LISTED = 100
MAX_MESSAGES_LISTED = 1000
MAX_GROUP_RECIPIENTS = 10  # the search has a row per recipient; a group message has up to 10


class MessagesControl:
    """The control API's message endpoints of one platform."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def routes(self) -> list[BaseRoute]:
        """The Starlette routes."""
        return [
            Route(f"{PREFIX}/messages", self.create, methods=["POST"]),
            Route(f"{PREFIX}/messages", self.list_messages, methods=["GET"]),
            Route(f"{PREFIX}/messages/{{messageId}}", self.show, methods=["GET"]),
            Route(f"{PREFIX}/messages/{{messageId}}/timeline", self.timeline, methods=["GET"]),
            Route(f"{PREFIX}/messages/{{messageId}}/wait", self.wait, methods=["GET"]),
        ]

    async def create(self, request: Request) -> Response:
        """POST /messages: a handset texts the account's numbers; 201 with the new ids."""
        inbound = read_inbound_message(await read_json(request))
        texting = self.platform.texting
        for number in inbound.to:
            if texting.core.application_for(number) is None:
                raise ResourceNotFoundError(
                    f"No messaging application serves {number}: PUT {PREFIX}/numbers/{number}"
                    ' {"applicationId": ...} and give that application an inboundCallbackUrl'
                    f" (PUT {PREFIX}/applications/{{id}})"
                )
        made = texting.receive(inbound)
        return JSONResponse({"messageIds": [m.message_id for m in made]}, status_code=201)

    async def list_messages(self, request: Request) -> Response:
        """GET /messages?limit=: the most recent messages, newest first (the console's list)."""
        limit = read_message_limit(request.query_params.get("limit"))
        return JSONResponse({"messages": recent_messages(self.platform, limit)})

    def _message(self, message_id: str) -> Message:
        message = self.platform.texting.message(message_id)
        if message is None:
            raise ResourceNotFoundError(f"Message [{message_id}] not found")
        return message

    async def show(self, request: Request) -> Response:
        """GET /messages/{id}: the message and each recipient's state."""
        return JSONResponse(_shown(self._message(request.path_params["messageId"])))

    async def timeline(self, request: Request) -> Response:
        """GET /messages/{id}/timeline: everything that happened to the message, in order."""
        message = self._message(request.path_params["messageId"])
        entries = [timeline_entry(e) for e in self.platform.texting.timeline(message.message_id)]
        return JSONResponse(
            {"messageId": message.message_id, "message": _shown(message), "entries": entries}
        )

    async def wait(self, request: Request) -> Response:
        """GET /messages/{id}/wait: the message once it is final and its callbacks are done."""
        message = self._message(request.path_params["messageId"])
        timeout_s = bodies.read_timeout(
            request.query_params.get("timeout"),
            default=DEFAULT_WAIT_TIMEOUT_S,
            high=MAX_WAIT_TIMEOUT_S,
        )
        if not await self.platform.texting.wait(message.message_id, timeout_s):
            raise MessageStillPendingError(
                f"Message [{message.message_id}] is still in progress after waiting"
                f" {timeout_s:g} s (a manual clock moves only with POST {PREFIX}/clock/advance)"
            )
        return JSONResponse(_shown(self._message(message.message_id)))


def read_message_limit(raw: str | None) -> int:
    """The `limit` of GET /messages: 1 to MAX_MESSAGES_LISTED, DEFAULT_MESSAGES_LISTED if none."""
    if raw is None or not raw.strip():
        return DEFAULT_MESSAGES_LISTED
    if not raw.strip().isdigit() or not 1 <= int(raw) <= MAX_MESSAGES_LISTED:
        raise RequestValidationError(
            f"limit must be a whole number from 1 to {MAX_MESSAGES_LISTED}, but was {raw[:20]!r}",
            field="limit",
        )
    return int(raw)


def shown_message(platform: Platform, message_id: str) -> dict[str, Any] | None:
    """A message as GET /messages/{id} shows it, or None when there is no such message."""
    message = platform.texting.message(message_id)
    return None if message is None else _shown(message)


def recent_messages(platform: Platform, limit: int) -> list[dict[str, Any]]:
    """The `limit` most recent messages, newest first, as GET /messages/{id} shows each."""
    _total, rows = platform.store.search_messages({}, limit=limit * MAX_GROUP_RECIPIENTS)
    shown: dict[str, dict[str, Any]] = {}
    for record, _recipient in rows:
        if record["messageId"] not in shown and len(shown) < limit:
            message = platform.texting.message(record["messageId"])
            if message is not None:
                shown[record["messageId"]] = _shown(message)
    return list(shown.values())


def _shown(message: Message) -> dict[str, Any]:
    record = to_record(message)
    record["time"] = timestamp_from_epoch(message.time)
    for recipient in record["recipients"]:
        recipient["updated"] = timestamp_from_epoch(recipient["updated"])
    if record["callback"] is not None:
        record["callback"].pop("password", None)
    return record
