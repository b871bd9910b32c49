"""The Messaging API v2 (messaging spec §2) under `/api/v2/users/{accountId}`: messages and media.

The SDK sends messaging and voice to the same host, so these routes sit beside the voice ones
in the `/api/v2` mount. Errors are the Messaging API's own bodies (`MessagingRequestError`,
rendered by `ringback.api.errors`): 401 `unauthorized` "Authentication Failed", 403 `forbidden`
"Access Denied", 404 `not-found`. A message accepted here is 202 whatever happens next: problems
found after acceptance arrive as `message-failed` callbacks (spec §2.1).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ringback.api import messaging_bodies as bodies
from ringback.api.context import Endpoint, Endpoints
from ringback.api.request_body import MAX_JSON_BODY_BYTES, read_body
from ringback.errors import (
    AuthenticationError,
    AuthorizationError,
    MessagingRequestError,
    PayloadTooLargeError,
)
from ringback.messaging import SendRequest, limits, v2
from ringback.messaging.records import from_record
from ringback.store.messages import SORTABLE

MEDIA_PAGE_SIZE = 1000
CONTINUATION_TOKEN = "Continuation-Token"


class Messaging(Endpoints):
    """POST/GET /messages and the media store."""

    def routes(self) -> list[BaseRoute]:
        """The routes, relative to `/api/v2`."""
        user = "/users/{accountId}"
        return [
            self._route(f"{user}/messages", self.create_message, "POST"),
            self._route(f"{user}/messages", self.list_messages, "GET"),
            self._route(f"{user}/media", self.list_media, "GET"),
            self._route(f"{user}/media/{{mediaId:path}}", self.get_media, "GET"),
            self._route(f"{user}/media/{{mediaId:path}}", self.put_media, "PUT"),
            self._route(f"{user}/media/{{mediaId:path}}", self.delete_media, "DELETE"),
        ]

    def _route(self, path: str, endpoint: Endpoint, method: str) -> Route:
        auth = self.context.auth

        async def guarded(request: Request) -> Response:
            self.platform.touch()
            try:
                auth.check(request.headers.get("authorization"), request.path_params["accountId"])
            except AuthenticationError:
                raise MessagingRequestError(401, "unauthorized", "Authentication Failed") from None
            except AuthorizationError:
                raise MessagingRequestError(403, "forbidden", "Access Denied") from None
            return await endpoint(request)

        guarded.__name__ = endpoint.__name__
        return Route(path, guarded, methods=[method])

    # ---- messages --------------------------------------------------------------------------

    async def create_message(self, request: Request) -> Response:
        """POST /messages: 202 with the Message; its fate comes by callback."""
        raw = await read_body(request, MAX_JSON_BODY_BYTES)
        checked = bodies.read_create_message(
            request.headers.get("content-type"), raw, self.platform.now()
        )
        message = self.platform.texting.send(
            SendRequest(
                application_id=checked.application_id,
                to=checked.to,
                from_=checked.from_,
                text=checked.text,
                media=tuple(self.platform.texting.media_ref(url) for url in checked.media),
                tag=checked.tag,
                priority=checked.priority,
                expiration=checked.expiration,
                expiration_text=checked.expiration_text,
            )
        )
        return JSONResponse(v2.accepted_body(message), status_code=202)

    async def list_messages(self, request: Request) -> Response:
        """GET /messages: search, one row per recipient, most recent first."""
        params = dict(request.query_params)
        search = bodies.read_search(params, tuple(SORTABLE))
        total, rows = self.platform.store.search_messages(
            search.filters,
            sources=search.sources,
            source_part=search.source_part,
            destinations=search.destinations,
            destination_part=search.destination_part,
            sort=search.sort,
            offset=search.offset,
            limit=search.limit,
        )
        account = self.context.account_id
        items = []
        for record, number in rows:
            message = self.platform.texting.message(record["messageId"]) or from_record(record)
            items.append(v2.search_row(message, message.recipients[number], account))
        return JSONResponse(
            {
                "totalCount": total,
                "pageInfo": self._page_info(request, params, search, total),
                "messages": items,
            }
        )

    def _page_info(
        self, request: Request, params: dict[str, str], search: bodies.Search, total: int
    ) -> dict[str, Any]:
        info: dict[str, Any] = {}
        base = f"{self.context.base_url}{request.url.path}"
        if search.offset > 0:
            token = bodies.page_token(max(0, search.offset - search.limit))
            info["prevPage"] = f"{base}?{urlencode({**params, 'pageToken': token})}"
            info["prevPageToken"] = token
        if search.offset + search.limit < min(total, bodies.MAX_SEARCH_RESULTS):
            token = bodies.page_token(search.offset + search.limit)
            info["nextPage"] = f"{base}?{urlencode({**params, 'pageToken': token})}"
            info["nextPageToken"] = token
        return info

    # ---- media -----------------------------------------------------------------------------

    def _media_url(self, media_id: str) -> str:
        return f"{self.context.base_url}/api/v2/users/{self.context.account_id}/media/{media_id}"

    async def list_media(self, request: Request) -> Response:
        """GET /media: up to 1000 files; `Continuation-Token` for the next page (spec §2.3)."""
        after = request.headers.get(CONTINUATION_TOKEN, "")
        rows = self.platform.store.media_list(after, MEDIA_PAGE_SIZE + 1)
        page = rows[:MEDIA_PAGE_SIZE]
        body = [
            {"contentLength": size, "mediaName": media_id, "content": self._media_url(media_id)}
            for media_id, size in page
        ]
        headers = {CONTINUATION_TOKEN: page[-1][0]} if len(rows) > MEDIA_PAGE_SIZE else None
        return JSONResponse(body, headers=headers)

    async def get_media(self, request: Request) -> Response:
        """GET /media/{mediaId}: the bytes, with the type they were uploaded with."""
        media_id = bodies.check_media_id(request.path_params["mediaId"])
        found = self.platform.store.media(media_id)
        if found is None:
            raise MessagingRequestError(404, "not-found", f"Media '{media_id}' not found")
        content, content_type, cache_control = found
        headers = {"Cache-Control": cache_control} if cache_control else None
        return Response(content, media_type=content_type, headers=headers)

    async def put_media(self, request: Request) -> Response:
        """PUT /media/{mediaId}: store (or overwrite) a file of at most 3.75 MB; 204."""
        media_id = bodies.check_media_id(request.path_params["mediaId"])
        try:
            content = await read_body(request, limits.MAX_UPLOAD_BYTES)
        except PayloadTooLargeError:
            raise MessagingRequestError(
                413,
                "request-entity-too-large",
                f"Media files may be at most {limits.MAX_UPLOAD_BYTES:,} bytes (3.75 MB)",
            ) from None
        content_type = request.headers.get("content-type") or "application/octet-stream"
        self.platform.store.put_media(
            media_id, content, content_type, request.headers.get("cache-control")
        )
        return Response(status_code=204)

    async def delete_media(self, request: Request) -> Response:
        """DELETE /media/{mediaId}: 204, whether or not there was such a file."""
        media_id = bodies.check_media_id(request.path_params["mediaId"])
        self.platform.store.delete_media(media_id)
        return Response(status_code=204)
