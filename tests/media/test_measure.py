"""Measuring `<PlayAudio>` files: WAV codings and layouts, detection order, refused media."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ringback.errors import MediaError, UnsupportedMediaError
from ringback.media.measure import audio_duration, declared_format, inspect_audio

from .audio_files import chunk, fmt_chunk, lame_mp3, riff, stdlib_wav

URL = "https://media.example/prompts/hello.wav"
PCM, ALAW, MULAW, FLOAT = 1, 6, 7, 3


def test_measure_stdlib_wav_to_the_frame() -> None:
    """A WAV written by the stdlib `wave` module measures frames / rate."""
    assert audio_duration(stdlib_wav(12_345), "audio/wav", URL) == 12_345 / 8000


def test_measure_stdlib_wav_stereo_44k() -> None:
    """Stereo at 44.1 kHz: bytes per frame count both channels."""
    info = inspect_audio(stdlib_wav(44_100, channels=2, rate_hz=44_100), None, URL)
    assert (info.format, info.coding, info.channels, info.sample_rate_hz) == (
        "wav",
        "pcm16",
        2,
        44_100,
    )
    assert info.duration_s == 1.0


@pytest.mark.parametrize(("tag", "coding"), [(MULAW, "mulaw"), (ALAW, "alaw")])
@pytest.mark.parametrize("extensible", [False, True])
def test_measure_g711_wav(tag: int, coding: str, extensible: bool) -> None:
    """μ-law and A-law (8 bits a sample), plain or WAVE_FORMAT_EXTENSIBLE, are played."""
    data = riff(fmt_chunk(tag, 1, 8000, 8, extensible=extensible), chunk(b"data", bytes(4000)))
    info = inspect_audio(data, "audio/x-wav", URL)
    assert (info.coding, info.duration_s) == (coding, 0.5)


def test_measure_wav_skips_extra_chunks_with_odd_padding() -> None:
    """LIST, fact and an odd-sized chunk (with its pad byte) before and after `data` are skipped."""
    data = riff(
        chunk(b"JUNK", bytes(27)),
        fmt_chunk(PCM, 1, 8000, 16),
        chunk(b"fact", struct.pack("<I", 8000)),
        chunk(b"LIST", b"INFOISFT\x05\x00\x00\x00odd!\x00"),
        chunk(b"data", bytes(16000)),
        chunk(b"cue ", bytes(5)),
    )
    assert audio_duration(data, None, URL) == 1.0


def test_measure_wav_tolerates_a_missing_pad_byte() -> None:
    """A writer that leaves out the pad byte after an odd chunk still gets measured."""
    data = riff(
        chunk(b"LIST", bytes(7), pad=False), fmt_chunk(PCM, 1, 8000, 16), chunk(b"data", bytes(800))
    )
    assert audio_duration(data, None, URL) == 0.05


def test_measure_wav_fmt_after_data() -> None:
    """The `fmt ` chunk may follow a sized `data` chunk."""
    data = riff(chunk(b"data", bytes(8000)), fmt_chunk(PCM, 1, 8000, 16))
    assert audio_duration(data, None, URL) == 0.5


@pytest.mark.parametrize("riff_size", [0xFFFFFFFF, 0])
def test_measure_streaming_wav_with_unknown_sizes(riff_size: int) -> None:
    """A data size of 0xFFFFFFFF (a streaming writer) means the data runs to the end."""
    header = fmt_chunk(PCM, 1, 8000, 16) + b"data" + struct.pack("<I", 0xFFFFFFFF)
    data = riff(header, size=riff_size) + bytes(24_000)
    assert audio_duration(data, None, URL) == 1.5


def test_measure_truncated_wav_counts_the_whole_frames_present() -> None:
    """A download cut short plays what arrived: whole frames only."""
    data = riff(fmt_chunk(PCM, 2, 8000, 16), chunk(b"data", bytes(32_000)))[:-1001]
    # 32000 bytes declared, 30999 present: 7749 whole stereo frames of 4 bytes.
    assert audio_duration(data, None, URL) == 7749 / 8000


@given(
    channels=st.integers(1, 2),
    rate_hz=st.sampled_from([8000, 11025, 16000, 22050, 44100, 48000]),
    frames=st.integers(0, 4000),
    coding=st.sampled_from([(PCM, 16), (MULAW, 8), (ALAW, 8)]),
    junk=st.lists(st.binary(max_size=9), max_size=3),
)
@settings(max_examples=100, deadline=None)
def test_measure_wav_round_trip(
    channels: int, rate_hz: int, frames: int, coding: tuple[int, int], junk: list[bytes]
) -> None:
    """Any layout of any playable WAV measures frames / rate exactly."""
    tag, bits = coding
    extra = [chunk(b"junk", body) for body in junk]
    body = bytes(frames * channels * bits // 8)
    data = riff(*extra, fmt_chunk(tag, channels, rate_hz, bits), *extra, chunk(b"data", body))
    assert audio_duration(data, None, URL) == frames / rate_hz


def test_measure_empty_wav_is_zero_seconds() -> None:
    """A WAV file with an empty data chunk plays for no time at all."""
    assert audio_duration(stdlib_wav(0), "audio/wav", URL) == 0.0


# ---- detection order ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "url", "expected"),
    [
        ("audio/wav", "https://a/x.mp3", "wav"),
        ("audio/x-wav", "https://a/x", "wav"),
        ("audio/wave", "https://a/x", "wav"),
        ("audio/vnd.wave", "https://a/x", "wav"),
        ("audio/mpeg", "https://a/x.wav", "mp3"),
        ("Audio/MPEG; charset=binary", "https://a/x", "mp3"),
        ("audio/mpeg3", "https://a/x", "mp3"),
        ("audio/mp3", "https://a/x", "mp3"),
        ("application/octet-stream", "https://a/x.MP3?version=2#t", "mp3"),
        (None, "https://a/dir.mp3/file", "wav"),
        (None, "https://a/x.wav", "wav"),
        ("text/html", "https://a/x.ogg", "wav"),
        (None, "https://a/x", "wav"),
    ],
)
def test_measure_declared_format_order(content_type: str | None, url: str, expected: str) -> None:
    """Content-Type first, then the URL path's extension, else WAV (spec §4.6)."""
    assert declared_format(content_type, url) == expected


