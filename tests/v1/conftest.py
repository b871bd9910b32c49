"""A live `ringback serve` (REST, control and v1 APIs) in a thread, shared by a test module.

v1 tests drive it with the official v1 client, `bandwidth-sdk==3.0.3`, in its own venv
(`tests/sdk_envs.py`): a script gets the server's URL in `RINGBACK_URL` and uses
`bandwidth.client("voice"/"account", USER, TOKEN, SECRET, api_endpoint=RINGBACK_URL)`.
Raw requests (error bodies, loose values) go through `V1Server.request`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from loopback import START
from ringback.engine.clock import ClockMode
from ringback.hosting.server import BackgroundServer, start_in_thread
from ringback.runtime import PlatformConfig

USER = "9900000"
TOKEN = "ringback"
SECRET = "ringback"

# The head of every SDK script: the clients, pointed at Ringback.
SDK_PRELUDE = """
import json, os
import bandwidth
URL = os.environ["RINGBACK_URL"]
voice = bandwidth.client("voice", "9900000", "ringback", "ringback", api_endpoint=URL)
account = bandwidth.client("account", "9900000", "ringback", "ringback", api_endpoint=URL)
"""


@dataclass
class Reply:
    """A raw HTTP answer."""

    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class V1Server:
    """The running server."""

    server: BackgroundServer

    @property
    def url(self) -> str:
        """The server's root URL (the SDK's `api_endpoint`)."""
        return self.server.url

    @property
    def platform(self) -> Any:
        """The running Platform (read it only through the control API from tests)."""
        return self.server.prepared.platform

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        auth: tuple[str, str] | None = (TOKEN, SECRET),
    ) -> Reply:
        """One request; `path` under the root; JSON in and out."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = {"Content-Type": "application/json"} if data is not None else {}
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        request = Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urlopen(request, timeout=30) as response:
                status, got_headers, text = response.status, dict(response.headers), response.read()
        except HTTPError as error:
            status, got_headers, text = error.code, dict(error.headers), error.read()
        return Reply(status, got_headers, json.loads(text) if text.strip() else None)

    def v1(self, method: str, path: str, body: Any = None, **options: Any) -> Reply:
        """A request under `/v1/users/{USER}`."""
        return self.request(method, f"/v1/users/{USER}{path}", body, **options)


@pytest.fixture(scope="module")
def v1server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[V1Server]:
    """`ringback serve` for the module: its `CLOCK` (default virtual, 0.1 s idle grace)."""
    db = tmp_path_factory.mktemp("v1") / "ringback.sqlite3"
    clock = getattr(request.module, "CLOCK", ClockMode.VIRTUAL)
    config = PlatformConfig(clock=clock, idle_s=0.1, start_time=START)
    server = start_in_thread(config, Path(db))
    yield V1Server(server)
    server.stop()
