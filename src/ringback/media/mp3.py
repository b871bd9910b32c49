"""Encode 16-bit PCM to MP3 with LAME (`lameenc`), led by an Info frame that gives its length.

How this works. `lameenc` returns bare MPEG frames: LAME's own Info frame (which its command
line tool writes by seeking back to the start of the file) is left out. Bare frames play too
long: the encoder adds LAME_ENCODER_DELAY_SAMPLES of silence at the start and pads the end to a
whole frame, a tenth of a second or more at 8 kHz. So, as LAME does, a silent frame goes first
holding an `Info` header (the audio frame count and a seek table) and a LAME tag (encoder delay
and padding), from which gapless players and `measure.py` take the exact number of samples.
"""

from __future__ import annotations

import struct
import sys
from array import array

import lameenc  # type: ignore[import-not-found]  # ships neither stubs nor py.typed

from ringback.media.mpeg import (
    LAME_ENCODER_DELAY_SAMPLES,
    LAME_TAG_BYTES,
    XING_TOC_BYTES,
    FrameHeader,
    count_frames,
    parse_header,
)

MONO_BITRATE_KBPS = 32
STEREO_BITRATE_KBPS = 48
LAME_QUALITY = 5  # 2 is best, 7 fastest; speech at 8 kHz needs no more
LAME_VERSION = b"LAME3.100"
XING_ALL_FIELDS = 0x0F  # frames, bytes, seek table and quality present
CBR_METHOD = 1
MAX_DELAY_OR_PADDING = 0xFFF


def encode_mp3(samples: array[int], channels: int, sample_rate_hz: int) -> bytes:
    """Constant-bitrate MP3 of interleaved 16-bit samples, led by an Info frame and a LAME tag."""
    encoder = lameenc.Encoder()
    encoder.set_in_sample_rate(sample_rate_hz)
    encoder.set_out_sample_rate(sample_rate_hz)
    encoder.set_channels(channels)
    encoder.set_bit_rate(MONO_BITRATE_KBPS if channels == 1 else STEREO_BITRATE_KBPS)
    encoder.set_quality(LAME_QUALITY)
    pcm = samples
    if sys.byteorder == "big":
        pcm = array("h", samples)
        pcm.byteswap()
    audio = bytes(encoder.encode(pcm.tobytes())) + bytes(encoder.flush())
    first = parse_header(audio, 0)
    if first is None:
        raise ValueError("lameenc produced no MPEG frame")
    frames = count_frames(audio, 0, first)
    per_channel = len(samples) // channels
    padding = frames * first.samples - per_channel - LAME_ENCODER_DELAY_SAMPLES
    return info_frame(audio[:4], first, frames, len(audio), padding) + audio


def info_frame(
    header_bytes: bytes, first: FrameHeader, frames: int, audio_bytes: int, padding: int
) -> bytes:
    """A silent frame like the first audio frame, carrying an Info header and a LAME tag."""
    header = bytearray(header_bytes)
    header[1] |= 0x01  # no CRC
    header[2] &= 0xFD  # no padding byte
    length = first.length - first.padded
    at = 4 + first.side_info_bytes
    if at + 120 + LAME_TAG_BYTES > length:
        raise ValueError(f"{first.bitrate_kbps} kbps frames are too short for an Info frame")
    frame = bytearray(length)
    frame[:4] = header
    total_bytes = length + audio_bytes
    toc = bytes(i * 256 // XING_TOC_BYTES for i in range(XING_TOC_BYTES))
    frame[at : at + 120] = (
        b"Info" + struct.pack(">III", XING_ALL_FIELDS, frames, total_bytes) + toc + bytes(4)
    )
    tag_at = at + 120
    delay = min(LAME_ENCODER_DELAY_SAMPLES, MAX_DELAY_OR_PADDING)
    packed_trim = (delay << 12 | min(max(padding, 0), MAX_DELAY_OR_PADDING)).to_bytes(3, "big")
    tag = (
        LAME_VERSION
        + bytes([CBR_METHOD, 0])  # tag revision 0 + CBR; lowpass unknown
        + bytes(8)  # replay gain: peak, radio, audiophile
        + bytes([0, min(first.bitrate_kbps, 255)])  # flags and ATH type; bitrate
        + packed_trim
        + bytes(4)  # misc, MP3 gain, preset and surround
        + struct.pack(">I", total_bytes)
        + bytes(2)  # music CRC: not computed (players do not check it)
    )
    frame[tag_at : tag_at + LAME_TAG_BYTES - 2] = tag
    crc_at = tag_at + LAME_TAG_BYTES - 2
    frame[crc_at : crc_at + 2] = struct.pack(">H", crc16(bytes(frame[:crc_at])))
    return bytes(frame)


def crc16(data: bytes) -> int:
    """CRC-16/ARC (polynomial 0x8005, reflected), the checksum of a LAME tag."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc
