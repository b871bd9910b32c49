"""Name what some bytes are, from their first bytes, for the message that refuses them.

A `<PlayAudio>` URL that answers with an error page, an OGG file or nothing at all is refused
(spec §4.6: unsupported media ends the call with `application-error`); the message says what
came back, so the developer knows whether to convert the file or fix the URL.
"""

from __future__ import annotations

# Magic numbers at the very start of a file, and what they mean.
MAGIC = (
    (b"fLaC", "FLAC"),
    (b"FORM", "AIFF"),
    (b"#!AMR", "AMR"),
    (b".snd", "Sun AU"),
    (b"MThd", "MIDI"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x1aE\xdf\xa3", "WebM/Matroska"),
)
# What an OGG stream carries, from its first packet.
OGG_CODECS = ((b"\x01vorbis", "OGG Vorbis"), (b"OpusHead", "OGG Opus"), (b"\x7fFLAC", "OGG FLAC"))
TEXT_PREVIEW_CHARS = 40
HEX_PREVIEW_BYTES = 8
TEXT_SAMPLE_BYTES = 512


def describe(data: bytes) -> str:
    """What the data looks like, in a few words: `OGG Vorbis`, `an HTML page`, `empty`."""
    if not data:
        return "empty: 0 bytes"
    if data[:4] == b"OggS":
        return next((name for magic, name in OGG_CODECS if magic in data[:512]), "OGG")
    if data[:4] == b"RIFF":
        return f"a RIFF {data[8:12].decode('latin-1').strip() or 'file'} file, not WAVE"
    if data[4:8] == b"ftyp":
        return "MP4/M4A (AAC)"
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xF6 == 0xF0:
        return "AAC in ADTS frames"
    for magic, name in MAGIC:
        if data[: len(magic)] == magic:  # not startswith: `data` may be a memory map
            return name
    text = _as_text(data)
    if text is None:
        return f"{len(data)} bytes starting {data[:HEX_PREVIEW_BYTES].hex(' ')}"
    lowered = text.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html")) or "<html" in lowered[:200]:
        return "an HTML page"
    if lowered.startswith("<"):
        return "an XML document"
    if lowered.startswith(("{", "[")):
        return "JSON text"
    preview = " ".join(text.split())[:TEXT_PREVIEW_CHARS]
    return f"text: {preview!r}" if preview else "blank text"


def _as_text(data: bytes) -> str | None:
    """The start of the data as text, if it is text (UTF-8, no control characters)."""
    sample = data[:TEXT_SAMPLE_BYTES]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as cut:
        # The sample may end inside a character: text is fine if the error is at the very end.
        if cut.start < len(sample) - 3:
            return None
        text = sample[: cut.start].decode("utf-8")
    if any(ord(char) < 0x20 and char not in "\t\r\n" for char in text):
        return None
    return text
