"""v1 conferences (members, mute, audio, removal) and bridges through the v1 client."""

from __future__ import annotations

from typing import Any

from sdk_envs import run_sdk_script

from .apps import APP_PRELUDE
from .conftest import V1Server


def run_app(v1server: V1Server, source: str) -> Any:
    """Run a v1 app script against the live server."""
    return run_sdk_script("3.0.3", APP_PRELUDE + source, RINGBACK_URL=v1server.url)


def test_sdk_conference_members_audio_and_completion(v1server: V1Server) -> None:
    """created, two members active, conference-speak, mute, removal, last out: completed."""
    result = run_app(
        v1server,
        """
state = {"members": {}}

def on_event(path, event):
    kind = event["eventType"]
    if path == "/m" and kind == "answer":
        member = voice.create_conference_member(conf_id, call_id=event["callId"],
                                                join_tone="true")
        state["members"][event["callId"]] = member
        if len(state["members"]) == 2:
            voice.speak_sentence_to_conference(conf_id, "Welcome to the meeting")
    elif kind == "conference-speak" and event["status"] == "done":
        first, second = list(state["members"].items())
        voice.mute_conference_member(conf_id, first[1], True)
        state["muted"] = voice.get_conference_member(conf_id, first[1])
        voice.remove_conference_member(conf_id, first[1])
        voice.hangup_call(first[0])
        voice.hangup_call(second[0])
    elif kind == "conference" and event["status"] == "completed":
        finished.set()

conf_id = voice.create_conference(from_="+19195550100", callback_url=APP + "/conf", tag="room")
first = voice.create_call(from_="+19195550100", to="+15557770011", callback_url=APP + "/m",
                          conference_id=conf_id)
second = voice.create_call(from_="+19195550100", to="+15557770012", callback_url=APP + "/m",
                           conference_id=conf_id)
wait()
print(json.dumps({"conf": conf_id, "received": received, "muted": state["muted"],
                  "conference": voice.get_conference(conf_id),
                  "members": list(voice.list_conference_members(conf_id))}))
""",
    )
    conf_id = result["conf"]
    assert conf_id.startswith("conf-")
    conf = [e["event"] for e in result["received"] if e["path"] == "/conf"]
    flow = [
        (e["eventType"], e.get("status") or e.get("state"), e.get("activeMembers"), e.get("mute"))
        for e in conf
    ]
    assert flow == [
        ("conference", "created", None, None),
        ("conference-member", "active", 1, False),
        ("conference-member", "active", 2, False),
        ("conference-speak", "started", None, None),
        ("conference-speak", "done", None, None),
        ("conference-member", "active", 2, True),
        ("conference-member", "completed", 1, True),
        ("conference-member", "completed", 0, False),
        ("conference", "completed", None, None),
    ]
    created, member = conf[0], conf[1]
    assert list(created) == [
        "eventType", "conferenceId", "conferenceUri", "status", "createdTime", "tag",
    ]  # fmt: skip
    assert list(member) == [
        "eventType", "activeMembers", "callId", "conferenceId", "hold", "memberId",
        "memberUri", "mute", "state", "time", "tag",
    ]  # fmt: skip
    assert member["memberId"].startswith("member-")
    assert member["tag"] == "room"
    assert list(conf[3]) == [
        "eventType", "conferenceId", "conferenceUri", "status", "time",
    ]  # fmt: skip
    assert "completedTime" in conf[-1]
    assert result["muted"]["mute"] is True
    assert result["muted"]["join_tone"] is True
    assert result["conference"]["state"] == "completed"
    assert result["conference"]["active_members"] == 0
    assert [m["state"] for m in result["members"]] == ["completed", "completed"]


def test_sdk_bridge_two_calls(v1server: V1Server) -> None:
    """Bridge two answered calls, speak to both, one hangs up: both end, bridge completed."""
    result = run_app(
        v1server,
        """
state = {"answered": [], "spoke": 0, "ended": 0}

def on_event(path, event):
    kind = event["eventType"]
    if kind == "answer":
        state["answered"].append(event["callId"])
        if len(state["answered"]) == 2:
            state["bridge"] = voice.create_bridge(call_ids=state["answered"], bridge_audio="true")
            state["active"] = voice.get_bridge(state["bridge"])
            voice.speak_sentence_to_bridge(state["bridge"], "You are connected")
    elif kind == "speak" and event["status"] == "done":
        state["spoke"] += 1
        if state["spoke"] == 2:
            voice.hangup_call(state["answered"][0])
    elif kind == "hangup":
        state["ended"] += 1
        if state["ended"] == 2:
            finished.set()

for number in ("+15557770021", "+15557770022"):
    voice.create_call(from_="+19195550100", to=number, callback_url=APP + "/br")
wait()
print(json.dumps({"received": received, "active": state["active"],
                  "bridge": voice.get_bridge(state["bridge"]),
                  "calls": [c["id"] for c in voice.list_bridge_calls(state["bridge"])],
                  "answered": state["answered"]}))
""",
    )
    assert result["active"]["state"] == "active"
    assert result["active"]["call_ids"] == result["answered"]
    assert result["bridge"]["state"] == "completed"
    assert result["calls"] == result["answered"]
    kinds = sorted(e["event"]["eventType"] for e in result["received"])
    assert kinds == ["answer", "answer", "hangup", "hangup", "speak", "speak", "speak", "speak"]
