"""The ASGI app: the control API and the Bandwidth REST API over one running platform.

The lifespan starts the platform (and applies default settings) and closes it on shutdown, so
the store is flushed however the server stops. Every request touches the platform first: on the
virtual clock, time jumps only after `idle_s` of quiet, so an app's REST call made just after a
webhook lands before the next timer fires (DESIGN.md, "Clocks").
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ringback.api.acknowledged import CommitBeforeAcknowledging
from ringback.api.auth import ControlApiAuth
from ringback.api.context import RestContext
from ringback.api.control import control_routes
from ringback.api.control_messages import MessagesControl
from ringback.api.errors import CatchAllMiddleware, exception_handlers
from ringback.api.openapi import OPENAPI_PATH, openapi_document
from ringback.api.request_body import BodyLimitMiddleware
from ringback.api.rest import create_rest_routes
from ringback.api.v1 import create_v1_routes
from ringback.console.site import console_routes
from ringback.runtime import Platform

Setup = Callable[[Platform], None]


class TouchMiddleware:
    """Tell the platform a request arrived, before it is handled."""

    def __init__(self, app: ASGIApp, platform: Platform) -> None:
        self.app = app
        self.platform = platform

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.platform.touch()
        await self.app(scope, receive, send)


def openapi_endpoint(routes: list[BaseRoute]) -> Callable[[Request], Awaitable[Response]]:
    """GET /_ringback/openapi.json: the document of these routes, built once."""
    document: dict[str, Any] = {}

    async def openapi(_request: Request) -> Response:
        """The OpenAPI document of the REST and control APIs."""
        if not document:
            document.update(openapi_document(routes))
        return JSONResponse(document)

    return openapi


def create_app(
    platform: Platform, setup: Setup | None = None, *, require_credentials: bool = False
) -> Starlette:
    """The Starlette app; `setup` applies default settings at start and after each reset.

    `require_credentials`: the server listens beyond loopback, so the control API and the
    console ask for the REST credentials (the control API not with `open_control_api`). The
    console's routes come last: no API path is ever shadowed by a page.
    """

    def apply_defaults() -> None:
        if setup is not None:
            setup(platform)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await platform.start()
        apply_defaults()
        try:
            yield
        finally:
            await platform.close()

    rest = RestContext.for_platform(platform)  # one authenticator: its tokens work everywhere
    routes: list[BaseRoute] = [
        *control_routes(platform, after_reset=apply_defaults),
        *MessagesControl(platform).routes(),
        *create_rest_routes(platform, rest),
        *create_v1_routes(platform),
    ]
    routes.append(Route(OPENAPI_PATH, openapi_endpoint(routes), methods=["GET"]))
    routes += console_routes(
        platform, after_reset=apply_defaults, require_credentials=require_credentials
    )
    guard = []
    if require_credentials and not platform.config.open_control_api:
        guard = [Middleware(ControlApiAuth, authenticator=rest.auth)]
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(CatchAllMiddleware),
            *guard,
            Middleware(BodyLimitMiddleware),
            Middleware(CommitBeforeAcknowledging, platform=platform),
            Middleware(TouchMiddleware, platform=platform),
        ],
        exception_handlers=exception_handlers(),
        lifespan=lifespan,
    )
