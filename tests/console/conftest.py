"""A live Ringback (uvicorn on loopback) with calls on it, for the console's tests."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ringback.hosting.server import BackgroundServer, start_in_thread
from ringback.runtime import PlatformConfig

if TYPE_CHECKING:
    from conftest import RunningApp

VOICEMAIL = {  # the IVR's voicemail branch: a recording with words in it, transcribed
    "steps": [
        {"waitFor": "gather"},
        {"press": "2"},
        {"waitFor": {"heard": "after the tone"}},
        {"say": "please call me back", "duration": 2},
        {"press": "#"},
    ]
}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep a form's 303 as the answer, to read where it points."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


@dataclass
class Reply:
    """An HTTP answer: status, headers, body text."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.text)


@dataclass
class Site:
    """The server under test, and ways to talk to it."""

    server: BackgroundServer
    ivr_url: str
    bad_url: str

    @property
    def url(self) -> str:
        """The server's root URL."""
        return self.server.url

    def request(
        self,
        path: str,
        body: Any = None,
        method: str | None = None,
        *,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """Any request; errors come back as replies, redirects are not followed."""
        data, sent = None, dict(headers or {})
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=sent)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return Reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Reply(error.code, dict(error.headers), error.read())

    def inbound(
        self, initiate_url: str, phone: dict[str, Any] | None = None, *, wait: bool = True
    ) -> str:
        """An inbound call to an app at `initiate_url`; waits for it to end (`wait`); its id."""
        self.request(
            "/_ringback/applications/console-test",
            {"callInitiatedCallbackUrl": initiate_url},
            "PUT",
        )
        body: dict[str, Any] = {
            "from": "+15551112222",
            "to": "+15553334444",
            "applicationId": "console-test",
        }
        if phone is not None:
            body["phone"] = phone
        call_id: str = self.request("/_ringback/calls", body).json()["callId"]
        if wait:
            assert self.request(f"/_ringback/calls/{call_id}/wait").status == 200
        return call_id


@pytest.fixture
def site(tmp_path: Path, ivr_app: RunningApp, bad_app: str) -> Iterator[Site]:
    """Ringback on loopback (virtual clock), the example IVR app and an app that fails."""
    server = start_in_thread(PlatformConfig(), tmp_path / "db.sqlite3")
    try:
        yield Site(server, ivr_app.url, bad_app)
    finally:
        server.stop()
