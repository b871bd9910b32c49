"""What every REST endpoint shares: the platform, the authenticator, and the guard around it.

Each endpoint is an `async def (request) -> Response` that raises on refusal; `RestContext.route`
wraps it so that, before it runs, the platform is told a request came (a virtual clock waits
while the application acts, DESIGN.md "Clocks") and the credentials and account id are checked.
Errors are rendered by `ringback.api.errors`, never here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ringback.api.auth import Authenticator
from ringback.api.fields import Fields
from ringback.api.request_body import MAX_JSON_BODY_BYTES, read_body
from ringback.api.validation import FactRequest, json_fields
from ringback.runtime import Platform

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class RestContext:
    """The platform the REST API serves and the authenticator guarding it."""

    platform: Platform
    auth: Authenticator

    @classmethod
    def for_platform(cls, platform: Platform) -> RestContext:
        """A context whose credentials and account are the platform's configured ones."""
        config = platform.config
        return cls(platform, Authenticator(config.account_id, config.username, config.password))

    @property
    def account_id(self) -> str:
        """The one account this platform emulates."""
        return self.platform.config.account_id

    @property
    def base_url(self) -> str:
        """The platform's public root URL (without /api/v2)."""
        return self.platform.config.base_url.rstrip("/")

    def account_url(self, *parts: str) -> str:
        """A REST URL under the account: `account_url("calls", call_id)`."""
        path = "/".join(("", "api", "v2", "accounts", self.account_id, *parts))
        return self.base_url + path

    def route(self, path: str, endpoint: Endpoint, method: str) -> Route:
        """A Starlette route for `endpoint`, authenticated and counted as API activity."""

        async def guarded(request: Request) -> Response:
            self.platform.touch()
            self.auth.check(request.headers.get("authorization"), request.path_params["accountId"])
            return await endpoint(request)

        guarded.__name__ = endpoint.__name__
        return Route(path, guarded, methods=[method])

    def apply(self, request: FactRequest[Any]) -> None:
        """Feed a validated request to the engine now (its errors become 404/409/400)."""
        self.platform.request(request.fact_type, **request.fields)


async def json_body(request: Request) -> Fields:
    """The request's JSON object body (415 unless JSON, 400 when malformed)."""
    body = await read_body(request, MAX_JSON_BODY_BYTES)
    return json_fields(request.headers.get("content-type"), body)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response."""
    return JSONResponse(body, status_code=status, headers=headers)


def empty(status: int) -> Response:
    """A response without a body (200 for updates, 204 for the rest)."""
    return Response(status_code=status)


class Endpoints:
    """A group of REST endpoints (calls, recordings, conferences) of one platform."""

    def __init__(self, context: RestContext) -> None:
        self.context = context
        self.platform = context.platform
