"""Files a handset attaches to a message when a script names them (`"media": ["cat.png"]`).

A name without a scheme becomes a small file in the account's media store: a real 1×1 PNG or
GIF for those extensions, otherwise a line of text saying what it stands for. Its type comes from
the extension (a table, not `mimetypes`, which reads system files).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "mp4": "video/mp4",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "txt": "text/plain",
    "pdf": "application/pdf",
    "vcf": "text/vcard",
    "smil": "application/smil",
    "xml": "application/xml",
}
_PIXELS = {
    "png": base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    ),
    "gif": base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"),
}


@dataclass(frozen=True, slots=True)
class GeneratedMedia:
    """A stand-in file's bytes and type."""

    content: bytes
    content_type: str


def content_type_of(name: str) -> str:
    """The media type a file name's extension implies (`application/octet-stream` if unknown)."""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    return CONTENT_TYPES.get(extension, "application/octet-stream")


def generated_media(name: str) -> GeneratedMedia:
    """The stand-in file for `name`."""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    content = _PIXELS.get(extension) or f"Ringback test media: {name}\n".encode()
    return GeneratedMedia(content, content_type_of(name))
