"""The control API (/_ringback) against a live server, with a real voice app on loopback."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from bandwidth import DisconnectCallback, GatherCallback, InitiateCallback
from starlette.routing import Route

from ringback.api.control import control_routes
from ringback.hosting.server import default_application
from ringback.runtime import Platform, PlatformConfig
from ringback.store import Store

from .conftest import START, Live, StartRingback, VoiceApp

GATHER = (
    '<Response><Gather gatherUrl="/gather" maxDigits="3" terminatingDigits="#"'
    ' firstDigitTimeout="30"><SpeakSentence>enter your code</SpeakSentence></Gather></Response>'
)
HANGUP = "<Response><Hangup/></Response>"


def settings(app: VoiceApp, **extra: Any) -> dict[str, Any]:
    """Application settings pointing at the voice app."""
    return {
        "callInitiatedCallbackUrl": app.url + "/initiate",
        "callStatusCallbackUrl": app.url + "/status",
        **extra,
    }


async def configure(live: Live, app: VoiceApp, number: str = "+15550001111") -> None:
    """Application `app-1`, with `number` routed to it."""
    assert (await live.put("/_ringback/applications/app-1", settings(app)))[0] == 200
    assert (await live.put(f"/_ringback/numbers/{number}", {"applicationId": "app-1"}))[0] == 200


def event_types(app: VoiceApp) -> list[str]:
    """The eventTypes the voice app received, in order."""
    return [payload["eventType"] for payload in app.events()]


def assert_error(status: int, body: Any, expected_status: int, *words: str) -> None:
    """Bandwidth's error shape, with every word in the description."""
    assert status == expected_status, body
    assert set(body) == {"type", "description", "id"}
    for word in words:
        assert word in body["description"], body


# ---- applications, numbers, phones -------------------------------------------------------------


async def test_control_application_round_trip(ringback: Live, voice_app: VoiceApp) -> None:
    """PUT then GET an application: Bandwidth's settings, defaults filled in."""
    body = settings(
        voice_app,
        callInitiatedMethod="get",
        callInitiatedFallbackUrl=voice_app.url + "/fallback",
        callbackCreds={"userId": "u", "password": "p"},
        callInitiatedFallbackCreds={"userId": "fu", "password": "fp"},
        callbackTimeout=7.5,
    )
    status, put = await ringback.put("/_ringback/applications/app-1", body)
    assert status == 200
    status, got = await ringback.get("/_ringback/applications/app-1")
    assert status == 200
    assert got == put
    assert got == {
        "applicationId": "app-1",
        "callInitiatedCallbackUrl": voice_app.url + "/initiate",
        "callInitiatedMethod": "GET",
        "callInitiatedFallbackUrl": voice_app.url + "/fallback",
        "callInitiatedFallbackMethod": "POST",
        "callStatusCallbackUrl": voice_app.url + "/status",
        "callStatusMethod": "POST",
        "callbackCreds": {"userId": "u", "password": "p"},
        "callInitiatedFallbackCreds": {"userId": "fu", "password": "fp"},
        "callbackTimeout": 7.5,
    }
    status, missing = await ringback.get("/_ringback/applications/nope")
    assert_error(status, missing, 404, "nope", "PUT /_ringback/applications/nope")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"callInitiatedCallbackUrl": None}, "callInitiatedCallbackUrl"),
        ({"callInitiatedCallbackUrl": "ftp://x/y"}, "callInitiatedCallbackUrl"),
        ({"callStatusCallbackUrl": 5}, "callStatusCallbackUrl"),
        ({"callInitiatedMethod": "PUT"}, "callInitiatedMethod"),
        ({"callbackTimeout": 30}, "callbackTimeout"),
        ({"callbackTimeout": 0.5}, "callbackTimeout"),
        ({"callbackTimeout": "15"}, "callbackTimeout"),
        ({"callbackCreds": {"userId": "u"}}, "callbackCreds.password"),
        ({"callbackCreds": "u:p"}, "callbackCreds"),
        ({"callInitiatedFallbackCreds": {"user": "u"}}, "callInitiatedFallbackCreds.user"),
        ({"callInitiatedUrl": "http://x/"}, "callInitiatedUrl"),
        ({"applicationId": "other"}, "applicationId"),
    ],
)
async def test_control_application_bad_settings_name_the_field(
    ringback: Live, voice_app: VoiceApp, change: dict[str, Any], field: str
) -> None:
    """Each malformed setting is a 400 whose description names it."""
    body = {k: v for k, v in {**settings(voice_app), **change}.items() if v is not None}
    status, error = await ringback.put("/_ringback/applications/app-1", body)
    assert_error(status, error, 400, field)
    assert error["type"] == "validation"


