"""Conference recordings: `<StartRecording>` and friends in conference BXML.

How this works. A conference recording is the shared `Recording` model with conference fields
and one channel. Its audio is composed when it ends: what the conference played to everyone
(`conference.media`) plus each member's far-end sounds while that member could be heard (in
the conference, neither muted nor on hold). The recording then clips that log to its own
window minus paused spans, as call recordings do; `SaveRecording` asks the runtime to write the
file and `conferenceRecordingAvailable` (async) goes to the verb's `recordingAvailableUrl`.

As Bandwidth documents, `transcribe`, `transcriptionAvailableUrl`, `multiChannel` and `tag`
are ignored in a conference, and a second `<StartRecording>` while one runs is ignored. A
recording still running when the conference completes ends with it and is announced after
`conferenceCompleted` (Bandwidth processes it for a while first; here it is the same instant).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ringback import bxml
from ringback.engine.actions import SaveRecording
from ringback.engine.conference import Conference, ConferenceRecording, note_members
from ringback.engine.media import MediaLog, Side
from ringback.engine.payloads import timestamp
from ringback.engine.recordings import Recording, spoken_part
from ringback.engine.requests import Callback
from ringback.events import ConferenceRecordingAvailableEvent

if TYPE_CHECKING:
    from ringback.engine.core import Engine


def run_verb(engine: Engine, conference: Conference, verb: Any, base_url: str) -> None:
    """Run one recording verb of conference BXML; each takes no time."""
    current = conference.recording
    name = type(verb).__name__
    match verb:
        case bxml.StartRecording() if current is None:
            conference.recording = _start(engine, conference, verb, base_url)
            recording_id = conference.recording.recording.recording_id
            note_members(engine, conference, f"conference recording {recording_id} started")
        case bxml.StartRecording():
            note_members(engine, conference, "<StartRecording> ignored: already recording")
        case _ if current is None:
            note_members(engine, conference, f"<{name}> ignored: nothing recording")
        case bxml.PauseRecording():
            current.recording.pause(engine.now)
            note_members(engine, conference, "conference recording paused")
        case bxml.ResumeRecording():
            current.recording.resume(engine.now)
            note_members(engine, conference, "conference recording resumed")
        case bxml.StopRecording():
            finish(engine, conference)


def finish(engine: Engine, conference: Conference) -> None:
    """End the conference's recording, if any: save it and announce it."""
    current, conference.recording = conference.recording, None
    if current is None:
        return
    recording = current.recording
    recording.finish(engine.now, conference_audio(engine, conference))
    engine.emit(SaveRecording(recording))
    if current.available is None:
        return
    event = ConferenceRecordingAvailableEvent(
        event_time=timestamp(engine.now),
        conference_id=conference.conference_id,
        name=conference.name,
        tag=conference.tag,
        account_id=recording.account_id,
        status=recording.status,
        **recording.event_fields(),
    )
    engine.send_webhook(
        None,
        event,
        current.available,
        sync=False,
        timeout_s=conference.callback_timeout_s,
        conference_id=conference.conference_id,
    )


def conference_audio(engine: Engine, conference: Conference) -> MediaLog:
    """Everything the conference heard so far: its prompts and its audible members' sounds."""
    segments = list(conference.media.segments)
    for member in conference.membership:
        call = engine.calls.get(member.call_id)
        if call is None:
            continue
        for lo, hi in member.audible_spans(engine.now):
            segments.extend(
                spoken_part(segment, lo, hi)
                for segment in call.media.segments
                if segment.side is Side.FAR and segment.start < hi and segment.end > lo
            )
    return MediaLog(sorted(segments, key=lambda segment: segment.start))


def _start(
    engine: Engine, conference: Conference, verb: bxml.StartRecording, base_url: str
) -> ConferenceRecording:
    config = engine.config
    recording = Recording.of_conference(
        engine.ids.recording(),
        config.account_id,
        config.base_url,
        conference.conference_id,
        conference.name,
        engine.now,
        file_format=verb.file_format,
        recording_name=verb.recording_name,
    )
    engine.recordings[recording.recording_id] = recording
    available = None
    if verb.recording_available_url is not None:
        callback = Callback(
            url=verb.recording_available_url,
            method=verb.recording_available_method,
            username=verb.username,
            password=verb.password,
        )
        available = engine.resolve(callback, base_url)
    return ConferenceRecording(recording, available)
