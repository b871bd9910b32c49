"""WAV files: read how long one plays, and write 16-bit PCM.

How this works. A WAV file is a RIFF container: `RIFF`, a little-endian size, `WAVE`, then
chunks, each a four-byte id, a little-endian size and that many bytes, padded to an even length.
The `fmt ` chunk says how the samples are coded; the `data` chunk holds them. A file plays for
the whole sample frames in `data` over the sample rate. Other chunks (`LIST`, `fact`, `cue `,
`JUNK`) are skipped. Writers that stream cannot seek back to fill in sizes: they leave the data
size at 0xFFFFFFFF, and a size larger than what is left means the same — the data runs to the end
of the file. Bandwidth plays 16-bit PCM, μ-law and A-law (spec §4.6); other codings are refused
by name, so the message says what to convert.
"""

from __future__ import annotations

import struct
import sys
from array import array
from dataclasses import dataclass

from ringback.errors import UnsupportedMediaError

WAVE_FORMAT_PCM = 0x0001
WAVE_FORMAT_ALAW = 0x0006
WAVE_FORMAT_MULAW = 0x0007
WAVE_FORMAT_EXTENSIBLE = 0xFFFE
STREAMING_SIZE = 0xFFFFFFFF
PCM16_BYTES = 2
# What the `fmt ` chunk must hold: tag, channels, rate, byte rate, block align, bits per sample.
FMT_MIN_BYTES = 16
FMT_EXTENSIBLE_BYTES = 40

# Codings a WAV file may hold that Bandwidth does not play, named for the error message.
OTHER_CODINGS = {
    0x0002: "Microsoft ADPCM",
    0x0003: "IEEE float",
    0x0011: "IMA ADPCM",
    0x0031: "GSM 6.10",
    0x0040: "G.721 ADPCM",
    0x0050: "MPEG audio",
    0x0055: "MP3",
    0x0064: "G.726 ADPCM",
    0x00FF: "AAC",
}


@dataclass(frozen=True, slots=True)
class WavInfo:
    """What a WAV file holds: its coding (`pcm16`, `mulaw`, `alaw`), channels, rate and length."""

    coding: str
    channels: int
    sample_rate_hz: int
    frames: int

    @property
    def duration_s(self) -> float:
        """How long the file plays, in seconds."""
        return self.frames / self.sample_rate_hz


def is_riff(data: bytes) -> bool:
    """Whether the data is a RIFF container (of any kind: WAVE, AVI, WEBP...)."""
    return data[:4] in (b"RIFF", b"RIFX", b"RF64")


def parse_wav(data: bytes, url: str) -> WavInfo | None:
    """The format and length of a WAV file; None if it is no RIFF/WAVE file at all.

    Raises UnsupportedMediaError for a WAV file Bandwidth cannot play: cut short, no `fmt ` or
    `data` chunk, or samples coded other than 16-bit PCM, μ-law or A-law.
    """
    if data[:4] == b"RIFF" and len(data) < 12:
        raise _refused(url, f"a WAV file cut short: {len(data)} bytes")
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        if data[:4] == b"RF64" and data[8:12] == b"WAVE":
            raise _refused(url, "RF64 WAV, the 64-bit variant; write a plain RIFF WAV file")
        if data[:4] == b"RIFX" and data[8:12] == b"WAVE":
            raise _refused(url, "big-endian RIFX WAV; write a little-endian RIFF WAV file")
        return None
    fmt: bytes | None = None
    data_bytes: int | None = None
    at = 12
    while at + 8 <= len(data):
        chunk_id = data[at : at + 4]
        (size,) = struct.unpack_from("<I", data, at + 4)
        body = at + 8
        left = len(data) - body
        if chunk_id == b"data":
            data_bytes = left if size == STREAMING_SIZE or size > left else size
            if size == STREAMING_SIZE or size >= left:
                break
        elif chunk_id == b"fmt ":
            fmt = data[body : body + min(size, left)]
        at = _next_chunk(data, body + size, size)
    if fmt is None:
        raise _refused(url, "a WAV file with no `fmt ` chunk, or cut short before it")
    coding, channels, rate = _coding(fmt, url)
    if data_bytes is None:
        raise _refused(url, "a WAV file with no `data` chunk, or cut short before it")
    sample_bytes = PCM16_BYTES if coding == "pcm16" else 1
    return WavInfo(coding, channels, rate, data_bytes // (sample_bytes * channels))


def _next_chunk(data: bytes, end: int, size: int) -> int:
    """Where the chunk after one ending at `end` starts: after the pad byte of an odd size.

    Some writers leave the pad byte out; then the id is found one byte earlier.
    """
    if (
        size & 1
        and not _looks_like_id(data[end + 1 : end + 5])
        and _looks_like_id(data[end : end + 4])
    ):
        return end
    return end + (size & 1)


def _looks_like_id(four: bytes) -> bool:
    return len(four) == 4 and all(0x20 <= byte < 0x7F for byte in four)


def _coding(fmt: bytes, url: str) -> tuple[str, int, int]:
    """The coding name, channels and sample rate of a `fmt ` chunk (or why it is refused)."""
    if len(fmt) < FMT_MIN_BYTES:
        raise _refused(url, "a WAV file whose `fmt ` chunk is cut short")
    tag, channels, rate, _byte_rate, _block_align, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == WAVE_FORMAT_EXTENSIBLE and len(fmt) >= FMT_EXTENSIBLE_BYTES:
        # The first two bytes of the sub-format GUID are the plain format tag.
        (tag,) = struct.unpack_from("<H", fmt, 24)
    if channels == 0 or rate == 0:
        raise _refused(url, f"a WAV file with {channels} channels at {rate} Hz")
    if tag == WAVE_FORMAT_PCM and bits == 16:
        return "pcm16", channels, rate
    if tag in (WAVE_FORMAT_MULAW, WAVE_FORMAT_ALAW) and bits == 8:
        return ("mulaw" if tag == WAVE_FORMAT_MULAW else "alaw"), channels, rate
    if tag == WAVE_FORMAT_PCM:
        what = f"{bits}-bit PCM"
    elif tag in OTHER_CODINGS:
        what = f"{bits}-bit {OTHER_CODINGS[tag]}" if tag == 0x0003 else OTHER_CODINGS[tag]
    else:
        what = f"format tag 0x{tag:04X}"
    raise UnsupportedMediaError(
        f"{url} is WAV audio coded as {what}; Bandwidth plays WAV only as 16-bit PCM, "
        "μ-law or A-law",
        url,
    )


def _refused(url: str, what: str) -> UnsupportedMediaError:
    return UnsupportedMediaError(
        f"{url} is not WAV or MP3 audio ({what}); Bandwidth plays only WAV and MP3", url
    )


def pcm16_wav(samples: array[int], channels: int, sample_rate_hz: int) -> bytes:
    """A 16-bit PCM WAV file of interleaved samples (one array of signed 16-bit values)."""
    if samples.typecode != "h":
        raise TypeError("samples must be array('h')")
    body = samples
    if sys.byteorder == "big":
        body = array("h", samples)
        body.byteswap()
    pcm = body.tobytes()
    block_align = channels * PCM16_BYTES
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(pcm),
        b"WAVE",
        b"fmt ",
        FMT_MIN_BYTES,
        WAVE_FORMAT_PCM,
        channels,
        sample_rate_hz,
        sample_rate_hz * block_align,
        block_align,
        16,
        b"data",
        len(pcm),
    )
    # An odd-length data chunk would need a pad byte; 16-bit samples never make one.
    return header + pcm