async def test_control_bad_json_and_non_object_bodies(ringback: Live) -> None:
    """A body that is not JSON, or not an object, is a 400 that says so."""
    status, error = await ringback.put("/_ringback/applications/a", "{not json")
    assert_error(status, error, 400, "not valid JSON")
    status, error = await ringback.put("/_ringback/numbers/+15550001111", [1])
    assert_error(status, error, 400, "must be a JSON object", "an array")


async def test_control_numbers_route_and_validate(ringback: Live) -> None:
    """PUT/GET a number's route; a malformed number or a missing applicationId is a 400."""
    status, body = await ringback.put("/_ringback/numbers/+15550001111", {"applicationId": "a"})
    assert (status, body) == (200, {"number": "+15550001111", "applicationId": "a"})
    assert (await ringback.get("/_ringback/numbers/+15550001111"))[1]["applicationId"] == "a"
    status, body = await ringback.put(
        "/_ringback/numbers/sip:bob@example.com", {"applicationId": "a"}
    )
    assert status == 200
    status, error = await ringback.put("/_ringback/numbers/5550001111", {"applicationId": "a"})
    assert_error(status, error, 400, "number", "E164")
    status, error = await ringback.put("/_ringback/numbers/+15550001111", {})
    assert_error(status, error, 400, "applicationId")
    status, error = await ringback.get("/_ringback/numbers/+15559999999")
    assert_error(status, error, 404, "PUT /_ringback/numbers/+15559999999")


async def test_control_phones_put_get_and_errors(ringback: Live) -> None:
    """A phone script is stored in its full form; errors name the step and key."""
    script = {"answer": "machine", "steps": [{"waitFor": "speak"}, {"say": "hi there"}]}
    status, body = await ringback.put("/_ringback/phones/+15550002222", script)
    assert status == 200
    assert body["answer"] == "machine"
    assert body["answerAfter"] == 1.0
    assert body["steps"] == [{"waitFor": "speak"}, {"say": "hi there", "duration": 0.8}]
    assert (await ringback.get("/_ringback/phones/+15550002222"))[1] == body
    bad = {"steps": [{"wait": 1}, {"press": "12x"}]}
    status, error = await ringback.put("/_ringback/phones/+15550002222", bad)
    assert_error(status, error, 400, "steps[1].press", "not DTMF")
    status, error = await ringback.put("/_ringback/phones/+15550002222", {"answer": "maybe"})
    assert_error(status, error, 400, "answer", "human")
    status, error = await ringback.get("/_ringback/phones/+15550003333")
    assert_error(status, error, 404, "answers after 1 s")


async def test_control_phones_delete(ringback: Live) -> None:
    """DELETE a phone script: 204, then GET is 404 and a second DELETE says there is none."""
    assert (await ringback.put("/_ringback/phones/+15550002222", {"answer": "busy"}))[0] == 200
    status, body = await ringback.call("DELETE", "/_ringback/phones/+15550002222")
    assert (status, body) == (204, None)
    status, error = await ringback.get("/_ringback/phones/+15550002222")
    assert_error(status, error, 404, "answers after 1 s")
    status, error = await ringback.call("DELETE", "/_ringback/phones/+15550002222")
    assert_error(status, error, 404, "No phone script for +15550002222")


