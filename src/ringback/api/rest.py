"""The Bandwidth Voice REST API (spec §5) over a running Platform, as Starlette routes.

`create_rest_routes(platform)` gives `/api/v2/...` (calls, recordings, transcriptions,
conferences, statistics) and the OAuth2 token endpoint `/api/v1/oauth2/token`, to mount in a
larger app beside the control API; `create_rest_app(platform)` is a whole app with Ringback's
error handling (`ringback.api.errors`). The platform must run in the server's event loop: the
endpoints call it directly, so a request sees its own effect at once.

    app = create_rest_app(platform)
    cfg = bandwidth.Configuration(host="http://127.0.0.1:8080/api/v2", username="ringback",
                                  password="ringback", ignore_operation_servers=True)
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route

from ringback.api.acknowledged import CommitBeforeAcknowledging
from ringback.api.auth import TOKEN_PATH, token_endpoint
from ringback.api.calls import Calls
from ringback.api.conferences import Conferences
from ringback.api.context import RestContext
from ringback.api.errors import CatchAllMiddleware, exception_handlers
from ringback.api.messaging import Messaging
from ringback.api.recordings import Recordings
from ringback.api.request_body import BodyLimitMiddleware
from ringback.runtime import Platform

API_PREFIX = "/api/v2"


def create_rest_routes(platform: Platform, context: RestContext | None = None) -> list[BaseRoute]:
    """The REST API's routes: `/api/v2` and the OAuth2 token endpoint."""
    context = context or RestContext.for_platform(platform)
    v2: list[BaseRoute] = [
        *Calls(context).routes(),
        *Recordings(context).routes(),
        *Conferences(context).routes(),
        *Messaging(context).routes(),
    ]
    return [
        Mount(API_PREFIX, routes=v2),
        Route(TOKEN_PATH, token_endpoint(context.auth), methods=["POST"]),
    ]


def create_rest_app(platform: Platform) -> Starlette:
    """A Starlette app serving the REST API, errors in Bandwidth's shape, never crashing."""
    return Starlette(
        routes=create_rest_routes(platform),
        exception_handlers=exception_handlers(),
        middleware=[
            Middleware(CatchAllMiddleware),
            Middleware(BodyLimitMiddleware),
            Middleware(CommitBeforeAcknowledging, platform=platform),
        ],
    )
