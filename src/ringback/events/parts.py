"""Nested objects carried inside events (spec §2.3).

`Diversion` is the odd one: its keys come from a SIP Diversion header and vary, and the spec
says unknown keys must be kept. A msgspec Struct cannot hold keys it does not declare, so
`Diversion` is a small plain class that msgspec handles through `dec_hook`/`enc_hook` below;
every other nested object is a Struct that rejects unknown keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final, Literal

from msgspec import Meta

from ringback.events.base import WireModel
from ringback.events.formats import Duration, Timestamp

MachineDetectionValue = Literal[
    "human", "answering-machine", "tone-detected", "silence", "timeout", "error"
]
TranscriptionStatus = Literal[
    "none",
    "processing",
    "available",
    "error",
    "timeout",
    "file-size-too-big",
    "file-size-too-small",
]
Track = Literal["inbound", "outbound"]
Tracks = Annotated[list[Track], Meta(min_length=1)]


class MachineDetectionResult(WireModel, kw_only=True, frozen=True):
    """The answering-machine detection outcome and how long deciding took."""

    value: MachineDetectionValue
    duration: Duration


class StirShaken(WireModel, kw_only=True, frozen=True):
    """STIR/SHAKEN verification of an inbound call's caller id."""

    verstat: str | None = None
    attestation_indicator: Literal["A", "B", "C"] | None = None
    originating_id: str | None = None


class Transcription(WireModel, kw_only=True, frozen=True):
    """A recording's transcription as the docs show it on `transcriptionAvailable`."""

    id: str
    status: TranscriptionStatus
    url: str | None = None
    completed_time: Timestamp | None = None


class MediaStream(WireModel, kw_only=True, frozen=True):
    """A `<StartStream>` audio fork; `duration` only once it has stopped."""

    id: str
    name: str
    destination: str
    tracks: Tracks
    start_time: Timestamp
    type: str  # "WebSocket"; no default, since a default would be left out of the wire form
    duration: Duration | None = None


class RealTimeTranscription(WireModel, kw_only=True, frozen=True):
    """A `<StartTranscription>` session; later events add duration, status, url, completedTime."""

    id: str
    name: str
    start_time: Timestamp
    tracks: Tracks
    destination: str | None = None
    stabilized: bool | None = None
    duration: Duration | None = None
    status: Literal["available", "failed"] | None = None
    url: str | None = None
    completed_time: Timestamp | None = None


class NestedFieldError(ValueError):
    """A bad key inside a hand-decoded nested object; msgspec chains it as the cause."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.message = message
        self.key = key


class Diversion:
    """The most recent SIP Diversion header of an inbound call; unknown keys are kept in `extra`."""

    __slots__ = ("counter", "extra", "limit", "orig_to", "privacy", "reason", "screen")

    KNOWN: Final = ("origTo", "reason", "screen", "privacy", "counter", "limit")

    orig_to: str
    reason: str | None
    screen: str | None
    privacy: str | None
    counter: str | None
    limit: str | None
    extra: Mapping[str, str]

    def __init__(
        self,
        *,
        orig_to: str,
        reason: str | None = None,
        screen: str | None = None,
        privacy: str | None = None,
        counter: str | None = None,
        limit: str | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        clash = sorted(set(extra or ()) & set(self.KNOWN))
        if clash:
            raise NestedFieldError("is a known key: pass it by name, not in extra", clash[0])
        object.__setattr__(self, "orig_to", orig_to)
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "screen", screen)
        object.__setattr__(self, "privacy", privacy)
        object.__setattr__(self, "counter", counter)
        object.__setattr__(self, "limit", limit)
        object.__setattr__(self, "extra", dict(extra or {}))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Diversion is immutable; cannot set {name!r}")

    def _known(self) -> tuple[str | None, ...]:
        return (self.orig_to, self.reason, self.screen, self.privacy, self.counter, self.limit)

    def to_wire(self) -> dict[str, str]:
        """The JSON object: known keys first, then the kept unknown ones."""
        wire = {
            key: value
            for key, value in zip(self.KNOWN, self._known(), strict=True)
            if value is not None
        }
        wire.update(self.extra)
        return wire

    @classmethod
    def from_wire(cls, obj: object) -> Diversion:
        """Build from a JSON object whose values are all strings; `origTo` is required."""
        if not isinstance(obj, Mapping):
            raise TypeError(f"Expected `object`, got `{type(obj).__name__}`")
        for key, value in obj.items():
            if not isinstance(value, str):
                raise NestedFieldError(f"expected a string, got {type(value).__name__}", key)
        if "origTo" not in obj:
            raise NestedFieldError("missing required field", "origTo")
        extra = {key: value for key, value in obj.items() if key not in cls.KNOWN}
        return cls(
            orig_to=obj["origTo"],
            reason=obj.get("reason"),
            screen=obj.get("screen"),
            privacy=obj.get("privacy"),
            counter=obj.get("counter"),
            limit=obj.get("limit"),
            extra=extra,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Diversion):
            return NotImplemented
        return self._known() == other._known() and self.extra == other.extra

    def __hash__(self) -> int:
        return hash((self._known(), tuple(sorted(self.extra.items()))))

    def __repr__(self) -> str:
        return f"Diversion({self.to_wire()!r})"


def dec_hook(kind: type, obj: Any) -> Any:
    """msgspec decode hook for the hand-decoded nested objects."""
    if kind is Diversion:
        return Diversion.from_wire(obj)
    raise NotImplementedError(f"no decoder for {kind!r}")


def enc_hook(obj: Any) -> Any:
    """msgspec encode hook for the hand-decoded nested objects."""
    if isinstance(obj, Diversion):
        return obj.to_wire()
    raise NotImplementedError(f"cannot encode {type(obj).__name__}")