async def test_control_phones_misspelt_key_says_did_you_mean(ringback: Live) -> None:
    """A misspelt step key or value is named with what it was most likely meant to be."""
    bad = {"steps": [{"waitFor": "gahter"}]}
    status, error = await ringback.put("/_ringback/phones/+15550002222", bad)
    assert_error(status, error, 400, "steps[0].waitFor", "did you mean 'gather'?")
    status, error = await ringback.put("/_ringback/phones/+15550002222", {"steps": [{"pres": "1"}]})
    assert_error(status, error, 400, "steps[0]", "unknown key 'pres' (did you mean 'press'?)")


# ---- calls -------------------------------------------------------------------------------------


async def test_control_scripted_inbound_call_runs_and_waits(
    ringback: Live, voice_app: VoiceApp
) -> None:
    """An inbound call whose caller presses digits at the gather; `wait` returns its end state."""
    await configure(ringback, voice_app)
    voice_app.routes["/initiate"] = GATHER
    voice_app.routes["/gather"] = HANGUP
    phone = {"steps": [{"waitFor": "gather"}, {"press": "12#"}]}
    status, created = await ringback.post(
        "/_ringback/calls", {"from": "+15557778888", "to": "+15550001111", "phone": phone}
    )
    assert status == 201
    call_id = created["callId"]
    status, state = await ringback.get(f"/_ringback/calls/{call_id}/wait?timeout=10")
    assert status == 200
    assert (state["callId"], state["state"], state["disconnectCause"]) == (
        call_id,
        "disconnected",
        "hangup",
    )
    assert event_types(voice_app) == ["initiate", "gather", "disconnect"]
    InitiateCallback.from_dict(voice_app.received[0][1])
    gather = GatherCallback.from_dict(voice_app.received[1][1])
    assert (gather.digits, gather.terminating_digit) == ("12", "#")
    DisconnectCallback.from_dict(voice_app.received[2][1])


async def test_control_inbound_caller_defaults_to_phone_of_from(
    ringback: Live, voice_app: VoiceApp
) -> None:
    """Without `phone` in the body, the caller runs the script PUT for the `from` number."""
    await configure(ringback, voice_app)
    voice_app.routes["/initiate"] = GATHER
    voice_app.routes["/gather"] = HANGUP
    script = {"steps": [{"waitFor": "gather"}, {"press": "9#"}]}
    assert (await ringback.put("/_ringback/phones/+15557778888", script))[0] == 200
    _, created = await ringback.post(
        "/_ringback/calls", {"from": "+15557778888", "to": "+15550001111"}
    )
    assert (await ringback.get(f"/_ringback/calls/{created['callId']}/wait"))[0] == 200
    assert GatherCallback.from_dict(voice_app.events("/gather")[0]).digits == "9"


async def test_control_timeline_lists_webhooks_verbs_and_far_end(
    ringback: Live, voice_app: VoiceApp
) -> None:
    """The timeline has every webhook attempt (camelCase detail), verb and far-end step, timed."""
    await configure(ringback, voice_app)
    voice_app.routes["/initiate"] = GATHER
    voice_app.routes["/gather"] = HANGUP
    phone = {"steps": [{"waitFor": "gather"}, {"press": "7#"}]}
    _, created = await ringback.post(
        "/_ringback/calls", {"from": "+15557778888", "to": "+15550001111", "phone": phone}
    )
    call_id = created["callId"]
    assert (await ringback.get(f"/_ringback/calls/{call_id}/wait"))[0] == 200
    status, timeline = await ringback.get(f"/_ringback/calls/{call_id}/timeline")
    assert status == 200
    assert timeline["callId"] == call_id
    assert timeline["call"]["state"] == "disconnected"
    entries = timeline["entries"]
    kinds = {entry["kind"] for entry in entries}
    assert {"webhook", "verb", "far-end"} <= kinds
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert entries[0]["time"].startswith("2023-11-14T22:13:2")
    initiate = next(e for e in entries if e["kind"] == "webhook")
    detail = initiate["detail"]
    assert (detail["eventType"], detail["method"], detail["attempt"], detail["status"]) == (
        "initiate",
        "POST",
        1,
        200,
    )
    assert '"eventType":"initiate"' in detail["requestBody"]
    assert "<Gather" in detail["responseBody"]
    assert "durationMs" in detail


