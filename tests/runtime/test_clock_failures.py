"""A handler that raises on a call's timer ends that call with `error`, logged with its id, and
the clock goes on for the other calls (as Bandwidth ends a call its platform failed on)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from ringback.engine import facts as f
from ringback.engine.requests import Callback, OutboundCallRequest
from ringback.runtime import Platform
from ringback.runtime.clockwork import PLATFORM_ERROR

from .conftest import App

PAUSE_THEN_HANGUP = '<Response><Pause duration="5"/><Hangup/></Response>'


def outbound(app: App, to: str) -> OutboundCallRequest:
    """A call to `to` answered at the test app's /answer, its disconnect to /disconnect."""
    return OutboundCallRequest(
        to=to,
        from_="+15551112222",
        application_id="app-1",
        answer=Callback(app.url + "/answer"),
        disconnect=Callback(app.url + "/disconnect"),
    )


async def test_clock_failed_timer_ends_its_call_with_error_and_the_others_go_on(
    app: App, platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    """The failed call: logged with its id, `disconnect` with cause `error`, REST state says so."""
    app.routes["/answer"] = PAUSE_THEN_HANGUP
    engine = platform.engine
    handle = engine.handle
    doomed: list[str] = []

    def failing(fact: f.Fact) -> Any:
        if isinstance(fact, f.TimerFired) and engine.timer_call(fact.timer_id) in doomed:
            raise RuntimeError("boom")
        return handle(fact)

    engine.handle = failing  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="ringback.clock"):
        doomed.append(platform.place_call(outbound(app, "+15553334444")))
        other = platform.place_call(outbound(app, "+15553335555"))
        assert await platform.wait(doomed[0], timeout_s=10)
        assert await platform.wait(other, timeout_s=10)
    failed = platform.call_state(doomed[0])
    assert failed is not None
    assert (failed["state"], failed["disconnectCause"]) == ("disconnected", "error")
    assert failed["errorMessage"] == PLATFORM_ERROR
    assert failed["errorId"]
    disconnects = {p["callId"]: p for _, path, p in app.received if path == "/disconnect"}
    assert disconnects[doomed[0]]["cause"] == "error"
    assert disconnects[doomed[0]]["errorMessage"] == PLATFORM_ERROR
    assert disconnects[other]["cause"] == "hangup"
    assert [r.getMessage() for r in caplog.records if doomed[0] in r.getMessage()]
    assert "boom" in caplog.text  # the traceback is there
