"""`ringback text`: a handset texts an app on loopback; the app answers through the REST API."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import aiohttp
import bandwidth
from aiohttp import web
from click.testing import CliRunner, Result

from ringback.cli import main

ServeInThread = Callable[[web.Application], AbstractContextManager[str]]


def text(*args: str) -> Result:
    """Run `ringback text` with the given flags."""
    return CliRunner().invoke(main, ["text", *args])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def keyword_app(api_port: int, received: list[Any]) -> web.Application:
    """An SMS app: to "JOIN" it answers "Welcome! Reply YES", to "YES" it says nothing more."""
    token = base64.b64encode(b"ringback:ringback").decode()

    async def inbound(request: web.Request) -> web.Response:
        payload = await request.json()
        received.append(payload)
        message = payload[0]["message"]
        if message["text"].strip().upper() == "JOIN":
            body = {
                "applicationId": message["applicationId"],
                "to": [message["from"]],
                "from": message["owner"],
                "text": "Welcome! Reply YES to confirm",
            }
            url = f"http://127.0.0.1:{api_port}/api/v2/users/9900000/messages"
            async with (
                aiohttp.ClientSession() as session,
                session.post(url, json=body, headers={"Authorization": f"Basic {token}"}) as reply,
            ):
                assert reply.status == 202
        return web.Response(status=200)

    async def status(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/inbound", inbound)
    app.router.add_post("/status", status)
    return app


def test_cli_text_conversation(serve_in_thread: ServeInThread, tmp_path: Path) -> None:
    """JOIN → the app's welcome → the phone's YES → the app takes it; every callback parses."""
    port = _free_port()
    received: list[Any] = []
    phone = tmp_path / "phone.json"
    phone.write_text(json.dumps({"steps": [{"waitFor": {"text": "reply yes"}}, {"text": "YES"}]}))
    with serve_in_thread(keyword_app(port, received)) as url:
        result = text(
            *("--inbound-url", f"{url}/inbound", "--status-url", f"{url}/status"),
            *("--text", "JOIN", "--phone", str(phone), "--api-port", str(port), "--json"),
        )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["finished"] is True
    messages = document["messages"]
    assert [(m["direction"], m["text"]) for m in messages] == [
        ("in", "JOIN"),
        ("out", "Welcome! Reply YES to confirm"),
        ("in", "YES"),
    ]
    types = [bandwidth.Callback.from_dict(p[0]).actual_instance.type.value for p in received]
    assert types == ["message-received", "message-delivered", "message-received"]


def test_cli_text_prints_the_timeline(serve_in_thread: ServeInThread) -> None:
    """Without --json: a line per message, its entries, its recipients' states."""
    with serve_in_thread(keyword_app(_free_port(), [])) as url:
        result = text("--inbound-url", f"{url}/inbound", "--text", "hello", "--media", "a.png")
    assert result.exit_code == 0, result.output
    assert "'hello' +1 media" in result.stdout
    assert "message-received → POST" in result.stdout
    assert "ACCEPTED" in result.stdout


def test_cli_text_app_refusing_exits_1(serve_in_thread: ServeInThread, closed_url: str) -> None:
    """An app that cannot be reached: retried for a virtual day, then exit 1."""
    result = text("--inbound-url", f"{closed_url}/inbound", "--text", "anyone?")
    assert result.exit_code == 1
    assert "dropped after" in result.stdout


def test_cli_text_needs_words_or_media() -> None:
    """Neither --text nor --media: a usage error (exit 2)."""
    result = text("--inbound-url", "http://127.0.0.1:9/inbound")
    assert result.exit_code == 2
    assert "--text" in result.output
