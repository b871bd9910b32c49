"""A v1 recording with transcription, and a transfer, through the v1 client (SDK 3.0.3)."""

from __future__ import annotations

from typing import Any

from sdk_envs import run_sdk_script

from .apps import APP_PRELUDE
from .conftest import V1Server


def run_app(v1server: V1Server, source: str) -> Any:
    """Run a v1 app script against the live server."""
    return run_sdk_script("3.0.3", APP_PRELUDE + source, RINGBACK_URL=v1server.url)


def test_sdk_recording_with_transcription(v1server: V1Server) -> None:
    """`recording` then `transcription` after `hangup`; the REST views and the audio file."""
    result = run_app(
        v1server,
        """
def on_event(path, event):
    if event["eventType"] == "transcription":
        finished.set()

control("PUT", "/phones/+15557770005", {"steps": [
    {"say": "hello this is a test message", "duration": 3}, {"wait": 1}, {"hangup": True}]})
call_id = voice.create_call(from_="+19195550100", to="+15557770005", callback_url=APP + "/rec",
                            recording_enabled="true", transcription_enabled=True)
wait()
recordings = list(voice.list_call_recordings(call_id))
recording = voice.get_recording(recordings[0]["id"])
stream, content_type = account.download_media_file(recording["media_name"])
audio = stream.read()
transcriptions = list(voice.list_transcriptions(recording["id"]))
again = voice.create_transcription(recording["id"])
one = voice.get_transcription(recording["id"], again)
text_name = one["text_url"].rsplit("/", 1)[1]
text_stream, _ = account.download_media_file(text_name)
print(json.dumps({"callId": call_id, "received": received, "recording": recording,
                  "contentType": content_type, "riff": audio[:4].decode("latin-1"),
                  "transcriptions": transcriptions, "again": again, "one": one,
                  "fullText": text_stream.read().decode(),
                  "all": [r["id"] for r in voice.list_recordings()]}))
""",
    )
    call_id = result["callId"]
    events = [entry["event"] for entry in result["received"]]
    assert [e["eventType"] for e in events] == ["answer", "hangup", "recording", "transcription"]
    recording_event, transcription_event = events[2], events[3]
    assert list(recording_event) == [
        "eventType", "callId", "recordingId", "recordingUri", "status", "state", "startTime",
        "endTime",
    ]  # fmt: skip
    assert recording_event["status"] == recording_event["state"] == "complete"
    assert recording_event["recordingId"].startswith("rec-")
    assert list(transcription_event) == [
        "eventType", "transcriptionUri", "textSize", "text", "status", "textUrl", "recordingId",
        "state", "transcriptionId",
    ]  # fmt: skip
    assert transcription_event["text"] == "hello this is a test message"
    assert transcription_event["textSize"] == len("hello this is a test message")
    assert transcription_event["transcriptionId"].startswith("tr-")
    recording = result["recording"]
    assert recording["id"] == recording_event["recordingId"]
    assert recording["media_name"] == f"{call_id}-1.wav"
    assert recording["state"] == "complete"
    assert recording["call"].endswith(f"/calls/{call_id}")
    assert result["contentType"].startswith("audio/")
    assert result["riff"] == "RIFF"
    assert [t["id"] for t in result["transcriptions"]] == [transcription_event["transcriptionId"]]
    assert result["again"] == transcription_event["transcriptionId"]
    assert result["one"]["state"] == "completed"
    assert result["one"]["text"] == "hello this is a test message"
    assert result["one"]["chargeable_duration"] == 60
    assert result["fullText"] == "hello this is a test message"
    assert recording["id"] in result["all"]


def test_sdk_transfer_bridges_and_hangs_up_both(v1server: V1Server) -> None:
    """`transferring`: 201 + the B-leg's id; its events to the transfer URL; both end."""
    result = run_app(
        v1server,
        """
state = {}

def on_event(path, event):
    kind = event["eventType"]
    if path == "/a" and kind == "answer":
        state["b"] = voice.transfer_call(event["callId"], "+15557770006",
                                         callback_url=APP + "/b")
        state["during"] = voice.get_call(event["callId"])["state"]
    if path == "/a" and kind == "hangup":
        finished.set()

control("PUT", "/phones/+15557770006", {"steps": [{"wait": 5}, {"hangup": True}]})
app_id = account.create_application(name="Transfer", incoming_call_url=APP + "/a")
account.order_phone_number(number="+19195550106", application_id=app_id)
call_id = control("POST", "/calls", {"from": "+15551230006", "to": "+19195550106"})["callId"]
wait()
import time
for _ in range(200):
    if len(events()) >= 5:
        break
    time.sleep(0.05)
print(json.dumps({"callId": call_id, "received": received, "b": state["b"],
                  "during": state["during"], "bCall": voice.get_call(state["b"])}))
""",
    )
    b_id = result["b"]
    assert b_id.startswith("c-")
    assert len(b_id) == 25
    flow = [(e["path"], e["event"]["eventType"]) for e in result["received"]]
    assert [step for step in flow if step[0] == "/a"] == [
        ("/a", "incomingcall"),
        ("/a", "answer"),
        ("/a", "hangup"),
    ]
    assert [step for step in flow if step[0] == "/b"] == [("/b", "answer"), ("/b", "hangup")]
    b_events = [e["event"] for e in result["received"] if e["path"] == "/b"]
    assert b_events[0]["callId"] == b_id
    assert b_events[0]["to"] == "+15557770006"
    assert b_events[1]["cause"] == "NORMAL_CLEARING"
    assert result["during"] == "transferring"
    assert result["bCall"]["state"] == "completed"
    assert result["bCall"]["to"] == "+15557770006"
