"""Audio tracks shared by `<StartStream>` and `<StartTranscription>`.

`inbound` is what Bandwidth receives from the call (the far end), `outbound` what it sends to the
call (prompts, tones); `both` is the two, and counts as two of the four concurrent tracks a call
may fork. Each verb family keeps its own count (see the handlers' docstrings).
"""

from __future__ import annotations

from typing import Final, Literal

MAX_CONCURRENT_TRACKS: Final = 4

Track = Literal["inbound", "outbound"]


def track_list(tracks: str) -> list[Track]:
    """The wire `tracks` list of a `tracks` attribute value: `both` is inbound and outbound."""
    if tracks == "both":
        return ["inbound", "outbound"]
    if tracks == "outbound":
        return ["outbound"]
    return ["inbound"]


def track_limit_message(kind: str, in_use: int, wanted: int) -> str:
    """The `errorMessage` of a `track-limit` rejection (Bandwidth documents no text)."""
    return (
        f"Cannot start {kind} with {wanted} track(s): {in_use} of the "
        f"{MAX_CONCURRENT_TRACKS} concurrent tracks allowed on the call are in use"
    )
