"""The running platform against a real app over loopback HTTP, on a real SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp import web
from bandwidth import AnswerCallback, DisconnectCallback

from loopback import START, make_platform
from ringback.engine import facts as f
from ringback.engine.clock import ClockMode
from ringback.engine.requests import Application, Callback
from ringback.errors import UnknownApplicationError
from ringback.phones.script import parse_script
from ringback.runtime import Platform

from .conftest import App, outbound


async def test_platform_virtual_call_runs_at_once(app: App, platform: Platform) -> None:
    """A 30 s pause costs no wall time on the virtual clock; webhooks are real HTTP."""
    app.routes["/answer"] = '<Response><Pause duration="30"/><Hangup/></Response>'
    call_id = platform.place_call(outbound(app))
    assert await platform.wait(call_id, timeout_s=5)
    assert app.events() == ["answer", "disconnect"]
    AnswerCallback.from_dict(app.received[0][2])
    disconnect = DisconnectCallback.from_dict(app.received[1][2])
    assert disconnect.cause == "hangup"
    state = platform.call_state(call_id)
    assert state is not None
    assert state["state"] == "disconnected"
    assert state["startTime"] == "2023-11-14T22:13:20.000Z"
    assert state["endTime"] == "2023-11-14T22:13:51.000Z"  # rang 1 s, paused 30 s


async def test_platform_timeline_records_attempts_and_verbs(app: App, platform: Platform) -> None:
    """Every webhook attempt (status, bodies) and every verb is on the stored timeline."""
    app.routes["/answer"] = "<Response><SpeakSentence>hello</SpeakSentence></Response>"
    call_id = platform.place_call(outbound(app))
    await platform.wait(call_id, timeout_s=5)
    await asyncio.sleep(0.05)  # let the async disconnect's attempt be recorded
    timeline = platform.timeline(call_id)
    kinds = [entry["kind"] for entry in timeline]
    assert "webhook" in kinds
    assert "verb" in kinds
    answer = next(e for e in timeline if e["kind"] == "webhook")
    assert answer["detail"]["status"] == 200
    assert answer["detail"]["method"] == "POST"
    assert answer["detail"]["attempt"] == 1
    assert '"eventType":"answer"' in answer["detail"]["request_body"]
    assert "SpeakSentence" in answer["detail"]["response_body"]


async def test_platform_failed_answer_is_callback_error(app: App, platform: Platform) -> None:
    """An answer URL returning 500 ends the call with callback-error and the delivery's message."""
    app.routes["/answer"] = lambda _payload: web.Response(status=500, text="boom")
    call_id = platform.place_call(outbound(app))
    await platform.wait(call_id, timeout_s=5)
    state = platform.call_state(call_id)
    assert state is not None
    assert state["disconnectCause"] == "callback-error"
    assert "HTTP 500" in state["errorMessage"]


async def test_platform_get_method_sends_query(app: App, platform: Platform) -> None:
    """answerMethod GET: the event arrives as query parameters."""
    app.routes["/answer"] = "<Response><Hangup/></Response>"
    request = outbound(app, answer=Callback(app.url + "/answer", method="GET"))
    call_id = platform.place_call(request)
    await platform.wait(call_id, timeout_s=5)
    method, path, payload = app.received[0]
    assert (method, path, payload["eventType"], payload["callId"]) == (
        "GET",
        "/answer",
        "answer",
        call_id,
    )


async def test_platform_inbound_call_routes_by_number(app: App, platform: Platform) -> None:
    """An application and a number: an inbound call gets `initiate` there."""
    app.routes["/initiate"] = "<Response><Pause/></Response>"
    platform.put_application(
        Application("app-9", Callback(app.url + "/initiate"), Callback(app.url + "/status"))
    )
    platform.put_number("+15550009999", "app-9")
    call_id = platform.inbound_call("+15551112222", "+15550009999")
    await platform.wait(call_id, timeout_s=5)
    assert app.events() == ["initiate", "disconnect"]
    with pytest.raises(UnknownApplicationError, match=r"\+15550000000"):
        platform.inbound_call("+15551112222", "+15550000000")


async def test_platform_idle_grace_lets_api_act_before_time_jumps(app: App, tmp_path: Path) -> None:
    """With idle_s, a REST redirect made just after `answer` lands before the pause ends."""
    running = make_platform(tmp_path / "db.sqlite3", idle_s=0.3)
    await running.start()
    try:
        app.routes["/answer"] = '<Response><Pause duration="60"/></Response>'
        app.routes["/moved"] = "<Response><Hangup/></Response>"
        call_id = running.place_call(outbound(app))
        await asyncio.wait_for(app.arrived.wait(), 5)
        await asyncio.sleep(0.05)
        running.request(
            f.CallUpdateRequested, call_id=call_id, redirect=Callback(app.url + "/moved")
        )
        await running.wait(call_id, timeout_s=5)
        assert app.events() == ["answer", "redirect", "disconnect"]
        state = running.call_state(call_id)
        assert state is not None
        assert state["endTime"] == "2023-11-14T22:13:21.000Z"  # no time passed in the pause
    finally:
        await running.close()
        running.store.close()


