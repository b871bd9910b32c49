"""How a platform is set up: `PlatformConfig`, the options of `ringback serve`."""

from __future__ import annotations

from dataclasses import dataclass, field

from ringback.engine.clock import ClockMode
from ringback.engine.core import DEFAULT_ACCOUNT_ID
from ringback.engine.pacing import (
    DEFAULT_CALLS_PER_SECOND,
    DEFAULT_MAX_CONCURRENT_CALLS,
    CallLimits,
)
from ringback.media.sources import AudioSources
from ringback.runtime.retention import DEFAULT_ENDED_CALLS_KEPT


@dataclass(frozen=True, slots=True)
class PlatformConfig:
    """How the emulated platform is set up (the `ringback serve` options)."""

    account_id: str = DEFAULT_ACCOUNT_ID
    username: str = "ringback"
    password: str = "ringback"
    base_url: str = "http://127.0.0.1:8080"
    clock: ClockMode = ClockMode.VIRTUAL
    idle_s: float = 0.0  # virtual clock: real seconds of quiet before time may jump
    webhook_auth: str = "challenge"  # or "preemptive" (spec §3.4)
    seed: str = "ringback"
    start_time: float | None = None  # where the virtual clock starts; None: now
    # The account's outbound limits (ringback.engine.pacing); 0: no limit.
    calls_per_second: float = DEFAULT_CALLS_PER_SECOND
    max_concurrent_calls: int = DEFAULT_MAX_CONCURRENT_CALLS
    max_call_queue_size: int | None = None  # None: calls_per_second × 300
    ended_calls_kept: int = DEFAULT_ENDED_CALLS_KEPT  # in memory; older ones only in the store
    # serve --open-control-api: beyond loopback too, the control API asks for no credentials.
    open_control_api: bool = False
    # <PlayAudio> URLs served from local files, and what unreachable audio becomes.
    audio_sources: AudioSources = field(default_factory=AudioSources)

    @property
    def call_limits(self) -> CallLimits:
        """The limits the engine's outbound queue starts with."""
        return CallLimits(
            self.calls_per_second, self.max_concurrent_calls, self.max_call_queue_size
        )
