"""What every console page shares: the platform, templates, the credentials rule, the routes.

Every endpoint is wrapped by `Console.route`: the platform is told a request came (as for the
APIs, so a virtual clock waits while a person acts), and when `serve` listens beyond loopback
the REST credentials are required (HTTP Basic: the browser asks once). Forms that change
something are refused when they come from another site's page (their `Origin` is not ours),
so a page elsewhere cannot drive a developer's local Ringback.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.staticfiles import StaticFiles

from ringback.api.auth import Authenticator
from ringback.console.highlight import coloured
from ringback.errors import AuthorizationError
from ringback.events import timestamp_from_epoch
from ringback.runtime import Platform

HERE = Path(__file__).parent
Endpoint = Callable[[Request], Awaitable[Response]]
AfterReset = Callable[[], None]


class Console:
    """The console of one platform."""

    def __init__(
        self,
        platform: Platform,
        *,
        after_reset: AfterReset | None = None,
        require_credentials: bool = False,
    ) -> None:
        self.platform = platform
        self.after_reset = after_reset
        self.require_credentials = require_credentials
        config = platform.config
        self.auth = Authenticator(config.account_id, config.username, config.password)
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["coloured"] = coloured
        self.templates.filters["clock"] = _clock
        self.templates.filters["since"] = _since

    def route(self, path: str, endpoint: Endpoint, methods: tuple[str, ...] = ("GET",)) -> Route:
        """A route whose endpoint runs after the console's checks."""

        async def guarded(request: Request) -> Response:
            self.platform.touch()
            if self.require_credentials:
                self.auth.authenticate(request.headers.get("authorization"))
            if request.method == "POST":
                _same_origin(request)
            return await endpoint(request)

        return Route(path, guarded, methods=list(methods), name=endpoint.__name__)

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A page from its template, with what every page shows (the clock, the mode)."""
        page = self.templates.get_template(template).render(
            clock=self.clock(), account_id=self.platform.config.account_id, **context
        )
        return HTMLResponse(page, status_code=status)

    def clock(self) -> dict[str, Any]:
        """The clock as the header shows it."""
        now = self.platform.now()
        return {"now": timestamp_from_epoch(now), "mode": self.platform.config.clock.value}


def console_routes(
    platform: Platform,
    *,
    after_reset: AfterReset | None = None,
    require_credentials: bool = False,
) -> list[BaseRoute]:
    """Every console route; `after_reset` re-applies `serve`'s default settings after a reset."""
    from ringback.console.act import act_routes
    from ringback.console.live import live_routes
    from ringback.console.messages import message_routes
    from ringback.console.pages import page_routes

    console = Console(platform, after_reset=after_reset, require_credentials=require_credentials)
    static = StaticFiles(directory=HERE / "static")

    async def static_files(request: Request) -> Response:
        response: Response = await static.get_response(request.path_params["path"], request.scope)
        return response

    return [
        *page_routes(console),
        *act_routes(console),
        *message_routes(console),
        *live_routes(console),
        console.route("/_console/static/{path:path}", static_files),
    ]


def _same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin is None:
        return  # not a browser (a browser sends Origin with every POST)
    if urlsplit(origin).netloc != request.headers.get("host"):
        raise AuthorizationError(
            f"Refused: this form came from a page of {origin}, not from Ringback's console"
        )


def _clock(value: Any) -> str:
    """An ISO timestamp as the time of day it names: `19:30:41.974`."""
    text = str(value or "")
    return text[11:23] if len(text) >= 23 else text


def _since(value: float) -> str:
    """Seconds as an offset: `+1.975`."""
    return f"+{value:.3f}"
