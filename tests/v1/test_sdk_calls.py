"""v1 calls driven by a v1 app written with the official v1 client (bandwidth-sdk 3.0.3)."""

from __future__ import annotations

from typing import Any

from sdk_envs import run_sdk_script

from .apps import APP_PRELUDE
from .conftest import V1Server

CALLER = "+15551230000"


def run_app(v1server: V1Server, source: str) -> Any:
    """Run a v1 app script against the live server."""
    prelude = APP_PRELUDE + f"CALLER = {CALLER!r}\n"
    return run_sdk_script("3.0.3", prelude + source, RINGBACK_URL=v1server.url)


def test_sdk_inbound_ivr_speak_gather_hangup(v1server: V1Server) -> None:
    """An IVR: incomingcall, answer, speak, gather with dtmf, speak, hangup, field for field."""
    result = run_app(
        v1server,
        """
state = {"spoken": 0}

def on_event(path, event):
    call_id = event.get("callId")
    kind = event["eventType"]
    if kind == "answer":
        voice.speak_sentence_to_call(call_id, "Press one two then pound")
    elif kind == "speak" and event["status"] == "done":
        state["spoken"] += 1
        if state["spoken"] == 1:
            voice.create_call_gather(call_id, max_digits="5", inter_digit_timeout="3",
                                     terminating_digits="#", tag="menu")
        else:
            voice.hangup_call(call_id)
    elif kind == "gather":
        voice.play_audio_to_call(call_id, sentence="You pressed " + event["digits"], tag="bye")
    elif kind == "hangup":
        finished.set()

app_id = account.create_application(name="IVR", incoming_call_url=APP + "/calls")
account.order_phone_number(number="+19195550100", application_id=app_id)
call_id = control("POST", "/calls", {"from": CALLER, "to": "+19195550100",
    "phone": {"steps": [{"waitFor": "gather"}, {"press": "12#"}]}})["callId"]
wait()
call = voice.get_call(call_id)
log = [e["name"] for e in voice.list_call_events(call_id)]
gather_id = events("gather")[0]["gatherId"]
gather = voice.get_call_gather(call_id, gather_id)
print(json.dumps({"app": app_id, "callId": call_id, "received": received, "call": call,
                  "log": log, "gather": gather}))
""",
    )
    call_id, app_id = result["callId"], result["app"]
    received = result["received"]
    assert all("error" not in entry for entry in received), received
    call_uri = f"{v1server.url}/v1/users/9900000/calls/{call_id}"
    events = [entry["event"] for entry in received]
    kinds = [(e["eventType"], e.get("status") or e.get("dtmfDigit") or "") for e in events]
    assert kinds == [
        ("incomingcall", ""),
        ("answer", ""),
        ("speak", "started"),
        ("speak", "done"),
        ("dtmf", "1"),
        ("dtmf", "2"),
        ("dtmf", "#"),
        ("gather", ""),
        ("speak", "started"),
        ("speak", "done"),
        ("hangup", ""),
    ]
    incoming, answer, speak_started, speak_done = events[:4]
    # §3.2: every field, in the order of the spec's payloads.
    assert list(incoming) == [
        "eventType", "from", "to", "callId", "callUri", "callState", "applicationId", "time",
        "displayName", "withholdCallerNumber", "withholdCallerName",
    ]  # fmt: skip
    assert incoming["from"] == CALLER
    assert incoming["to"] == "+19195550100"
    assert incoming["callUri"] == call_uri
    assert incoming["callState"] == "active"
    assert incoming["applicationId"] == app_id
    assert incoming["withholdCallerNumber"] is False
    assert list(answer) == [
        "eventType", "from", "to", "callId", "callUri", "callState", "time", "applicationId",
    ]  # fmt: skip
    assert list(speak_started) == [
        "eventType", "callId", "callUri", "status", "state", "type", "time",
    ]  # fmt: skip
    assert (speak_started["state"], speak_done["state"]) == ("PLAYBACK_START", "PLAYBACK_STOP")
    dtmf = events[4]
    assert list(dtmf) == ["eventType", "callId", "callUri", "dtmfDigit", "dtmfDuration", "time"]
    assert dtmf["dtmfDuration"].isdigit()
    gather = events[7]
    assert list(gather) == [
        "eventType", "reason", "state", "digits", "time", "callId", "gatherId", "tag",
    ]  # fmt: skip
    assert gather["reason"] == "terminating-digit"
    assert gather["digits"] == "12"
    assert gather["tag"] == "menu"
    assert events[8]["tag"] == "bye"
    hangup = events[-1]
    assert list(hangup) == [
        "eventType", "from", "to", "callId", "callUri", "callState", "cause", "time",
    ]  # fmt: skip
    assert hangup["cause"] == "NORMAL_CLEARING"
    assert hangup["callState"] == "completed"
    for entry in received:  # §4.1 delivery
        assert entry["method"] == "POST"
        assert entry["path"] == "/calls"
        assert entry["userAgent"].startswith("BandwidthAPI/v1")
        assert entry["contentType"] == "application/json; charset=utf-8"
    for event in events:
        if "time" in event:
            assert event["time"].endswith("Z")
            assert len(event["time"]) == 20
    call = result["call"]
    assert call["state"] == "completed"
    assert call["direction"] == "in"
    assert call["id"] == call_id
    assert call["chargeable_duration"] == 60
    assert result["log"][0] == "create"
    assert "hangup" in result["log"]
    assert result["gather"]["state"] == "completed"
    assert result["gather"]["reason"] == "terminating-digit"
    assert result["gather"]["digits"] == "12"