async def test_control_inbound_call_unconfigured_says_what_to_do(
    ringback: Live, voice_app: VoiceApp
) -> None:
    """An unrouted number or unknown application is a 404 naming what to PUT."""
    call = {"from": "+15557778888", "to": "+15550001111"}
    status, error = await ringback.post("/_ringback/calls", call)
    assert_error(status, error, 404, "PUT /_ringback/numbers/+15550001111")
    status, error = await ringback.post("/_ringback/calls", {**call, "applicationId": "ghost"})
    assert_error(status, error, 404, "ghost", "PUT /_ringback/applications/ghost")
    await ringback.put("/_ringback/numbers/+15550001111", {"applicationId": "later"})
    status, error = await ringback.post("/_ringback/calls", call)
    assert_error(status, error, 404, "later", "routed from +15550001111")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "+15550001111"}, "from"),
        ({"from": "+15557778888"}, "to"),
        ({"from": "555", "to": "+15550001111"}, "from"),
        ({"from": "+15557778888", "to": "+15550001111", "phone": {"answer": 1}}, "phone.answer"),
        (
            {"from": "+15557778888", "to": "+15550001111", "phone": {"steps": [{"hangup": 1}]}},
            "phone.steps[0].hangup",
        ),
        ({"from": "+15557778888", "to": "+15550001111", "caller": {}}, "caller"),
    ],
)
async def test_control_inbound_call_bad_bodies_name_the_field(
    ringback: Live, body: dict[str, Any], field: str
) -> None:
    """Each malformed inbound call is a 400 naming the field."""
    status, error = await ringback.post("/_ringback/calls", body)
    assert_error(status, error, 400, field)


async def test_control_steps_injected_mid_call(
    start_ringback: StartRingback, voice_app: VoiceApp
) -> None:
    """On a manual clock, digits injected during a gather reach the app after an advance."""
    live = await start_ringback(clock="manual")
    await configure(live, voice_app)
    voice_app.routes["/initiate"] = GATHER
    voice_app.routes["/gather"] = HANGUP
    _, created = await live.post("/_ringback/calls", {"from": "+15557778888", "to": "+15550001111"})
    call_id = created["callId"]
    await live.post("/_ringback/clock/advance", {"seconds": 5})
    assert event_types(voice_app) == ["initiate"]
    status, added = await live.post(f"/_ringback/calls/{call_id}/phone", [{"press": "42#"}])
    assert (status, added) == (200, {"callId": call_id, "steps": [{"press": "42#"}]})
    status, clock = await live.post("/_ringback/clock/advance", {"seconds": 5})
    assert status == 200
    assert clock["epoch"] == START + 10
    status, state = await live.get(f"/_ringback/calls/{call_id}/wait?timeout=5")
    assert status == 200
    assert state["disconnectCause"] == "hangup"
    gather = GatherCallback.from_dict(voice_app.received[1][1])
    assert gather.digits == "42"
    # A single step (not a list) is accepted too; the call has ended, so it is refused.
    status, error = await live.post(f"/_ringback/calls/{call_id}/phone", {"hangup": True})
    assert_error(status, error, 409, call_id)


