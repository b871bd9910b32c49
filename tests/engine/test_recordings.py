"""The recording model: spans, pauses, clipped media, transcription rules, REST metadata."""

from __future__ import annotations

import pytest
from bandwidth import CallRecordingMetadata, RecordingTranscriptions
from hypothesis import given, settings
from hypothesis import strategies as st

from ringback.engine.call import Call, Direction
from ringback.engine.media import MediaLog, Side, Sound
from ringback.engine.recordings import TRANSCRIBE_MAX_S, TRANSCRIBE_MIN_S, Recording

T0 = 1_700_000_000.0
CALL_URL = "http://127.0.0.1:8080/api/v2/accounts/9900000/calls/c-1"


def make_call() -> Call:
    """A minimal outbound call."""
    return Call(
        call_id="c-1",
        account_id="9900000",
        application_id="app-1",
        direction=Direction.OUTBOUND,
        from_="+15551112222",
        to="+15553334444",
        call_url=CALL_URL,
        callback_timeout_s=15,
        base_url="http://app.test/answer",
    )


def make_recording(channels: int = 1) -> Recording:
    """A recording of `make_call()` starting at T0."""
    return Recording.of_call("r-1", make_call(), T0, channels=channels)


def test_recordings_of_call_copies_identity_and_builds_media_url() -> None:
    """The mediaUrl sits under the call's REST URL; call fields are snapshotted."""
    recording = make_recording()
    assert recording.media_url == f"{CALL_URL}/recordings/r-1/media"
    assert (recording.call_id, recording.direction, recording.from_) == (
        "c-1",
        "outbound",
        "+15551112222",
    )


def test_recordings_of_conference_builds_conference_media_url() -> None:
    """A conference recording's mediaUrl is under the conference's REST URL; no call fields."""
    recording = Recording.of_conference(
        "r-2", "9900000", "http://127.0.0.1:8080", "conf-1", "standup", T0
    )
    assert recording.media_url == (
        "http://127.0.0.1:8080/api/v2/accounts/9900000/conferences/conf-1/recordings/r-2/media"
    )
    assert (recording.call_id, recording.conference_name, recording.channels) == (
        None,
        "standup",
        1,
    )


def test_recordings_pauses_are_cut_from_spans_and_duration() -> None:
    """10 s with pauses 2–3 s and 5–8 s: spans 0–2, 3–5, 8–10; six seconds of audio."""
    recording = make_recording()
    for pause, resume in ((2, 3), (5, 8)):
        recording.pause(T0 + pause)
        recording.resume(T0 + resume)
    recording.finish(T0 + 10, MediaLog())
    assert [(lo - T0, hi - T0) for lo, hi in recording.recorded_spans()] == [
        (0, 2),
        (3, 5),
        (8, 10),
    ]
    assert recording.duration_s == 6
    assert recording.status == "complete"


def test_recordings_segments_are_clipped_and_retimed() -> None:
    """Speech across a pause is split; words are kept by where they were said."""
    media = MediaLog()
    media.add(T0 + 1, T0 + 5, Side.FAR, Sound.SPEECH, "one two three four")
    media.add(T0 + 6, T0 + 6.1, Side.FAR, Sound.DTMF, "5")
    media.add(T0 + 0, T0 + 9, Side.PLATFORM, Sound.PROMPT, "hold music words")
    recording = make_recording(channels=2)
    recording.pause(T0 + 2)
    recording.resume(T0 + 4)
    recording.finish(T0 + 7, media)
    far = [(s.start, s.end, s.text) for s in recording.segments if s.side is Side.FAR]
    assert far == [(1.0, 2.0, "one"), (2.0, 3.0, "four"), (4.0, 4.1, "5")]
    assert recording.far_words() == ["one", "four"]
    assert {recording.channel_of(s) for s in recording.segments if s.side is Side.PLATFORM} == {1}


def test_recordings_single_channel_mixes_both_sides() -> None:
    """On one channel, prompts are on channel 0 with the far end."""
    media = MediaLog()
    media.add(T0, T0 + 1, Side.PLATFORM, Sound.PROMPT, "hello")
    recording = make_recording()
    recording.finish(T0 + 2, media)
    assert [recording.channel_of(s) for s in recording.segments] == [0]