def test_measure_mislabelled_mp3_still_measured() -> None:
    """MP3 bytes served as audio/wav at a .wav URL are recognised by their frames."""
    data = lame_mp3(8000)
    assert inspect_audio(data, "audio/wav", URL).format == "mp3"


def test_measure_mislabelled_wav_still_measured() -> None:
    """WAV bytes served as audio/mpeg are recognised by RIFF/WAVE."""
    assert audio_duration(stdlib_wav(4000), "audio/mpeg", "https://a/x.mp3") == 0.5


# ---- refused --------------------------------------------------------------------------------

OGG_VORBIS = b"OggS\x00\x02" + bytes(20) + b"\x01\x1e\x01vorbis" + bytes(30)
HTML_404 = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>"


@pytest.mark.parametrize(
    ("data", "content_type", "what"),
    [
        (OGG_VORBIS, "audio/ogg", "(OGG Vorbis)"),
        (b"OggS\x00\x02" + bytes(22) + b"OpusHead" + bytes(11), None, "(OGG Opus)"),
        (b"fLaC\x00\x00\x00\x22" + bytes(34), "audio/flac", "(FLAC)"),
        (HTML_404, "text/html", "(an HTML page)"),
        (b'{"error": "not found"}', "application/json", "(JSON text)"),
        (b"Access denied\n", "text/plain", "(text: 'Access denied')"),
        (b"", "audio/wav", "(empty: 0 bytes)"),
        (b"RIFF\x10\x00\x00\x00AVI LIST", None, "(a RIFF AVI file, not WAVE)"),
        (b"RIFF\x10\x00", "audio/wav", "(a WAV file cut short: 6 bytes)"),
        (riff(fmt_chunk(PCM, 1, 8000, 16)), "audio/wav", "no `data` chunk"),
        (riff(chunk(b"data", bytes(10))), "audio/wav", "no `fmt ` chunk"),
        (b"\x00\x00\x00\x20ftypM4A " + bytes(20), "audio/mp4", "(MP4/M4A (AAC))"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08\x09", None, "starting 01 02 03 04"),
    ],
)
def test_measure_refuses_what_is_not_wav_or_mp3(
    data: bytes, content_type: str | None, what: str
) -> None:
    """Anything else is refused, and the message names the URL and what came back."""
    with pytest.raises(UnsupportedMediaError) as refused:
        audio_duration(data, content_type, URL)
    message = str(refused.value)
    assert message.startswith(f"{URL} is not WAV or MP3 audio (")
    assert what in message
    assert message.endswith("; Bandwidth plays only WAV and MP3")
    assert refused.value.url == URL


def test_measure_refusal_message_reads_as_the_spec_example() -> None:
    """The OGG message reads exactly as the example the platform brief gives."""
    with pytest.raises(UnsupportedMediaError) as refused:
        audio_duration(OGG_VORBIS, None, "https://x/a.ogg")
    assert str(refused.value) == (
        "https://x/a.ogg is not WAV or MP3 audio (OGG Vorbis); Bandwidth plays only WAV and MP3"
    )


@pytest.mark.parametrize(
    ("tag", "bits", "coding"),
    [
        (PCM, 8, "8-bit PCM"),
        (PCM, 24, "24-bit PCM"),
        (FLOAT, 32, "32-bit IEEE float"),
        (0x11, 4, "IMA ADPCM"),
    ],
)
def test_measure_refuses_wav_codings_bandwidth_does_not_play(
    tag: int, bits: int, coding: str
) -> None:
    """WAV with other codings is refused by name, with what to use instead."""
    data = riff(fmt_chunk(tag, 1, 8000, bits), chunk(b"data", bytes(800)))
    with pytest.raises(UnsupportedMediaError, match="16-bit PCM, μ-law or A-law") as refused:
        audio_duration(data, "audio/wav", URL)
    assert f"{URL} is WAV audio coded as {coding};" in str(refused.value)


def test_measure_refusal_is_a_media_error_and_a_value_error() -> None:
    """Callers can catch the media family (runtime) or ValueError (plain Python)."""
    with pytest.raises(MediaError):
        audio_duration(b"", None, URL)
    with pytest.raises(ValueError, match="empty"):
        audio_duration(b"", None, URL)
