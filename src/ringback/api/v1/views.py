"""How v1 resources look on GET: calls, gathers, recordings, transcriptions (v1 spec §2.1-2.5).

Built from the engine's live state (a v1 call is an engine call with a `V1Leg`), with v1's
names, whole-second timestamps and absolute URLs under the user.
"""

from __future__ import annotations

import math
from typing import Any

from ringback.engine.call import Call, Direction
from ringback.engine.core import Engine
from ringback.engine.payloads import timestamp
from ringback.engine.recordings import Recording
from ringback.engine.v1.leg import V1Gather, V1Leg, leg_of, user_url
from ringback.events_v1 import v1_timestamp

SECONDS_PER_MINUTE = 60
MS_PER_S = 1000


def v1_time(at: float | None) -> str | None:
    """A v1 timestamp, or None."""
    return None if at is None else v1_timestamp(timestamp(at))


def call_state(call: Call, leg: V1Leg) -> str:
    """`started`, `active`, `transferring`, `completed` or `rejected`."""
    if call.ended:
        return "rejected" if call.cause == "rejected" else "completed"
    if leg.transferring:
        return "transferring"
    return "active" if call.answered else "started"


def billed_seconds(seconds: float) -> int:
    """Billing is per started minute."""
    return math.ceil(seconds / SECONDS_PER_MINUTE) * SECONDS_PER_MINUTE if seconds > 0 else 0


def call_view(engine: Engine, call: Call, leg: V1Leg) -> dict[str, Any]:
    """GET /calls/{id}."""
    call_url = user_url(engine, "calls", call.call_id)
    callback = leg.events.callback
    talked = 0.0
    if call.answer_time is not None:
        talked = (call.end_time if call.end_time is not None else engine.now) - call.answer_time
    view: dict[str, Any] = {
        "id": call.call_id,
        "direction": "in" if call.direction is Direction.INBOUND else "out",
        "from": call.from_,
        "to": call.to,
        "state": call_state(call, leg),
        "startTime": v1_time(call.enqueued_time or call.start_time),
        "activeTime": v1_time(call.answer_time),
        "endTime": v1_time(call.end_time),
        "chargeableDuration": billed_seconds(talked),
        "callbackUrl": callback.url if callback else None,
        "callbackHttpMethod": callback.method.lower() if callback else None,
        "callbackTimeout": round(leg.events.timeout_s * MS_PER_S),
        "fallbackUrl": callback.fallback_url if callback else None,
        "bridgeId": leg.bridge_id,
        "bridge": user_url(engine, "bridges", leg.bridge_id) if leg.bridge_id else None,
        "conferenceId": leg.conference_id,
        "conference": (
            user_url(engine, "conferences", leg.conference_id) if leg.conference_id else None
        ),
        "events": f"{call_url}/events",
        "recordings": f"{call_url}/recordings",
        "transcriptions": f"{call_url}/transcriptions",
        "recordingEnabled": leg.recording.enabled,
        "recordingFileFormat": leg.recording.file_format,
        "recordingMaxDuration": round(leg.recording.max_duration_s),
        "transcriptionEnabled": leg.recording.transcribe,
        "tag": call.tag,
    }
    return {key: value for key, value in view.items() if value is not None}


def gather_view(engine: Engine, call: Call, gather: V1Gather) -> dict[str, Any]:
    """GET /calls/{id}/gather/{gatherId}."""
    view = {
        "id": gather.gather_id,
        "state": gather.state,
        "reason": gather.reason,
        "createdTime": gather.created,
        "completedTime": gather.completed,
        "call": user_url(engine, "calls", call.call_id),
        "digits": gather.digits if gather.state == "completed" else None,
        "tag": gather.tag,
    }
    return {key: value for key, value in view.items() if value is not None}


def v1_recordings(engine: Engine, call_id: str | None = None) -> list[Recording]:
    """The recordings of v1 calls (of one call), in the order they started."""
    found = []
    for call in engine.calls.values():
        leg = leg_of(call)
        if leg is None or (call_id is not None and call.call_id != call_id):
            continue
        found += [engine.recordings[rid] for rid in leg.recording_ids if rid in engine.recordings]
    return sorted(found, key=lambda recording: recording.start_time)


def media_name(engine: Engine, recording: Recording) -> str:
    """`{callId}-{n}.{format}`, n counting the call's recordings from 1 (v1 §1.2)."""
    call = engine.calls[recording.call_id or ""]
    leg = leg_of(call)
    number = leg.recording_ids.index(recording.recording_id) + 1 if leg else 1
    return f"{call.call_id}-{number}.{recording.file_format}"


def recording_view(engine: Engine, recording: Recording) -> dict[str, Any]:
    """GET /recordings/{id}."""
    view = {
        "id": recording.recording_id,
        "media": user_url(engine, "media", media_name(engine, recording)),
        "call": user_url(engine, "calls", recording.call_id or ""),
        "startTime": v1_time(recording.start_time),
        "endTime": v1_time(recording.end_time),
        "state": "complete" if recording.finished else "recording",
    }
    return {key: value for key, value in view.items() if value is not None}


def transcription_view(engine: Engine, recording: Recording) -> dict[str, Any] | None:
    """GET .../transcriptions/{id}; None while the recording has none."""
    transcript = recording.transcription
    if transcript is None:
        return None
    ok = transcript.status == "available"
    return {
        "id": transcript.transcription_id,
        "state": "completed" if ok else "error",
        "text": transcript.text,
        "time": v1_time(transcript.completed_time),
        "chargeableDuration": billed_seconds(recording.duration_s),
        "textSize": len(transcript.text),
        "textUrl": user_url(engine, "media", transcript.transcription_id),
    }
