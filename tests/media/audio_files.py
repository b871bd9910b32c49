"""Audio files for the tests, written by independent means: stdlib `wave`, lameenc, by hand.

The hand-made ones follow the published layouts (RIFF/WAVE `fmt ` fields, Xing and VBRI headers)
field by field, so that the parser is checked against the format, not against its own writer.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from array import array

import lameenc


def tone_pcm(frames: int, channels: int = 1, rate_hz: int = 8000) -> bytes:
    """Little-endian 16-bit PCM of a 440 Hz tone (interleaved when stereo)."""
    one = [round(8000 * math.sin(2 * math.pi * 440 * n / rate_hz)) for n in range(frames)]
    samples = array("h", [value for value in one for _ in range(channels)])
    return samples.tobytes()


def stdlib_wav(frames: int, channels: int = 1, rate_hz: int = 8000) -> bytes:
    """A 16-bit PCM WAV file written by the standard library's `wave` module."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate_hz)
        writer.writeframes(tone_pcm(frames, channels, rate_hz))
    return buffer.getvalue()


def chunk(chunk_id: bytes, body: bytes, *, pad: bool = True) -> bytes:
    """One RIFF chunk: id, little-endian size, body, and a pad byte after an odd body."""
    padding = b"\x00" if pad and len(body) % 2 else b""
    return chunk_id + struct.pack("<I", len(body)) + body + padding


def fmt_chunk(
    tag: int, channels: int, rate_hz: int, bits: int, *, extensible: bool = False
) -> bytes:
    """A `fmt ` chunk (WAVEFORMATEX, or WAVEFORMATEXTENSIBLE carrying `tag` in its GUID)."""
    block_align = channels * bits // 8
    body = struct.pack(
        "<HHIIHH",
        0xFFFE if extensible else tag,
        channels,
        rate_hz,
        rate_hz * block_align,
        block_align,
        bits,
    )
    if extensible:
        guid_tail = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        body += struct.pack("<HHI", 22, bits, 0) + struct.pack("<H", tag) + guid_tail
    return chunk(b"fmt ", body)


def riff(*chunks: bytes, size: int | None = None) -> bytes:
    """A RIFF/WAVE file of the given chunks (its size field may be forced)."""
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body) if size is None else size) + body


def lame_mp3(
    frames: int,
    *,
    channels: int = 1,
    rate_hz: int = 8000,
    bitrate_kbps: int = 32,
    vbr: bool = False,
) -> bytes:
    """Bare MPEG frames as lameenc writes them (no Xing/Info frame)."""
    encoder = lameenc.Encoder()
    encoder.set_in_sample_rate(rate_hz)
    encoder.set_out_sample_rate(rate_hz)
    encoder.set_channels(channels)
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_quality(7)
    if vbr:
        encoder.set_vbr(4)
        encoder.set_vbr_quality(4)
    return bytes(encoder.encode(tone_pcm(frames, channels, rate_hz))) + bytes(encoder.flush())


def mpeg_frames(data: bytes) -> list[tuple[int, int]]:
    """(offset, length) of each frame of a bare MPEG-2.5 layer III stream at 8 kHz.

    Written from the frame header layout, independently of the code under test: length is
    72 * bitrate / sample rate (+1 when padded) for MPEG 2/2.5 layer III.
    """
    kbps = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
    frames: list[tuple[int, int]] = []
    at = 0
    while at + 4 <= len(data):
        assert data[at] == 0xFF, f"no frame at {at}"
        assert data[at + 1] & 0xE0 == 0xE0, f"no frame at {at}"
        assert (data[at + 1] >> 3) & 3 == 0, "not MPEG 2.5"
        bitrate = kbps[data[at + 2] >> 4] * 1000
        length = 72 * bitrate // 8000 + ((data[at + 2] >> 1) & 1)
        frames.append((at, length))
        at += length
    return frames


def id3v2(body_bytes: int) -> bytes:
    """An ID3v2.4 tag of `body_bytes` bytes of zero padding (size written syncsafe)."""
    size = bytes((body_bytes >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x04\x00\x00" + size + bytes(body_bytes)


def header_frame(template: bytes, payload_at: int, payload: bytes) -> bytes:
    """A frame with the header and length of `template`, zeros, and `payload` at `payload_at`."""
    frame = bytearray(len(template))
    frame[:4] = template[:4]
    frame[payload_at : payload_at + len(payload)] = payload
    return bytes(frame)


def xing(frame_count: int, *, kind: bytes = b"Xing") -> bytes:
    """A Xing/Info header with only the frame-count field (flags = 1)."""
    return kind + struct.pack(">II", 1, frame_count)


def vbri(frame_count: int, byte_count: int) -> bytes:
    """A Fraunhofer VBRI header: version, delay, quality, bytes, frames (no seek table)."""
    return b"VBRI" + struct.pack(">HHHII", 1, 0, 75, byte_count, frame_count)
