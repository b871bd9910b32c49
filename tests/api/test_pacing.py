"""The account's outbound limits over HTTP: queued calls, 429 with Retry-After, the limits API."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import bandwidth
import pytest
from bandwidth.exceptions import ApiException

from .conftest import ACCOUNT, PASSWORD, USERNAME, Live, StartRingback, VoiceApp

HOLD = '<Response><Pause duration="3600"/></Response>'


def sdk(live: Live) -> bandwidth.ApiClient:
    config = bandwidth.Configuration(
        host=live.server.url + "/api/v2",
        username=USERNAME,
        password=PASSWORD,
        ignore_operation_servers=True,
    )
    return bandwidth.ApiClient(config)


def create(live: Live, app: VoiceApp, number: int) -> bandwidth.CreateCallResponse:
    body = bandwidth.CreateCall(
        to=f"+1555000{number:04d}",
        var_from="+15551112222",
        application_id="app-1",
        answer_url=app.url + "/hold",
    )
    with sdk(live) as client:
        return bandwidth.CallsApi(client).create_call(ACCOUNT, body)


def state(live: Live, call_id: str) -> bandwidth.CallState:
    with sdk(live) as client:
        return bandwidth.CallsApi(client).get_call_state(ACCOUNT, call_id)


def statistics(live: Live) -> bandwidth.AccountStatistics:
    with sdk(live) as client:
        return bandwidth.StatisticsApi(client).get_statistics(ACCOUNT)


async def in_thread(work: Any, *args: Any) -> Any:
    return await asyncio.to_thread(work, *args)


async def test_pacing_queue_full_is_429_with_retry_after(
    start_ringback: StartRingback, voice_app: VoiceApp
) -> None:
    """One call a second, room for two: the fourth call at once is refused as Bandwidth does."""
    voice_app.routes["/hold"] = HOLD
    live = await start_ringback(clock="manual", calls_per_second=1, max_call_queue_size=2)
    calls = [await in_thread(create, live, voice_app, n) for n in range(3)]
    with pytest.raises(ApiException) as caught:
        await in_thread(create, live, voice_app, 3)
    assert caught.value.status == 429
    assert caught.value.headers["Retry-After"] == "1"
    assert json.loads(caught.value.body) == {
        "type": "error",
        "description": "Account call creation rate limit exceeded",
        "id": "",
    }
    waiting = await in_thread(state, live, calls[1].call_id)
    assert waiting.state == "queued"
    assert waiting.start_time is None
    stats = await in_thread(statistics, live)
    assert (stats.current_call_queue_size, stats.max_call_queue_size) == (2, 2)

    assert (await live.post("/_ringback/clock/advance", {"seconds": 1}))[0] == 200
    started = await in_thread(state, live, calls[1].call_id)
    assert started.state == "initiated"
    waited = started.start_time - started.enqueued_time
    assert waited.total_seconds() == pytest.approx(1.0)


async def test_pacing_limits_through_the_control_api(
    start_ringback: StartRingback, voice_app: VoiceApp
) -> None:
    """GET and PUT /_ringback/limits; lifting the rate starts the waiting calls at once."""
    voice_app.routes["/hold"] = HOLD
    live = await start_ringback(clock="manual")
    status, limits = await live.get("/_ringback/limits")
    assert status == 200
    assert limits == {
        "callsPerSecond": 5.0,
        "maxConcurrentCalls": 100,
        "maxCallQueueSize": 1500,
        "currentCallQueueSize": 0,
    }
    calls = [await in_thread(create, live, voice_app, n) for n in range(3)]
    assert (await live.get("/_ringback/limits"))[1]["currentCallQueueSize"] == 2
    status, limits = await live.put("/_ringback/limits", {"callsPerSecond": 0})
    assert status == 200
    assert limits["currentCallQueueSize"] == 0
    assert limits["maxCallQueueSize"] is None
    assert (await in_thread(state, live, calls[2].call_id)).state == "initiated"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"callsPerSecond": -1}, ("callsPerSecond", "from 0 (no limit)")),
        ({"callsPerSecond": "5"}, ("callsPerSecond", "string")),
        ({"maxConcurrentCalls": 1.5}, ("maxConcurrentCalls", "whole number")),
        ({"maxCallQueueSize": 0}, ("maxCallQueueSize", "from 1")),
        ({"callsPerSec": 3}, ("Unknown field callsPerSec",)),
    ],
)
async def test_pacing_bad_limits_name_the_field(
    ringback: Live, body: dict[str, Any], words: tuple[str, ...]
) -> None:
    """A bad limit is a 400 that names it; the limits in force do not change."""
    status, error = await ringback.put("/_ringback/limits", body)
    assert status == 400, error
    for word in words:
        assert word in error["description"]
    assert (await ringback.get("/_ringback/limits"))[1]["callsPerSecond"] == 5.0