async def test_control_steps_bad_inputs(ringback: Live) -> None:
    """Malformed steps are a 400 naming the step; an unknown call is a 404."""
    status, error = await ringback.post("/_ringback/calls/c-nope/phone", [{"press": "1"}, {}])
    assert_error(status, error, 400, "steps[1]", "exactly one of")
    status, error = await ringback.post("/_ringback/calls/c-nope/phone", {"wait": -1})
    assert_error(status, error, 400, "step.wait")
    status, error = await ringback.post("/_ringback/calls/c-nope/phone", "")
    assert_error(status, error, 400, "a step or a list of steps")
    status, error = await ringback.post("/_ringback/calls/c-nope/phone", {"hangup": True})
    assert_error(status, error, 404, "c-nope")


async def test_control_wait_times_out_with_408(
    start_ringback: StartRingback, voice_app: VoiceApp
) -> None:
    """On a manual clock a call stays up: wait answers 408 and says how to move the clock."""
    live = await start_ringback(clock="manual")
    await configure(live, voice_app)
    voice_app.routes["/initiate"] = '<Response><Pause duration="30"/></Response>'
    _, created = await live.post("/_ringback/calls", {"from": "+15557778888", "to": "+15550001111"})
    status, error = await live.get(f"/_ringback/calls/{created['callId']}/wait?timeout=0.05")
    assert_error(status, error, 408, created["callId"], "/_ringback/clock/advance")
    assert error["type"] == "timeout"


async def test_control_wait_and_timeline_bad_inputs(ringback: Live) -> None:
    """A bad timeout is a 400 naming it; an unknown call is a 404 for wait and timeline."""
    status, error = await ringback.get("/_ringback/calls/c-x/wait?timeout=soon")
    assert_error(status, error, 400, "timeout", "soon")
    status, error = await ringback.get("/_ringback/calls/c-x/wait?timeout=-1")
    assert_error(status, error, 400, "timeout")
    status, error = await ringback.get("/_ringback/calls/c-x/wait")
    assert_error(status, error, 404, "Call [c-x] not found")
    status, error = await ringback.get("/_ringback/calls/c-x/timeline")
    assert_error(status, error, 404, "Call [c-x] not found")


# ---- clock, reset, restart ---------------------------------------------------------------------


async def test_control_clock_manual_advance(start_ringback: StartRingback) -> None:
    """GET /clock shows the manual clock; advance moves it by exactly the seconds asked."""
    live = await start_ringback(clock="manual")
    status, clock = await live.get("/_ringback/clock")
    assert status == 200
    assert clock == {
        "now": "2023-11-14T22:13:20.000Z",
        "epoch": START,
        "mode": "manual",
        "idle": 0.0,
        "nextTimer": None,
    }
    status, clock = await live.post("/_ringback/clock/advance", {"seconds": 90.5})
    assert status == 200
    assert (clock["now"], clock["epoch"]) == ("2023-11-14T22:14:50.500Z", START + 90.5)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"seconds": -1}, ("seconds", "[0, 31622400], but was -1")),
        ({"seconds": "5"}, ("seconds", "a string")),
        ({}, ("seconds",)),
        ({"secs": 5}, ("secs",)),
        ({"seconds": 1e12}, ("seconds", "[0, 31622400]")),
        ({"seconds": 10**400}, ("seconds", "but was Infinity")),
    ],
)
async def test_control_clock_advance_bad_bodies(
    start_ringback: StartRingback, body: dict[str, Any], words: tuple[str, ...]
) -> None:
    """A malformed advance is a 400 naming `seconds` (or the unknown key)."""
    live = await start_ringback(clock="manual")
    status, error = await live.post("/_ringback/clock/advance", body)
    assert_error(status, error, 400, *words)


async def test_control_clock_real_cannot_advance(start_ringback: StartRingback) -> None:
    """A real clock refuses to advance with a 409 that names the modes that can."""
    live = await start_ringback(clock="real")
    status, clock = await live.get("/_ringback/clock")
    assert (status, clock["mode"]) == (200, "real")
    status, error = await live.post("/_ringback/clock/advance", {"seconds": 1})
    assert_error(status, error, 409, "real", "--clock virtual")


