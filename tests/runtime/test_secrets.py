"""No password an app gives reaches the store, the timeline or an error message (issue 9,
item 4): BXML `password` attributes, credentials in PlayAudio and Redirect URLs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ringback.engine.requests import Callback, OutboundCallRequest
from ringback.runtime import Platform

from .conftest import App


async def test_secrets_are_masked_in_the_store_and_the_timeline(
    app: App, platform: Platform, tmp_path: Path
) -> None:
    """After two calls whose BXML carries passwords, the SQLite file holds none of them."""
    creds = app.url.replace("http://", "http://alice:SECRET1@")
    app.routes["/answer"] = (
        f'<Response><PlayAudio username="bob" password="SECRET2">{creds}/missing.wav'
        "</PlayAudio></Response>"
    )
    app.routes["/redirect"] = (
        f'<Response><Redirect redirectUrl="{creds}/r" username="u" password="SECRET3"/></Response>'
    )
    app.routes["/r"] = "<Response><Bogus/></Response>"
    causes = []
    for path in ("/answer", "/redirect"):
        call_id = platform.place_call(
            OutboundCallRequest(
                to="+15553334444",
                from_="+15551112222",
                application_id="app-1",
                answer=Callback(app.url.replace("http://", "http://carol:SECRET4@") + path),
                disconnect=Callback(app.url + "/disconnect"),
            )
        )
        assert await platform.wait(call_id, timeout_s=5)
        state = platform.call_state(call_id)
        assert state is not None
        causes.append(state["disconnectCause"])
        assert "SECRET" not in state["errorMessage"]
        assert "alice:***@" in state["errorMessage"]
        shown = str(platform.timeline(call_id))
        assert "SECRET" not in shown
    assert causes == ["application-error", "invalid-bxml"]
    disconnects = [p for _, path, p in app.received if path == "/disconnect"]
    assert all("SECRET" not in str(payload) for payload in disconnects)
    platform.store.flush()
    with sqlite3.connect(tmp_path / "ringback.sqlite3") as db:
        for table in ("calls", "timeline", "recordings"):
            for row in db.execute(f"SELECT * FROM {table}"):
                assert "SECRET" not in str(row), table
