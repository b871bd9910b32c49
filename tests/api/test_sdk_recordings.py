"""The official SDK's RecordingsApi and TranscriptionsApi against a live Ringback."""

from __future__ import annotations

import json

import bandwidth
import pytest
from bandwidth.exceptions import ConflictException, NotFoundException

from ringback.phones.script import parse_script

from .conftest import ACCOUNT, LiveServer

SPEAKER = "+15556660000"
WORDS = "please call me back"
# Record and transcribe while the far end speaks, then hang up (the end of the document).
RECORD = (
    '<Response><StartRecording/><StartTranscription name="live"/><Pause duration="5"/></Response>'
)


@pytest.fixture(scope="module", autouse=True)
def speaker(live: LiveServer) -> None:
    """The number SPEAKER answers after 1 s and says WORDS over 2 s."""
    script = parse_script({"steps": [{"say": WORDS, "duration": 2}]})
    live.call(lambda: live.platform.put_phone(SPEAKER, script))
    live.app.routes["/record"] = RECORD


def start_call(live: LiveServer, path: str) -> str:
    """A call to SPEAKER answered by `path`."""
    create = bandwidth.CreateCall(
        to=SPEAKER,
        var_from="+15551112222",
        application_id="app-1",
        answer_url=live.app.url + path,
    )
    with live.client() as client:
        return str(bandwidth.CallsApi(client).create_call(ACCOUNT, create).call_id)


def recorded_call(live: LiveServer) -> tuple[str, str]:
    """A finished call with one recording; (call id, recording id)."""
    call_id = start_call(live, "/record")
    live.advance(30)
    (recording,) = live.call(lambda: live.platform.recordings(call_id=call_id))
    return call_id, recording["recordingId"]


def api(client: bandwidth.ApiClient) -> bandwidth.RecordingsApi:
    """RecordingsApi on a client."""
    return bandwidth.RecordingsApi(client)


def test_sdk_recording_metadata(live: LiveServer) -> None:
    """get_call_recording and list_call_recordings: the SDK's CallRecordingMetadata."""
    call_id, recording_id = recorded_call(live)
    with live.client() as client:
        recordings = api(client)
        metadata = recordings.get_call_recording(ACCOUNT, call_id, recording_id)
        listed = recordings.list_call_recordings(ACCOUNT, call_id)
    assert isinstance(metadata, bandwidth.CallRecordingMetadata)
    assert [r.recording_id for r in listed] == [recording_id]
    assert metadata.call_id == call_id
    assert metadata.account_id == ACCOUNT
    assert (metadata.to, metadata.direction) == (SPEAKER, "outbound")
    assert metadata.duration == "PT5S"
    assert (metadata.channels, metadata.file_format, metadata.status) == (1, "wav", "complete")
    assert metadata.media_url == (
        f"{live.url}/api/v2/accounts/{ACCOUNT}/calls/{call_id}/recordings/{recording_id}/media"
    )


def test_sdk_list_account_recordings_filters(live: LiveServer) -> None:
    """list_account_call_recordings: every call recording; `to` and time filters apply."""
    _, recording_id = recorded_call(live)
    with live.client() as client:
        recordings = api(client)
        everyone = recordings.list_account_call_recordings(ACCOUNT)
        to_speaker = recordings.list_account_call_recordings(ACCOUNT, to=SPEAKER)
        to_other = recordings.list_account_call_recordings(ACCOUNT, to="+15550000000")
        future = recordings.list_account_call_recordings(
            ACCOUNT, min_start_time="2100-01-01T00:00:00Z"
        )
    assert recording_id in [r.recording_id for r in everyone]
    assert recording_id in [r.recording_id for r in to_speaker]
    assert to_other == []
    assert future == []


def test_sdk_list_call_recordings_unknown_call_is_empty(live: LiveServer) -> None:
    """Recordings of an unknown call: `[]`, as Bandwidth answers (not 404)."""
    with live.client() as client:
        assert api(client).list_call_recordings(ACCOUNT, "c-unknown") == []


def test_sdk_download_recording(live: LiveServer) -> None:
    """download_call_recording: WAV bytes served as audio/vnd.wave."""
    call_id, recording_id = recorded_call(live)
    with live.client() as client:
        response = api(client).download_call_recording_with_http_info(
            ACCOUNT, call_id, recording_id
        )
    assert response.headers["content-type"] == "audio/vnd.wave"
    assert bytes(response.data[:4]) == b"RIFF"
    assert bytes(response.data[8:12]) == b"WAVE"


def test_sdk_update_call_recording_state(live: LiveServer) -> None:
    """Pausing for 3 s through update_call_recording_state leaves 3 s out of the recording."""
    live.app.routes["/pausable"] = '<Response><StartRecording/><Pause duration="10"/></Response>'
    call_id = start_call(live, "/pausable")
    live.advance(2)  # answered at 1 s, recording since
    with live.client() as client:
        recordings = api(client)
        paused = recordings.update_call_recording_state_with_http_info(
            ACCOUNT, call_id, bandwidth.UpdateCallRecording(state="paused")
        )
        live.advance(3)
        recordings.update_call_recording_state(
            ACCOUNT, call_id, bandwidth.UpdateCallRecording(state="recording")
        )
        live.advance(30)
        (metadata,) = recordings.list_call_recordings(ACCOUNT, call_id)
    assert paused.status_code == 200
    assert metadata.duration == "PT7S"