@pytest.mark.parametrize(
    ("length_s", "status"),
    [
        (TRANSCRIBE_MIN_S, "file-size-too-small"),
        (TRANSCRIBE_MIN_S + 0.001, "available"),
        (TRANSCRIBE_MAX_S - 1, "available"),
        (TRANSCRIBE_MAX_S, "file-size-too-big"),
    ],
)
def test_recordings_transcription_only_between_half_a_second_and_four_hours(
    length_s: float, status: str
) -> None:
    """0.5 s < length < 4 h is transcribed; outside, the status says why and there is no text."""
    media = MediaLog()
    media.add(T0, T0 + 0.4, Side.FAR, Sound.SPEECH, "hi")
    recording = make_recording()
    recording.finish(T0 + length_s, media)
    transcription = recording.transcribe("t-1", T0 + length_s)
    assert transcription.status == status
    assert transcription.text == ("hi" if status == "available" else "")
    assert transcription.url == f"{CALL_URL}/recordings/r-1/transcription"


def test_recordings_metadata_parses_with_sdk_model() -> None:
    """GET .../recordings/{id} metadata: the SDK's CallRecordingMetadata reads it."""
    media = MediaLog()
    media.add(T0 + 1, T0 + 2, Side.FAR, Sound.SPEECH, "hello")
    recording = make_recording()
    recording.finish(T0 + 20.056, media)
    recording.transcribe("t-1", T0 + 30)
    metadata = recording.metadata()
    assert metadata["duration"] == "PT20.056S"
    assert metadata["mediaUrl"] == recording.media_url
    parsed = CallRecordingMetadata.from_dict(metadata)
    assert parsed is not None
    assert parsed.recording_id == "r-1"
    assert parsed.transcription is not None
    assert parsed.transcription.status == "available"


def test_recordings_metadata_while_processing_has_no_media() -> None:
    """A recording still running: status `processing`, no mediaUrl, end or duration yet."""
    metadata = make_recording().metadata()
    assert metadata["status"] == "processing"
    assert metadata["mediaUrl"] is metadata["endTime"] is metadata["duration"] is None
    assert CallRecordingMetadata.from_dict(metadata) is not None


def test_recordings_transcripts_body_parses_with_sdk_model() -> None:
    """GET .../transcription: one transcript per channel, the party first."""
    media = MediaLog()
    media.add(T0, T0 + 1, Side.PLATFORM, Sound.PROMPT, "welcome")
    media.add(T0 + 1, T0 + 2, Side.FAR, Sound.SPEECH, "hello there")
    recording = make_recording(channels=2)
    recording.finish(T0 + 3, media)
    body = recording.transcribe("t-1", T0 + 3).transcripts()
    parsed = RecordingTranscriptions.from_dict(body)
    assert parsed is not None
    assert parsed.transcripts is not None
    assert [t.text for t in parsed.transcripts] == ["hello there", "welcome"]


OPS = st.lists(
    st.tuples(st.sampled_from(["pause", "resume"]), st.integers(min_value=0, max_value=100)),
    max_size=12,
)


@settings(max_examples=100, deadline=None)
@given(ops=OPS, length=st.integers(min_value=0, max_value=100))
def test_recordings_duration_is_span_total_and_segments_fit(
    ops: list[tuple[str, int]], length: int
) -> None:
    """Any pause/resume sequence: duration = sum of spans ≤ length; sounds fit in the file."""
    media = MediaLog()
    for second in range(0, 100, 7):
        media.add(T0 + second, T0 + second + 3, Side.FAR, Sound.SPEECH, "a b c")
    recording = make_recording()
    at = 0
    for op, step in sorted(ops, key=lambda o: o[1]):
        at = max(at, step)
        if at >= length:
            break
        getattr(recording, op)(T0 + at)
    recording.finish(T0 + length, media)
    spans = recording.recorded_spans()
    assert recording.duration_s == pytest.approx(sum(hi - lo for lo, hi in spans))
    assert recording.duration_s <= length
    assert all(0 <= s.start <= s.end <= recording.duration_s for s in recording.segments)
    assert len(recording.far_words()) <= 3 * len(media.segments)
