"""Messaging limits and segment counting (messaging spec §2.5, v1 spec §5.4), pure.

A text that only uses the GSM-7 alphabet fits 160 septets in one segment (the extension
characters `^{}\\[~]|€` cost two); longer texts are split into parts of 153 septets, since each
part carries a 6-byte header. Any other text is counted in UTF-16 code units: 70 in one segment,
67 per part. A message with media (MMS) is always one segment.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_TEXT_CHARS = 2048
MAX_TAG_CHARS = 1024
MAX_MEDIA_URL_CHARS = 4096
MAX_RECIPIENTS = 10
MAX_MEDIA_PER_MESSAGE = 10
MAX_MMS_MEDIA_BYTES = 3_500_000  # 3.5 MB per file for MMS (spec §2.5)
MAX_UPLOAD_BYTES = 3_750_000  # 3.75 MB per uploaded file (spec §2.3)
MAX_MEDIA_ID_CHARS = 1024
MAX_V1_BATCH = 50  # v1: more messages than this in one POST is 403 multi-message-limit

GSM7_SINGLE_SEGMENT = 160
GSM7_PER_PART = 153
UCS2_SINGLE_SEGMENT = 70
UCS2_PER_PART = 67

_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


def segment_count(text: str | None, media: Sequence[str] = ()) -> int:
    """How many segments Bandwidth bills for `text` (1 for any MMS, 1 for an empty text)."""
    if media or not text:
        return 1
    septets = 0
    for char in text:
        if char in _GSM7_BASIC:
            septets += 1
        elif char in _GSM7_EXTENSION:
            septets += 2
        else:
            return _parts(len(text.encode("utf-16-le")) // 2, UCS2_SINGLE_SEGMENT, UCS2_PER_PART)
    return _parts(septets, GSM7_SINGLE_SEGMENT, GSM7_PER_PART)


def _parts(units: int, single: int, per_part: int) -> int:
    if units <= single:
        return 1
    return -(-units // per_part)