async def test_platform_manual_clock_moves_only_when_told(app: App, tmp_path: Path) -> None:
    """Manual clock: nothing rings on until advance()."""
    running = make_platform(tmp_path / "db.sqlite3", clock=ClockMode.MANUAL)
    await running.start()
    try:
        app.routes["/answer"] = '<Response><Pause duration="10"/></Response>'
        call_id = running.place_call(outbound(app))
        await asyncio.sleep(0.05)
        assert app.events() == []
        await running.advance(1)
        assert app.events() == ["answer"]
        await running.advance(5)
        assert not await running.wait(call_id, timeout_s=0.05)
        await running.advance(5)
        assert await running.wait(call_id, timeout_s=5)
        assert running.now() == START + 11
    finally:
        await running.close()
        running.store.close()


async def test_platform_real_clock_runs_in_wall_time(app: App, tmp_path: Path) -> None:
    """Real clock: a short call takes its real time."""
    running = make_platform(tmp_path / "db.sqlite3", clock=ClockMode.REAL)
    await running.start()
    try:
        app.routes["/answer"] = '<Response><Pause duration="0.2"/></Response>'
        phone = parse_script({"answerAfter": 0.1})
        call_id = running.place_call(outbound(app, phone=phone))
        loop = asyncio.get_running_loop()
        started = loop.time()
        assert await running.wait(call_id, timeout_s=5)
        assert loop.time() - started >= 0.25
    finally:
        await running.close()
        running.store.close()


async def test_platform_restart_keeps_calls_and_timelines(app: App, tmp_path: Path) -> None:
    """Stop and start again: finished calls and timelines are there; a call cut off is closed."""
    path = tmp_path / "db.sqlite3"
    first = make_platform(path, clock=ClockMode.MANUAL)
    await first.start()
    app.routes["/answer"] = '<Response><Pause duration="100"/></Response>'
    done_app = outbound(app, phone=parse_script({"answerAfter": 0}))
    finished = first.place_call(outbound(app, answer=Callback(app.url + "/hang")))
    app.routes["/hang"] = "<Response><Hangup/></Response>"
    cut_off = first.place_call(done_app)
    await first.advance(2)
    assert await first.wait(finished, timeout_s=5)
    await first.close()
    first.store.close()

    second = make_platform(path)
    await second.start()
    try:
        state = second.call_state(finished)
        assert state is not None
        assert state["disconnectCause"] == "hangup"
        assert any(e["kind"] == "webhook" for e in second.timeline(finished))
        cut = second.call_state(cut_off)
        assert cut is not None
        assert (cut["state"], cut["disconnectCause"]) == ("disconnected", "unknown")
        assert [s["callId"] for _, s in second.list_calls()] == [finished, cut_off]
    finally:
        await second.close()
        second.store.close()


async def test_platform_restart_gives_new_call_ids(app: App, tmp_path: Path) -> None:
    """A second run on the same database never reuses a stored call's id (ids are seeded)."""
    path = tmp_path / "db.sqlite3"
    app.routes["/answer"] = "<Response><Hangup/></Response>"
    ids: list[str] = []
    for _ in range(2):
        running = make_platform(path)
        await running.start()
        call_id = running.place_call(outbound(app))
        assert await running.wait(call_id, timeout_s=5)
        ids.append(call_id)
        await running.close()
        running.store.close()
    assert ids[0] != ids[1]
    again = make_platform(path)
    await again.start()
    try:
        assert len(again.timeline(ids[0])) == len(again.timeline(ids[1]))
        assert [state["callId"] for _, state in again.list_calls()] == ids
    finally:
        await again.close()
        again.store.close()


async def test_platform_reset_restarts_the_clock_at_its_start_time(platform: Platform) -> None:
    """A configured start time is where the clock starts again after a reset (tests repeat)."""
    await platform.advance(90)
    assert platform.now() == START + 90
    await platform.reset()
    assert platform.now() == START


async def test_platform_ids_are_not_reused_after_a_crash(app: App, tmp_path: Path) -> None:
    """Calls a crash lost before their commit never see their ids handed out again."""
    path = tmp_path / "db.sqlite3"
    app.routes["/answer"] = '<Response><Pause duration="60"/></Response>'
    crashed = make_platform(path, clock=ClockMode.MANUAL)
    await crashed.start()
    lost = crashed.place_call(outbound(app))
    crashed.store._db.close()  # what kill -9 does: the open transaction is rolled back
    assert crashed._driver is not None
    crashed._driver.cancel()  # the rest of the dead process: no clock, no tasks
    await asyncio.gather(crashed._driver, return_exceptions=True)
    await crashed.tasks.cancel_all()
    await crashed.sender.close()
    again = make_platform(path, clock=ClockMode.MANUAL)
    await again.start()
    try:
        assert again.call_state(lost) is None
        assert again.place_call(outbound(app)) != lost
    finally:
        await again.close()
        again.store.close()
