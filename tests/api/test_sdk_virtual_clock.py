"""Through the SDK on a virtual clock: a ten-minute call is over at once, timed as ten minutes."""

from __future__ import annotations

from datetime import timedelta

import bandwidth

from ringback.engine.clock import ClockMode

from .conftest import ACCOUNT, LiveServer

CLOCK = ClockMode.VIRTUAL


def test_sdk_virtual_clock_runs_call_at_once(live: LiveServer) -> None:
    """A call pausing 600 s ends without waiting; its CallState spans the virtual 600 s."""
    live.app.routes["/long"] = '<Response><Pause duration="600"/></Response>'
    create = bandwidth.CreateCall(
        to="+15553334444",
        var_from="+15551112222",
        application_id="app-1",
        answer_url=live.app.url + "/long",
    )
    with live.client() as client:
        calls = bandwidth.CallsApi(client)
        call_id = calls.create_call(ACCOUNT, create).call_id
        assert live.run(live.platform.wait(call_id, timeout_s=10))
        state = calls.get_call_state(ACCOUNT, call_id)
    assert state.state == "disconnected"
    assert state.disconnect_cause == "hangup"
    assert state.answer_time is not None
    assert state.end_time - state.answer_time == timedelta(seconds=600)
