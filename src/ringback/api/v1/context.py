"""What every v1 endpoint shares: auth, the user's URLs, bodies, `201 + Location`, paging.

The v1 user id is the platform's account id and the API token and secret are the REST
username and password (one `serve` answers both generations). Endpoints raise; errors are
rendered by `ringback.api.errors` in the v1 shape (it looks at the path).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ringback.api.auth import Authenticator
from ringback.api.v1.values import Body, parse_body, query_int
from ringback.errors import AuthenticationError, V1ApiError
from ringback.events import timestamp_from_epoch
from ringback.runtime import Platform

Endpoint = Callable[[Request], Awaitable[Response]]
V1_PREFIX = "/v1/users/{userId}"
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class V1Context:
    """The platform the v1 API serves, with its one user and credentials."""

    platform: Platform

    @property
    def user_id(self) -> str:
        """The v1 user id: the platform's account id."""
        return self.platform.config.account_id

    def url(self, *parts: str) -> str:
        """An absolute URL under the user: `url("calls", call_id)` (v1 §1.3)."""
        base = self.platform.config.base_url.rstrip("/")
        return "/".join((base, "v1", "users", self.user_id, *parts))

    def now(self) -> str:
        """The active clock as a v1 timestamp (whole seconds, `Z`; v1 §8 #1)."""
        return v1_time(self.platform.now())

    def route(self, path: str, endpoint: Endpoint, method: str) -> Route:
        """A route for `endpoint`, authenticated, counted as API activity."""

        async def guarded(request: Request) -> Response:
            self.platform.touch()
            self.check(request)
            return await endpoint(request)

        guarded.__name__ = endpoint.__name__
        return Route(path, guarded, methods=[method])

    def check(self, request: Request) -> None:
        """Basic auth with the token and secret (401), then the user id in the path (403)."""
        config = self.platform.config
        auth = Authenticator(config.account_id, config.username, config.password)
        try:
            auth.authenticate(request.headers.get("authorization"))
        except AuthenticationError as exc:
            raise V1ApiError(
                401,
                "authentication",
                "invalid-credentials",
                f"{exc.description} (v1: HTTP Basic with the API token and secret)",
            ) from None
        user_id = request.path_params.get("userId")
        if user_id != self.user_id:
            raise V1ApiError(
                403,
                "authorization",
                "access-denied",
                "The authenticated user does not have sufficient permissions to access this"
                f" resource (user {user_id!r} is not this platform's user)",
                (("userId", str(user_id)),),
            )


def v1_time(epoch_s: float) -> str:
    """ISO-8601 UTC in whole seconds: `2017-06-08T02:43:45Z`."""
    return timestamp_from_epoch(float(int(epoch_s)))[:19] + "Z"


async def read_body(request: Request, resource: str) -> Body:
    """The request's JSON body, read loosely (400 naming the problem when it is not JSON)."""
    return parse_body(await request.body(), resource)


def created(location: str) -> Response:
    """201 with the new resource's absolute URL and an empty body, no content type (v1 §8 #19)."""
    return Response(status_code=201, headers={"Location": location})


def ok() -> Response:
    """200 with an empty body (updates and actions)."""
    return Response(status_code=200)


def page(request: Request, items: Sequence[Any]) -> Response:
    """A JSON array page (`page`, `size`), with a `Link: <...>; rel="next"` when more follow."""
    number = query_int(request.query_params, "page", 0, 0, 1_000_000)
    size = query_int(request.query_params, "size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    start = number * size
    headers = {}
    if start + size < len(items):
        query = dict(request.query_params)
        query.update(page=str(number + 1), size=str(size))
        headers["Link"] = f'<{request.url.replace(query=urlencode(query))}>; rel="next"'
    return JSONResponse(list(items[start : start + size]), headers=headers)
