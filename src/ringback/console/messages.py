"""The console's message pages: the messages of this store, and one message's story.

Messages slot in the way calls do: the list reads what `GET /_ringback/messages` reads, a
message's page draws its timeline (state changes, callback attempts with their bodies, the
phone's replies) as a waterfall and follows it live, and each page links to its JSON.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from ringback.api.control_messages import read_message_limit, recent_messages, shown_message
from ringback.console import waterfall
from ringback.console.site import Console
from ringback.errors import RequestValidationError

FINAL_STATES = ("DELIVERED", "FAILED", "RECEIVED", "ACCEPTED")


def message_routes(console: Console) -> list[BaseRoute]:
    """The message pages' routes."""
    pages = MessagePages(console)
    return [
        console.route("/messages", pages.messages),
        console.route("/messages/{messageId}", pages.message),
        console.route("/messages/{messageId}/part", pages.message_part),
    ]


class MessagePages:
    """The message endpoints of one console."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.platform = console.platform

    async def messages(self, request: Request) -> Response:
        """`/messages`: the most recent messages, newest first."""
        try:
            limit, error = read_message_limit(request.query_params.get("limit")), ""
        except RequestValidationError as exc:
            limit, error = read_message_limit(None), exc.description
        return self.console.render(
            "messages.html",
            status=400 if error else 200,
            messages=recent_messages(self.platform, limit),
            error=error,
            json_url="/_ringback/messages",
        )

    async def message(self, request: Request) -> Response:
        """`/messages/{id}`: the message, its recipients' states, its timeline; live."""
        message_id = request.path_params["messageId"]
        return self._render(
            "live.html",
            message_id,
            title=f"Message {message_id}",
            part="message_part.html",
            watch=message_id,
            part_url=f"/messages/{message_id}/part",
        )

    async def message_part(self, request: Request) -> Response:
        """The live part of a message's page."""
        return self._render("message_part.html", request.path_params["messageId"])

    def _render(self, template: str, message_id: str, **page: Any) -> Response:
        shown = shown_message(self.platform, message_id)
        if shown is None:
            return self.console.render(
                "not_found.html", status=404, message=f"No message {message_id}"
            )
        entries = self.platform.texting.timeline(message_id)
        up = any(r["status"] not in FINAL_STATES for r in shown["recipients"])
        lane = waterfall.CallTimeline(
            message_id, "message", {"state": "active" if up else "disconnected"}, entries
        )
        drawn = waterfall.build([lane], now=self.platform.now() if up else None)
        return self.console.render(
            template,
            message=shown,
            message_id=message_id,
            up=up,
            waterfall=drawn,
            json_url=f"/_ringback/messages/{message_id}/timeline",
            **page,
        )
