"""v1 messages and media (v1 spec §2.8, §2.9) on the messaging core: the same messages, states
and phones as the v2 API, in v1's wire format.

`POST /messages` with one object is 201 + `Location`; with an array (at most 50, not a group
message) it is 202 with a result per item. Events (`sms`/`mms`) go to the message's
`callbackUrl`, else to the `from` number's application's `incomingMessageUrl`, tried once and
then at its `fallbackUrl` (v1 §4.3). Media share the account's one media store with the v2 API.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ringback.api.json_input import parse_json
from ringback.api.messaging_bodies import parse_time
from ringback.api.request_body import read_body as read_capped
from ringback.api.v1.context import MAX_PAGE_SIZE, V1Context, created, ok, page
from ringback.api.v1.values import Body, bad_request, check_url
from ringback.engine.requests import Callback
from ringback.errors import PayloadTooLargeError, RequestValidationError, V1ApiError
from ringback.messaging import SendRequest, limits, v1
from ringback.messaging.records import from_record
from ringback.messaging.v1 import callback_timeout_s as _seconds

MAX_V1_MEDIA_BYTES = limits.MAX_UPLOAD_BYTES  # v1 took 65 MB; Ringback keeps one store's cap
MAX_LISTED_MESSAGES = 10_000
RECEIPTS = ("none", "all", "error")
DEFAULT_TIMEOUT_MS = 10_000
_V1_STATES = ("received", "queued", "sending", "sent", "error")


class Messages:
    """`/messages` and `/media`."""

    def __init__(self, context: V1Context) -> None:
        self.context = context
        self.platform = context.platform

    def routes(self) -> list[Route]:
        """The routes of this group (paths relative to `/v1/users/{userId}`)."""
        r = self.context.route
        return [
            r("/messages", self.create, "POST"),
            r("/messages", self.list, "GET"),
            r("/messages/{messageId}", self.get, "GET"),
            r("/media", self.list_media, "GET"),
            r("/media/{mediaName:path}", self.get_media, "GET"),
            r("/media/{mediaName:path}", self.put_media, "PUT"),
            r("/media/{mediaName:path}", self.delete_media, "DELETE"),
        ]

    # ---- messages --------------------------------------------------------------------------

    async def create(self, request: Request) -> Response:
        """POST /messages: one message (201 + Location) or a batch (202, a result each)."""
        raw = await request.body()
        try:
            data = parse_json(raw)
        except RequestValidationError as exc:
            raise bad_request("invalid-json", exc.description) from None
        if isinstance(data, dict):
            return created(self._send(Body(data, "message")))
        if not isinstance(data, list):
            raise bad_request("invalid-json", "The body must be a message object or an array")
        if len(data) > limits.MAX_V1_BATCH:
            raise V1ApiError(
                403,
                "limit",
                "multi-message-limit",
                f"At most {limits.MAX_V1_BATCH} messages may be sent in one request,"
                f" got {len(data)}",
            )
        results: list[dict[str, Any]] = []
        for item in data:
            try:
                if not isinstance(item, dict):
                    raise bad_request("invalid-json", "Each message must be a JSON object")
                results.append(
                    {"result": "accepted", "location": self._send(Body(item, "message"))}
                )
            except V1ApiError as exc:
                error = {"category": exc.category, "code": exc.code, "message": exc.description}
                results.append({"result": "error", "error": {**error, "details": []}})
        return JSONResponse(results, status_code=202)

    def _send(self, body: Body) -> str:
        """Check one message, send it, and return its URL."""
        from_ = body.phone("from", required=True)
        to = body.phone("to", required=True)
        assert from_ is not None
        assert to is not None
        media = _media(body)
        text = body.text("text", required=not media, max_length=1_000_000) or ""
        if len(text) > limits.MAX_TEXT_CHARS:
            raise bad_request(
                "validation-error", "The message text must be 2,048 characters or less"
            )
        receipts = body.choice("receiptRequested", RECEIPTS) or "none"
        if media and receipts != "none":
            raise bad_request(
                "validation-error",
                "Delivery receipts are for SMS only: receiptRequested cannot go with media",
                ("property", "receiptRequested"),
            )
        timeout_ms = body.integer("callbackTimeout", 1, DEFAULT_TIMEOUT_MS) or DEFAULT_TIMEOUT_MS
        callback_url = body.url("callbackUrl") or None
        method = (body.choice("callbackHttpMethod", ("POST", "GET")) or "POST").upper()
        callback = None
        if callback_url is not None:
            callback = Callback(
                callback_url,
                method,
                fallback_url=body.url("fallbackUrl") or None,
                fallback_method=method,
            )
        self._check_owned(from_)
        app = self.platform.texting.core.application_for(from_)
        message = self.platform.texting.send(
            SendRequest(
                application_id=app.application_id if app else None,
                to=(to,),
                from_=from_,
                text=text,
                media=tuple(self.platform.texting.media_ref(url) for url in media),
                tag=body.text("tag", max_length=limits.MAX_TAG_CHARS),
                api="v1",
                receipt_requested=receipts,
                callback=callback,
                callback_timeout_s=_seconds(timeout_ms),
            )
        )
        return self.context.url("messages", message.message_id)

    def _check_owned(self, number: str) -> None:
        """`from` must be one of the user's numbers (v1 or routed by the control API)."""
        if self.platform.v1.find_number(number) is None and number not in self.platform.numbers:
            raise V1ApiError(
                401,
                "authorization",
                "number-access-denied",
                f"User {self.context.user_id} does not have permission to use number {number}",
                (("number", number),),
            )

    async def get(self, request: Request) -> Response:
        """GET /messages/{id}."""
        message_id = request.path_params["messageId"]
        message = self.platform.texting.message(message_id)
        if message is None or message.api != "v1":
            raise V1ApiError(
                404,
                "not-found",
                "message-not-found",
                f"The message '{message_id}' could not be found",
                (("messageId", message_id),),
            )
        return JSONResponse(v1.resource(self.platform.texting.core.config, message))

    async def list(self, request: Request) -> Response:
        """GET /messages: `from`, `to`, `direction`, `state`, `deliveryState`, `fromDateTime`,
        `toDateTime`, `sortOrder` (asc by default), paged by `page` and `size`."""
        query = request.query_params
        wanted = {key: query.get(key) for key in ("from", "to", "direction", "state")}
        delivery_state = query.get("deliveryState")
        if wanted["state"] is not None and wanted["state"] not in _V1_STATES:
            raise bad_request(
                "validation-error",
                f"The query parameter 'state' must be one of {', '.join(_V1_STATES)}",
                ("parameter", "state"),
            )
        since, until = _time(query.get("fromDateTime")), _time(query.get("toDateTime"))
        order = (query.get("sortOrder") or "asc").lower()
        if order not in ("asc", "desc"):
            raise bad_request(
                "validation-error", "The query parameter 'sortOrder' must be asc or desc"
            )
        config = self.platform.texting.core.config
        shown = []
        for _, record in self.platform.store.messages(api="v1", limit=MAX_LISTED_MESSAGES):
            message = self.platform.texting.message(record["messageId"]) or from_record(record)
            if since is not None and message.time < since:
                continue
            if until is not None and message.time > until:
                continue
            resource = v1.resource(config, message)
            if any(v is not None and resource.get(k) != v for k, v in wanted.items()):
                continue
            if delivery_state is not None and resource.get("deliveryState") != delivery_state:
                continue
            shown.append(resource)
        if order == "desc":
            shown.reverse()
        return page(request, shown)

    # ---- media -----------------------------------------------------------------------------

    async def list_media(self, request: Request) -> Response:
        """GET /media: `[{contentLength, mediaName, content}]`."""
        rows = self.platform.store.media_list("", MAX_PAGE_SIZE * 10)
        return page(
            request,
            [
                {"contentLength": size, "mediaName": name, "content": self._url(name)}
                for name, size in rows
            ],
        )

    def _url(self, name: str) -> str:
        return v1.media_url(self.platform.texting.core.config, name)

    async def get_media(self, request: Request) -> Response:
        """GET /media/{name}: the bytes, with the type they were stored with."""
        name = request.path_params["mediaName"]
        found = self.platform.store.media(name)
        if found is None:
            raise V1ApiError(
                404,
                "not-found",
                "media-not-found",
                f"The media '{name}' could not be found",
                (("mediaName", name),),
            )
        content, content_type, cache_control = found
        headers = {"Cache-Control": cache_control} if cache_control else None
        return Response(content, media_type=content_type, headers=headers)

    async def put_media(self, request: Request) -> Response:
        """PUT /media/{name}: store (or overwrite) a file; 200."""
        name = request.path_params["mediaName"]
        try:
            content = await read_capped(request, MAX_V1_MEDIA_BYTES)
        except PayloadTooLargeError:
            raise V1ApiError(
                403,
                "limit",
                "media-size-overflow",
                f"Media files may be at most {MAX_V1_MEDIA_BYTES} bytes in Ringback",
            ) from None
        content_type = request.headers.get("content-type") or "application/octet-stream"
        cache_control = request.headers.get("cache-control")
        self.platform.store.put_media(name, content, content_type, cache_control)
        return ok()

    async def delete_media(self, request: Request) -> Response:
        """DELETE /media/{name}: 200."""
        self.platform.store.delete_media(request.path_params["mediaName"])
        return ok()


def _media(body: Body) -> list[str]:
    value = body.raw("media")
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > limits.MAX_MEDIA_PER_MESSAGE:
        raise body.invalid("media", f"a list of at most {limits.MAX_MEDIA_PER_MESSAGE} URLs")
    for item in value:
        if not isinstance(item, str) or len(item) > limits.MAX_MEDIA_URL_CHARS:
            raise body.invalid("media", "a list of URLs")
        check_url(item, "media")
    return list(value)


def _time(value: str | None) -> float | None:
    """`yyyy-MM-dd hh:mm:ss.sss` (parts may be left off) or ISO-8601, as epoch seconds."""
    if value is None:
        return None
    moment = parse_time(value.replace(" ", "T", 1))
    if moment is None:
        raise bad_request(
            "validation-error",
            f"The query parameter has an invalid date-time {value!r}: use yyyy-MM-dd hh:mm:ss",
        )
    return moment
