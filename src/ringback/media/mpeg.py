"""MP3 files: read how long one plays, and write the Info frame that states it exactly.

How this works. An MP3 file is a run of MPEG audio frames, each opening with a four-byte header
(11 sync bits, version, layer, bitrate, sample rate, padding, channel mode) from which the frame's
length follows, so the frames can be walked end to end. Each frame of layer III carries 1152
samples (MPEG 1) or 576 (MPEG 2 and 2.5). An ID3v2 tag may come first and an ID3v1 or APE tag
last. The first frame may instead be a header frame with no sound: `Xing`/`Info` (LAME, ffmpeg)
or `VBRI` (Fraunhofer), which count the frames, so a file need not be walked. LAME's extension of
the Info frame also says how many samples of delay the encoder added at the start and of padding
at the end: taking them off gives the duration to the sample, which is how gapless players (and
this module) measure it, and why the rendered recordings carry such a frame.

A frame header is only believed when the next frame's header follows it where its length says,
so stray 0xFF bytes in a tag or in junk do not pass for audio.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ringback.errors import UnsupportedMediaError

ID3V2_HEADER_BYTES = 10
SYNC_SEARCH_BYTES = 64 * 1024  # how far after an ID3v2 tag the first frame may be looked for
LAME_ENCODER_DELAY_SAMPLES = 576  # what LAME 3.100 adds at the start (lame_get_encoder_delay)
XING_TOC_BYTES = 100
LAME_TAG_BYTES = 36
# Header frames whose LAME-style extension carries the encoder delay and padding.
LAME_TAG_IDS = (b"LAME", b"Lavf", b"Lavc")

VERSIONS = {0: "2.5", 2: "2", 3: "1"}
LAYERS = {1: 3, 2: 2, 3: 1}
SAMPLE_RATES_HZ = {
    "1": (44100, 48000, 32000),
    "2": (22050, 24000, 16000),
    "2.5": (11025, 12000, 8000),
}
BITRATES_KBPS = {
    ("1", 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    ("1", 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    ("1", 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    ("2", 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    ("2", 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    ("2", 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
MONO = 3  # channel mode of a one-channel stream


@dataclass(frozen=True, slots=True)
class FrameHeader:
    """One MPEG audio frame header."""

    version: str  # "1", "2" or "2.5"
    layer: int
    bitrate_kbps: int
    sample_rate_hz: int
    padded: bool
    channels: int
    protected: bool  # a 16-bit CRC follows the header

    @property
    def samples(self) -> int:
        """Samples per channel in the frame."""
        if self.layer == 1:
            return 384
        return 1152 if self.layer == 2 or self.version == "1" else 576

    @property
    def length(self) -> int:
        """The frame's length in bytes, header included."""
        if self.layer == 1:
            return (12 * self.bitrate_kbps * 1000 // self.sample_rate_hz + self.padded) * 4
        per_byte = self.samples // 8
        return per_byte * self.bitrate_kbps * 1000 // self.sample_rate_hz + self.padded

    @property
    def side_info_bytes(self) -> int:
        """Length of layer III side information, which a Xing or Info header comes after."""
        if self.version == "1":
            return 17 if self.channels == 1 else 32
        return 9 if self.channels == 1 else 17

    def same_stream(self, other: FrameHeader) -> bool:
        """Whether another header belongs to the same stream (bitrate may vary)."""
        return (self.version, self.layer, self.sample_rate_hz) == (
            other.version,
            other.layer,
            other.sample_rate_hz,
        )


def parse_header(data: bytes, at: int) -> FrameHeader | None:
    """The frame header at `at`, or None if the four bytes there are not one."""
    if at + 4 > len(data) or data[at] != 0xFF or data[at + 1] & 0xE0 != 0xE0:
        return None
    (word,) = struct.unpack_from(">I", data, at)
    version = VERSIONS.get((word >> 19) & 3)
    layer = LAYERS.get((word >> 17) & 3)
    bitrate_index = (word >> 12) & 15
    rate_index = (word >> 10) & 3
    # Free-format (index 0) and bad (15) bitrates and the reserved rate cannot be walked.
    if version is None or layer is None or bitrate_index in (0, 15) or rate_index == 3:
        return None
    table = BITRATES_KBPS[("1" if version == "1" else "2", layer)]
    return FrameHeader(
        version=version,
        layer=layer,
        bitrate_kbps=table[bitrate_index],
        sample_rate_hz=SAMPLE_RATES_HZ[version][rate_index],
        padded=bool((word >> 9) & 1),
        channels=1 if (word >> 6) & 3 == MONO else 2,
        protected=not (word >> 16) & 1,
    )


def confirmed_header(data: bytes, at: int) -> FrameHeader | None:
    """The header at `at` if the frame it starts ends where another frame (or the file) begins."""
    header = parse_header(data, at)
    if header is None:
        return None
    after = at + header.length
    if after == len(data) or _is_trailer(data, after):
        return header
    following = parse_header(data, after)
    return header if following is not None and following.same_stream(header) else None


def _is_trailer(data: bytes, at: int) -> bool:
    """Whether the audio ends at `at`: an ID3v1, APE or Lyrics3 tag follows."""
    return data[at : at + 3] == b"TAG" or data[at : at + 8] in (b"APETAGEX", b"LYRICSBE")


def skip_id3v2(data: bytes) -> int:
    """Where the data after any ID3v2 tags starts (0 if there is none)."""
    at = 0
    while data[at : at + 3] == b"ID3" and at + ID3V2_HEADER_BYTES <= len(data):
        size_bytes = data[at + 6 : at + 10]
        size = 0
        for byte in size_bytes:  # "syncsafe": seven bits a byte
            size = size << 7 | (byte & 0x7F)
        footer = ID3V2_HEADER_BYTES if data[at + 5] & 0x10 else 0
        at += ID3V2_HEADER_BYTES + size + footer
    return at


@dataclass(frozen=True, slots=True)
class Mp3Info:
    """What an MP3 file holds: version, rate, channels, audio frames and samples to play."""

    version: str
    sample_rate_hz: int
    channels: int
    frames: int
    samples: int  # per channel, after the encoder's delay and padding when a LAME tag says them
    header_frame: str | None  # "Xing", "Info", "VBRI" or None (the frames were walked)

    @property
    def duration_s(self) -> float:
        """How long the file plays, in seconds."""
        return self.samples / self.sample_rate_hz


def parse_mp3(data: bytes, url: str) -> Mp3Info | None:
    """The length of an MP3 file; None if the data does not start as MPEG audio at all.

    Raises UnsupportedMediaError for MPEG audio Bandwidth does not play (layer I or II), and for
    an ID3 tag with no audio frames after it.
    """
    start = skip_id3v2(data)
    first = _first_frame(data, start)
    if first is None:
        if start > 0:
            raise _refused(url, "an ID3 tag with no MPEG audio frames after it")
        return None
    at, header = first
    if header.layer != 3:
        what = "MP2" if header.layer == 2 else "MP1"
        raise _refused(url, f"MPEG layer {'I' * header.layer} audio ({what}), not MP3")
    tagged = _header_frame(data, at, header)
    kind, trim = None, 0
    if tagged is not None:
        kind, counted, trim = tagged
        if counted:
            samples = max(0, counted * header.samples - trim)
            return Mp3Info(
                header.version, header.sample_rate_hz, header.channels, counted, samples, kind
            )
        at += header.length  # a header frame with no count: walk the audio after it
    frames = count_frames(data, at, header)
    samples = max(0, frames * header.samples - trim)
    return Mp3Info(header.version, header.sample_rate_hz, header.channels, frames, samples, kind)


def _first_frame(data: bytes, start: int) -> tuple[int, FrameHeader] | None:
    """The first believable frame at `start` (after zero padding or, behind a tag, some junk)."""
    at = start
    while at < len(data) and data[at] == 0:
        at += 1
    header = confirmed_header(data, at)
    if header is not None:
        return at, header
    if start == 0:
        return None
    limit = min(len(data), start + SYNC_SEARCH_BYTES)
    at = data.find(b"\xff", start, limit)
    while at != -1:
        header = confirmed_header(data, at)
        if header is not None:
            return at, header
        at = data.find(b"\xff", at + 1, limit)
    return None


def _header_frame(data: bytes, at: int, header: FrameHeader) -> tuple[str, int, int] | None:
    """A Xing/Info or VBRI frame at `at`: its kind, audio frames (0: not given), samples to trim."""
    vbri = at + 4 + 32
    if data[vbri : vbri + 4] == b"VBRI" and len(data) >= vbri + 18:
        (frames,) = struct.unpack_from(">I", data, vbri + 14)
        return "VBRI", frames, 0
    base = at + 4 + header.side_info_bytes
    # Some writers count the CRC that a protected frame carries, most do not.
    for xing in (base, base + 2) if header.protected else (base,):
        kind = data[xing : xing + 4]
        if kind not in (b"Xing", b"Info") or len(data) < xing + 8:
            continue
        (flags,) = struct.unpack_from(">I", data, xing + 4)
        frames = struct.unpack_from(">I", data, xing + 8)[0] if flags & 1 else 0
        extension = (
            xing + 8 + 4 * bin(flags & 0b1011).count("1") + (XING_TOC_BYTES if flags & 4 else 0)
        )
        return kind.decode(), frames, _lame_trim(data, extension)
    return None


def _lame_trim(data: bytes, at: int) -> int:
    """Encoder delay plus end padding, in samples, from a LAME tag at `at` (0 if none)."""
    if data[at : at + 4] not in LAME_TAG_IDS or len(data) < at + 24:
        return 0
    packed = int.from_bytes(data[at + 21 : at + 24], "big")
    return (packed >> 12) + (packed & 0xFFF)


def count_frames(data: bytes, at: int, first: FrameHeader) -> int:
    """The audio frames from `at` on, stepping over junk between frames, up to a trailer."""
    frames = 0
    while at < len(data):
        header = parse_header(data, at)
        if header is not None and header.same_stream(first) and at + header.length <= len(data):
            frames += 1
            at += header.length
            continue
        if (header is not None and header.same_stream(first)) or _is_trailer(data, at):
            break  # the last frame is cut short, or the audio is over
        found = _resync(data, at + 1, first)
        if found is None:
            break
        at = found
    return frames


def _resync(data: bytes, at: int, first: FrameHeader) -> int | None:
    """The next believable frame of the same stream at or after `at`."""
    at = data.find(b"\xff", at)
    while at != -1:
        header = confirmed_header(data, at)
        if header is not None and header.same_stream(first):
            return at
        at = data.find(b"\xff", at + 1)
    return None


def _refused(url: str, what: str) -> UnsupportedMediaError:
    return UnsupportedMediaError(
        f"{url} is not WAV or MP3 audio ({what}); Bandwidth plays only WAV and MP3", url
    )
