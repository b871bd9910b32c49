"""Measuring MP3: frames walked, Xing/Info and VBRI counts, LAME delay, tags, refused MPEG."""

from __future__ import annotations

import struct

import pytest

from ringback.errors import UnsupportedMediaError
from ringback.media.measure import audio_duration, inspect_audio
from ringback.media.mp3 import crc16

from .audio_files import header_frame, id3v2, lame_mp3, mpeg_frames, vbri, xing

URL = "https://media.example/hold.mp3"
MPEG25_SAMPLES = 576  # per frame, MPEG 2.5 layer III
XING_AT = 4 + 9  # after the header and mono MPEG 2/2.5 side information
VBRI_AT = 4 + 32


def test_mpeg_cbr_duration_is_frames_times_576() -> None:
    """Bare CBR frames at 8 kHz: the duration is whole frames of 576 samples each."""
    data = lame_mp3(24_000)
    frames = mpeg_frames(data)
    assert all(length == 288 for _, length in frames)  # 32 kbps at 8 kHz
    assert audio_duration(data, "audio/mpeg", URL) == len(frames) * MPEG25_SAMPLES / 8000


def test_mpeg_cbr_duration_covers_the_input() -> None:
    """The walked length is the input plus LAME's delay and padding (under two frames more)."""
    seconds = audio_duration(lame_mp3(24_000), "audio/mpeg", URL)
    assert 3.0 <= seconds <= 3.0 + (576 + 529 + 2 * 576) / 8000


def test_mpeg_vbr_frames_of_varying_length_are_walked() -> None:
    """VBR frames have different lengths; each is walked by its own header."""
    data = lame_mp3(24_000, vbr=True)
    frames = mpeg_frames(data)
    assert len({length for _, length in frames}) > 1
    assert audio_duration(data, None, URL) == len(frames) * MPEG25_SAMPLES / 8000


@pytest.mark.parametrize(
    ("rate_hz", "channels", "bitrate_kbps", "samples_per_frame", "coding"),
    [(44_100, 2, 128, 1152, "mpeg1"), (22_050, 1, 64, 576, "mpeg2"), (16_000, 2, 48, 576, "mpeg2")],
)
def test_mpeg_versions_and_padded_frames(
    rate_hz: int, channels: int, bitrate_kbps: int, samples_per_frame: int, coding: str
) -> None:
    """MPEG 1 and 2 (44.1 kHz frames alternate in length through the padding bit)."""
    data = lame_mp3(rate_hz * 2, channels=channels, rate_hz=rate_hz, bitrate_kbps=bitrate_kbps)
    info = inspect_audio(data, "audio/mpeg", URL)
    assert (info.coding, info.channels, info.sample_rate_hz) == (coding, channels, rate_hz)
    frames = round(info.duration_s * rate_hz / samples_per_frame)
    assert info.duration_s == frames * samples_per_frame / rate_hz
    assert 2.0 <= info.duration_s <= 2.0 + 3 * samples_per_frame / rate_hz


def test_mpeg_xing_frame_count_is_trusted() -> None:
    """A Xing header's frame count gives the duration (the tag's own frame is not audio)."""
    audio = lame_mp3(8000, vbr=True)
    tag = header_frame(audio[: mpeg_frames(audio)[0][1]], XING_AT, xing(1000))
    info = inspect_audio(tag + audio, "audio/mpeg", URL)
    assert info.duration_s == 1000 * MPEG25_SAMPLES / 8000


def test_mpeg_info_frame_with_lame_delay_and_padding() -> None:
    """An Info frame with a LAME tag: delay and padding come off the frame count."""
    audio = lame_mp3(8000)
    frame_count = len(mpeg_frames(audio))
    lame = b"LAME3.100" + bytes(12) + (576 << 12 | 300).to_bytes(3, "big") + bytes(12)
    payload = b"Info" + struct.pack(">II", 0x0F, frame_count) + struct.pack(">I", 0)
    payload += bytes(100) + bytes(4) + lame
    tag = header_frame(audio[:288], XING_AT, payload)
    seconds = audio_duration(tag + audio, None, URL)
    assert seconds == (frame_count * MPEG25_SAMPLES - 576 - 300) / 8000


def test_mpeg_xing_without_frame_count_walks_the_rest() -> None:
    """A Xing header without the frames flag is skipped and the audio after it walked."""
    audio = lame_mp3(8000)
    tag = header_frame(audio[:288], XING_AT, b"Xing" + struct.pack(">I", 0))
    assert audio_duration(tag + audio, None, URL) == len(mpeg_frames(audio)) * 576 / 8000


def test_mpeg_vbri_frame_count_is_trusted() -> None:
    """A Fraunhofer VBRI header 32 bytes after the header gives the frame count."""
    audio = lame_mp3(8000)
    tag = header_frame(audio[:288], VBRI_AT, vbri(500, len(audio)))
    assert audio_duration(tag + audio, None, URL) == 500 * MPEG25_SAMPLES / 8000


def test_mpeg_skips_id3v2_and_id3v1_tags() -> None:
    """An ID3v2 tag before and an ID3v1 tag after the frames are not audio."""
    audio = lame_mp3(16_000)
    expected = len(mpeg_frames(audio)) * MPEG25_SAMPLES / 8000
    id3v1 = b"TAG" + bytes(125)
    assert audio_duration(id3v2(1000) + audio + id3v1, None, "https://a/x") == expected


def test_mpeg_finds_frames_after_junk_behind_an_id3_tag() -> None:
    """Junk (with stray 0xFF bytes) between the ID3 tag and the first frame is stepped over."""
    audio = lame_mp3(8000)
    junk = b"\xff\xfb\x00junk\xff" * 10
    expected = len(mpeg_frames(audio)) * MPEG25_SAMPLES / 8000
    assert audio_duration(id3v2(20) + junk + audio, None, URL) == expected


def test_mpeg_resyncs_over_junk_between_frames() -> None:
    """Garbage in the middle of the stream is skipped; frames on both sides are counted."""
    audio = lame_mp3(16_000)
    frames = mpeg_frames(audio)
    cut = frames[10][0]
    data = audio[:cut] + b"\x00garbage\xff\x00" + audio[cut:]
    assert audio_duration(data, None, URL) == len(frames) * MPEG25_SAMPLES / 8000


def test_mpeg_last_frame_cut_short_is_not_counted() -> None:
    """A download cut inside the last frame counts only the whole frames."""
    audio = lame_mp3(16_000)
    frames = mpeg_frames(audio)
    data = audio[: frames[-1][0] + 100]
    assert audio_duration(data, None, URL) == (len(frames) - 1) * MPEG25_SAMPLES / 8000


def test_mpeg_refuses_an_id3_tag_without_audio() -> None:
    """An ID3 tag and nothing playable after it is refused, saying so."""
    with pytest.raises(UnsupportedMediaError, match="an ID3 tag with no MPEG audio frames"):
        audio_duration(id3v2(64) + b"<html>oops</html>", "audio/mpeg", URL)


def test_mpeg_refuses_layer_ii() -> None:
    """MPEG layer II (MP2) is MPEG audio but not MP3: refused by name."""
    header = bytes([0xFF, 0xFD, 0x80, 0xC0])  # MPEG 1 layer II, 128 kbps, 44.1 kHz, mono
    frame = header + bytes(144 * 128_000 // 44_100 - 4)
    with pytest.raises(UnsupportedMediaError, match=r"MPEG layer II audio \(MP2\), not MP3"):
        audio_duration(frame * 5, "audio/mpeg", URL)


def test_mpeg_a_lone_sync_word_is_not_audio() -> None:
    """0xFFFB followed by something that is no next frame is not taken for MP3."""
    data = bytes([0xFF, 0xFB, 0x90, 0x64]) + bytes(50)
    with pytest.raises(UnsupportedMediaError, match="not WAV or MP3 audio"):
        audio_duration(data, "audio/mpeg", URL)


def test_mpeg_crc16_matches_the_arc_check_value() -> None:
    """The LAME tag checksum is CRC-16/ARC, whose check value for '123456789' is 0xBB3D."""
    assert crc16(b"123456789") == 0xBB3D
