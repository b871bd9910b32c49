"""Outbound v1 calls: GET callbacks with credentials, audio files, no answer, busy, failures."""

from __future__ import annotations

import base64
from typing import Any

from sdk_envs import run_sdk_script

from .apps import APP_PRELUDE
from .conftest import V1Server


def run_app(v1server: V1Server, source: str) -> Any:
    """Run a v1 app script against the live server."""
    return run_sdk_script("3.0.3", APP_PRELUDE + source, RINGBACK_URL=v1server.url)


def test_sdk_outbound_get_callbacks_with_url_credentials_and_audio_file(
    v1server: V1Server,
) -> None:
    """GET + query, Basic auth from the URL (masked on the timeline), playback started/stop."""
    result = run_app(
        v1server,
        """
def on_event(path, event):
    call_id = event.get("callId")
    kind = event["eventType"]
    if kind == "answer":
        voice.play_audio_file_to_call(call_id, APP + "/hold.wav", tag="music")
    elif kind == "playback" and event["status"] == "started":
        voice.play_audio_to_call(call_id, file_url="")
    elif kind == "playback":
        voice.send_dtmf_to_call(call_id, "1W2")
        voice.hangup_call(call_id)
    elif kind == "hangup":
        finished.set()

url = APP.replace("http://", "http://alice:s%3Acret@") + "/out"
call_id = voice.create_call(from_="+19195550100", to="+15557770001", callback_url=url,
                            callback_http_method="GET", callback_timeout="5000", tag="t1")
wait()
call = voice.get_call(call_id)
timeline = control("GET", "/calls/%s/timeline" % call_id)
print(json.dumps({"callId": call_id, "received": received, "call": call,
                  "timeline": timeline}))
""",
    )
    received = result["received"]
    assert all("error" not in entry for entry in received), received
    events = [entry["event"] for entry in received]
    kinds = [(e["eventType"], e.get("status", "")) for e in events]
    assert kinds == [
        ("answer", ""),
        ("playback", "started"),
        ("playback", "done"),
        ("hangup", ""),
    ]
    token = base64.b64encode(b"alice:s:cret").decode()
    for entry in received:
        assert entry["method"] == "GET"
        assert entry["authorization"] == f"Basic {token}"
    answer = events[0]
    assert answer["tag"] == "t1"
    assert answer["from"] == "+19195550100"
    assert answer["to"] == "+15557770001"
    assert answer["callState"] == "active"
    assert "applicationId" not in answer
    assert events[1]["tag"] == "music"
    assert events[-1]["cause"] == "NORMAL_CLEARING"
    assert events[-1]["tag"] == "t1"
    call = result["call"]
    assert call["callback_http_method"] == "get"
    assert call["callback_timeout"] == 5000
    assert call["tag"] == "t1"
    assert call["direction"] == "out"
    text = str(result["timeline"])
    assert "alice:***@" in text
    assert "s%3Acret" not in text
    assert "s:cret" not in text


def test_sdk_outbound_no_answer_and_busy(v1server: V1Server) -> None:
    """`timeout` then `hangup` NO_ANSWER; busy: `hangup` USER_BUSY, no `answer`."""
    result = run_app(
        v1server,
        """
ended = []

def on_event(path, event):
    if event["eventType"] == "hangup":
        ended.append(event["callId"])
        if len(ended) == 2:
            finished.set()

control("PUT", "/phones/+15557770002", {"answer": "no-answer"})
control("PUT", "/phones/+15557770003", {"answer": "busy"})
quiet = voice.create_call(from_="+19195550100", to="+15557770002", call_timeout="5",
                          callback_url=APP + "/quiet", tag="q")
busy = voice.create_call(from_="+19195550100", to="+15557770003", callback_url=APP + "/busy")
wait()
states = [voice.get_call(quiet)["state"], voice.get_call(busy)["state"]]
print(json.dumps({"received": received, "states": states}))
""",
    )
    by_path: dict[str, list[dict[str, Any]]] = {}
    for entry in result["received"]:
        by_path.setdefault(entry["path"], []).append(entry["event"])
    timeout, hangup = by_path["/quiet"]
    assert list(timeout) == ["eventType", "from", "to", "callId", "callUri", "time", "tag"]
    assert timeout["tag"] == "q"
    assert hangup["cause"] == "NO_ANSWER"
    (busy,) = by_path["/busy"]
    assert busy["eventType"] == "hangup"
    assert busy["cause"] == "USER_BUSY"
    assert result["states"] == ["completed", "completed"]


def test_sdk_failed_callbacks_go_to_fallback_then_errors(v1server: V1Server) -> None:
    """One try, then the fallback, then dropped: `callback-failed` in /errors."""
    result = run_app(
        v1server,
        """
def on_event(path, event):
    return 500

call_id = voice.create_call(from_="+19195550100", to="+15557770004",
                            callback_url=APP + "/fail", fallback_url=APP + "/fallback")
import time
for _ in range(200):
    if len(received) >= 2:
        break
    time.sleep(0.05)
voice.hangup_call(call_id)
for _ in range(200):
    if len(received) >= 4:
        break
    time.sleep(0.05)
def mine():
    return [e for e in account.list_errors() if e["code"] == "callback-failed" and
            {"name": "callId", "value": call_id} in e["details"]]
for _ in range(200):
    errors = mine()
    if len(errors) >= 2:
        break
    time.sleep(0.05)
print(json.dumps({"callId": call_id, "received": received, "errors": errors}))
""",
    )
    paths = [(e["path"], e["event"]["eventType"]) for e in result["received"]]
    assert paths == [
        ("/fail", "answer"),
        ("/fallback", "answer"),
        ("/fail", "hangup"),
        ("/fallback", "hangup"),
    ]
    mine = result["errors"]  # newest first
    assert len(mine) == 2
    assert mine[-1]["category"] == "unavailable"
    assert "The answer event was dropped" in mine[-1]["message"]
    assert "The hangup event was dropped" in mine[0]["message"]
    assert {"name": "eventType", "value": "answer"} in mine[-1]["details"]
