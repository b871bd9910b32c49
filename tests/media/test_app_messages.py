"""What a bidirectional stream's app sends, read as the spec's messages (streams spec §4)."""

from __future__ import annotations

import base64
import json

import pytest

from ringback.media.app_messages import Clear, Ignored, PlayAudio, read_app_message


def message(content_type: str, payload: bytes) -> str:
    media = {"contentType": content_type, "payload": base64.b64encode(payload).decode()}
    return json.dumps({"eventType": "playAudio", "media": media})


def test_app_message_pcmu_is_decoded() -> None:
    """audio/pcmu: one 16-bit sample per byte."""
    read = read_app_message(message("audio/pcmu", b"\xff" * 80))
    assert isinstance(read, PlayAudio)
    assert read.audio == bytes(160)


def test_app_message_pcm_rates_become_8khz() -> None:
    """audio/pcm at 16 and 24 kHz: halved and thirded; full parameters accepted."""
    full = "audio/pcm;rate=24000;channels=1;bit-depth=16;endian=little;encoding=signed"
    for content_type, samples in (("audio/pcm;rate=16000", 320), (full, 480)):
        read = read_app_message(message(content_type, bytes(2 * samples)))
        assert isinstance(read, PlayAudio)
        assert len(read.audio) == 2 * 160


def test_app_message_clear() -> None:
    """`clear` needs nothing else."""
    assert read_app_message('{"eventType": "clear"}') == Clear()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[1, 2]", "not a JSON object but list"),
        ('{"eventType": "mark"}', "unknown eventType 'mark'"),
        ('{"eventType": "playAudio", "media": {"contentType": 1}}', "needs media.contentType"),
        (
            message("audio/pcm;rate=16000;endian=big", b"\x00\x00"),
            "unsupported audio/pcm parameter",
        ),
        (message("audio/pcm", b"\x00\x00"), "audio/pcm needs rate="),
        (message("audio/wav", b"RIFF"), "unsupported media.contentType 'audio/wav'"),
    ],
)
def test_app_message_ignored_with_a_reason(text: str, reason: str) -> None:
    """What Ringback does not act on comes back with why."""
    read = read_app_message(text)
    assert isinstance(read, Ignored)
    assert reason in read.reason


def test_app_message_deeply_nested_frame_is_ignored() -> None:
    """A frame nested thousands deep is ignored with a reason, not a RecursionError."""
    read = read_app_message("[" * 100_000 + "]" * 100_000)
    assert isinstance(read, Ignored)
    assert "nested too deeply" in read.reason