def test_sdk_recording_state_without_recording_is_conflict(live: LiveServer) -> None:
    """Pausing a call that records nothing: 409, saying so."""
    live.app.routes["/quiet"] = '<Response><Pause duration="10"/></Response>'
    call_id = start_call(live, "/quiet")
    live.advance(2)
    with live.client() as client, pytest.raises(ConflictException) as caught:
        api(client).update_call_recording_state(
            ACCOUNT, call_id, bandwidth.UpdateCallRecording(state="paused")
        )
    assert "no recording in progress" in json.loads(caught.value.body)["description"]


def test_sdk_transcribe_recording(live: LiveServer) -> None:
    """transcribe_call_recording: 204, `transcriptionAvailable` to the callback, then the text."""
    call_id, recording_id = recorded_call(live)
    request = bandwidth.TranscribeRecording(callback_url=live.app.url + "/transcribed", tag="mine")
    with live.client() as client:
        recordings = api(client)
        response = recordings.transcribe_call_recording_with_http_info(
            ACCOUNT, call_id, recording_id, request
        )
        live.settle()
        transcription = recordings.get_recording_transcription(ACCOUNT, call_id, recording_id)
        metadata = recordings.get_call_recording(ACCOUNT, call_id, recording_id)
    assert response.status_code == 204
    (hook,) = [p for p in live.app.events("/transcribed") if p["recordingId"] == recording_id]
    parsed = bandwidth.TranscriptionAvailableCallback.from_dict(hook)
    assert parsed.event_type == "transcriptionAvailable"
    assert hook["tag"] == "mine"
    assert [t.text for t in transcription.transcripts] == [WORDS]
    assert metadata.transcription is not None
    assert metadata.transcription.status == "available"


def test_sdk_delete_recording_transcription(live: LiveServer) -> None:
    """delete_recording_transcription: 204, then 404 for the transcription."""
    call_id, recording_id = recorded_call(live)
    with live.client() as client:
        recordings = api(client)
        recordings.transcribe_call_recording(
            ACCOUNT, call_id, recording_id, bandwidth.TranscribeRecording()
        )
        response = recordings.delete_recording_transcription_with_http_info(
            ACCOUNT, call_id, recording_id
        )
        with pytest.raises(NotFoundException):
            recordings.get_recording_transcription(ACCOUNT, call_id, recording_id)
    assert response.status_code == 204


def test_sdk_delete_media_then_recording(live: LiveServer) -> None:
    """delete_recording_media keeps the metadata; delete_recording removes everything."""
    call_id, recording_id = recorded_call(live)
    with live.client() as client:
        recordings = api(client)
        media = recordings.delete_recording_media_with_http_info(ACCOUNT, call_id, recording_id)
        with pytest.raises(NotFoundException):
            recordings.download_call_recording(ACCOUNT, call_id, recording_id)
        assert recordings.get_call_recording(ACCOUNT, call_id, recording_id).recording_id
        deleted = recordings.delete_recording_with_http_info(ACCOUNT, call_id, recording_id)
        assert recordings.list_call_recordings(ACCOUNT, call_id) == []
        with pytest.raises(NotFoundException) as caught:
            recordings.get_call_recording(ACCOUNT, call_id, recording_id)
    assert (media.status_code, deleted.status_code) == (204, 204)
    assert json.loads(caught.value.body)["description"] == (
        f"Recording [{recording_id}] not found for call [{call_id}]"
    )


def test_sdk_real_time_transcriptions(live: LiveServer) -> None:
    """list/get/delete_real_time_transcription: the words said while <StartTranscription> ran."""
    call_id, _ = recorded_call(live)
    with live.client() as client:
        api_ = bandwidth.TranscriptionsApi(client)
        (listed,) = api_.list_real_time_transcriptions(ACCOUNT, call_id)
        assert isinstance(listed, bandwidth.CallTranscriptionMetadata)
        assert listed.transcription_name == "live"
        got = api_.get_real_time_transcription(ACCOUNT, call_id, listed.transcription_id)
        deleted = api_.delete_real_time_transcription_with_http_info(
            ACCOUNT, call_id, listed.transcription_id
        )
        with pytest.raises(NotFoundException):
            api_.get_real_time_transcription(ACCOUNT, call_id, listed.transcription_id)
        remaining = api_.list_real_time_transcriptions(ACCOUNT, call_id)
    assert isinstance(got, bandwidth.CallTranscriptionResponse)
    assert (got.account_id, got.call_id) == (ACCOUNT, call_id)
    assert [(t.track, t.transcript) for t in got.tracks] == [("inbound", WORDS)]
    assert deleted.status_code == 200
    assert remaining == []
