"""`ringback call`/`inbound` serve the REST API for the command's life; async webhook warnings."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import aiohttp
from aiohttp import web
from click.testing import CliRunner

from ringback.cli import main

ServeInThread = Callable[[web.Application], AbstractContextManager[str]]
AUTH = {"Authorization": "Basic cmluZ2JhY2s6cmluZ2JhY2s="}  # ringback:ringback


def app_that_reads_its_call(seen: dict[str, Any], disconnect_status: int) -> web.Application:
    """On `answer`, GET the callUrl it was sent; `disconnect` answers `disconnect_status`."""

    async def answer(request: web.Request) -> web.Response:
        event = await request.json()
        seen["callUrl"] = event["callUrl"]
        async with aiohttp.ClientSession() as http, http.get(event["callUrl"], headers=AUTH) as got:
            seen["status"] = got.status
            seen["state"] = (await got.json()).get("state")
        return web.Response(
            text="<Response><SpeakSentence>hello</SpeakSentence></Response>",
            content_type="application/xml",
        )

    async def disconnect(_request: web.Request) -> web.Response:
        return web.Response(status=disconnect_status, text="oops")

    app = web.Application()
    app.router.add_post("/answer", answer)
    app.router.add_post("/disconnect", disconnect)
    return app


def run_call(url: str, *extra: str) -> Any:
    argv = ["call", "--answer-url", url + "/answer", "--disconnect-url", url + "/disconnect"]
    return CliRunner().invoke(main, [*argv, *extra])


def test_cli_api_call_url_answers_during_the_call(serve_in_thread: ServeInThread) -> None:
    """The app GETs the callUrl from its `answer` webhook: 200, the call answered."""
    seen: dict[str, Any] = {}
    with serve_in_thread(app_that_reads_its_call(seen, 200)) as url:
        result = run_call(url)
    assert result.exit_code == 0, result.output
    assert seen["status"] == 200
    assert seen["state"] == "answered"
    assert seen["callUrl"].startswith("http://127.0.0.1:")
    assert "warning" not in result.output


def test_cli_api_async_webhook_error_warns_and_strict_fails(serve_in_thread: ServeInThread) -> None:
    """`disconnect` answered 500: a warning (exit 0), and exit 1 with --strict."""
    seen: dict[str, Any] = {}
    with serve_in_thread(app_that_reads_its_call(seen, 500)) as url:
        relaxed = run_call(url)
        strict = run_call(url, "--strict")
        as_json = run_call(url, "--json")
    assert relaxed.exit_code == 0, relaxed.output
    assert "warning: " in relaxed.stderr
    assert "async webhook disconnect" in relaxed.stderr
    assert "HTTP 500" in relaxed.stderr
    assert strict.exit_code == 1
    warnings = json.loads(as_json.stdout)["warnings"]
    assert len(warnings) == 1
    assert "HTTP 500" in warnings[0]


def test_cli_api_port_in_use_is_a_usage_error(serve_in_thread: ServeInThread) -> None:
    """--api-port on a port something else holds: exit 2 naming the option and the port."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_call("http://127.0.0.1:9", "--api-port", str(port))
    assert result.exit_code == 2
    assert "--api-port" in result.output
    assert f"127.0.0.1:{port}" in result.output