async def test_control_reset_forgets_calls_and_settings(
    ringback: Live, voice_app: VoiceApp
) -> None:
    """After reset, calls and settings are gone."""
    await configure(ringback, voice_app)
    voice_app.routes["/initiate"] = HANGUP
    _, created = await ringback.post(
        "/_ringback/calls", {"from": "+15557778888", "to": "+15550001111"}
    )
    await ringback.get(f"/_ringback/calls/{created['callId']}/wait")
    status, body = await ringback.post("/_ringback/reset")
    assert status == 200
    assert body["reset"] is True
    assert (await ringback.get(f"/_ringback/calls/{created['callId']}/timeline"))[0] == 404
    assert (await ringback.get("/_ringback/applications/app-1"))[0] == 404
    assert (await ringback.get("/_ringback/numbers/+15550001111"))[0] == 404


async def test_control_default_application_survives_reset(
    start_ringback: StartRingback, voice_app: VoiceApp
) -> None:
    """`serve --initiate-url`: unrouted numbers reach the default app, before and after reset."""
    setup = default_application("default-app", voice_app.url + "/initiate")
    live = await start_ringback(setup=setup)
    voice_app.routes["/initiate"] = HANGUP
    for _ in range(2):
        status, created = await live.post(
            "/_ringback/calls", {"from": "+15557778888", "to": "+15554443333"}
        )
        assert status == 201
        status, state = await live.get(f"/_ringback/calls/{created['callId']}/wait")
        assert (status, state["applicationId"]) == (200, "default-app")
        assert (await live.post("/_ringback/reset"))[0] == 200
    assert event_types(voice_app) == ["initiate", "initiate"]


async def test_control_restart_on_same_db_keeps_timelines(
    start_ringback: StartRingback, voice_app: VoiceApp
) -> None:
    """Stop the server and start another on the same file: calls, timelines, settings remain."""
    first = await start_ringback()
    await configure(first, voice_app)
    voice_app.routes["/initiate"] = HANGUP
    _, created = await first.post(
        "/_ringback/calls", {"from": "+15557778888", "to": "+15550001111"}
    )
    call_id = created["callId"]
    assert (await first.get(f"/_ringback/calls/{call_id}/wait"))[0] == 200
    _, before = await first.get(f"/_ringback/calls/{call_id}/timeline")
    await asyncio.to_thread(first.server.stop)
    assert not first.server.running

    second = await start_ringback()
    status, after = await second.get(f"/_ringback/calls/{call_id}/timeline")
    assert status == 200
    assert after == before
    assert (await second.get(f"/_ringback/calls/{call_id}/wait?timeout=0"))[0] == 200
    status, app = await second.get("/_ringback/applications/app-1")
    assert (status, app["callInitiatedCallbackUrl"]) == (200, voice_app.url + "/initiate")


async def test_control_unknown_paths_and_methods(ringback: Live) -> None:
    """Unknown control paths and wrong methods get Bandwidth's error shape, not a crash."""
    status, error = await ringback.get("/_ringback/nothing")
    assert_error(status, error, 404)
    status, error = await ringback.call("DELETE", "/_ringback/clock")
    assert_error(status, error, 405)


def test_control_docs_cover_every_route(tmp_path: Path) -> None:
    """docs/control-api.md has a section for every control endpoint (method and path)."""
    docs = (Path(__file__).parents[2] / "docs" / "control-api.md").read_text()
    store = Store(tmp_path / "db.sqlite3")
    try:
        routes = control_routes(Platform(PlatformConfig(), store))
    finally:
        store.close()
    for route in routes:
        assert isinstance(route, Route)
        for method in route.methods or ():
            if method != "HEAD":
                assert f"### `{method} {route.path}" in docs, (method, route.path)
