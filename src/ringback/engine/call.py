"""A call's state inside the engine: identity, times, the BXML it runs, and what runs in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ringback.engine.media import MediaLog, Segment
from ringback.engine.requests import Callback

if TYPE_CHECKING:
    from ringback.engine.farend import FarEnd
    from ringback.engine.observer import CallObserver
    from ringback.engine.verbs.base import Feature, VerbRun


class CallStatus(StrEnum):
    """The call's `state` as the REST API reports it (spec §5.4)."""

    QUEUED = "queued"
    INITIATED = "initiated"
    ANSWERED = "answered"
    DISCONNECTED = "disconnected"


class Direction(StrEnum):
    """A call's direction never changes."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


@dataclass(slots=True)
class Program:
    """A BXML document being executed: its verbs, the next one to run, and its base URL."""

    verbs: tuple[Any, ...]
    base_url: str
    context: str = "call"
    index: int = 0


@dataclass(eq=False, slots=True)
class Call:
    """One call leg. Mutable: the engine is the only writer."""

    call_id: str
    account_id: str
    application_id: str
    direction: Direction
    from_: str
    to: str
    call_url: str
    callback_timeout_s: float
    base_url: str
    disconnect: Callback | None = None
    state: CallStatus = CallStatus.QUEUED
    enqueued_time: float | None = None
    start_time: float | None = None
    answer_time: float | None = None
    end_time: float | None = None
    last_update: float | None = None
    tag: str | None = None
    cause: str | None = None
    error_message: str | None = None
    error_id: str | None = None
    sip_response_code: int | None = None
    # Set on the B-leg of a <Transfer> (spec §1.3).
    parent_call_id: str | None = None
    transfer_caller_id: str | None = None
    transfer_to: str | None = None
    program: Program | None = None
    run: VerbRun | None = None
    waiting: int | None = None  # the sync webhook whose BXML the call waits for
    advancing: bool = False
    far_end: FarEnd | None = None
    media: MediaLog = field(default_factory=MediaLog)
    timers: set[int] = field(default_factory=set)
    features: dict[str, Feature] = field(default_factory=dict)
    # What the platform is doing now, for the far end's `waitFor` (gather, record, speak).
    activities: set[str] = field(default_factory=set)
    # Words of prompts that ended, with their end time, for `waitFor: {"heard": ...}`.
    heard: list[tuple[float, str]] = field(default_factory=list)
    # Audio media streams' apps played into the call (`playAudio`), for `waitFor: "played"`.
    played: list[Segment] = field(default_factory=list)
    # Called once when the call ends (transfers, bridges and conferences hook in here).
    end_hooks: list[Callable[[Call], None]] = field(default_factory=list)
    # Called once, instead of the implicit <Hangup>, when the call's BXML runs out (a <Transfer>
    # B-leg is bridged to its A-leg once its transferAnswer BXML is done).
    on_bxml_end: Callable[[], None] | None = None
    # A v1 call stays up, idle, when the verbs it was asked to run are done (it is steered by
    # REST commands, not by BXML), and reports what happens on it through its observer.
    idle_at_end: bool = False
    observer: CallObserver | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        """Whether the call has been disconnected."""
        return self.state is CallStatus.DISCONNECTED

    @property
    def answered(self) -> bool:
        """Whether the call is up (answered and not yet ended)."""
        return self.state is CallStatus.ANSWERED
