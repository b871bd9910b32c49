"""What a load run is asked to do, and its share for each worker process (pure)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from ringback.delivery.policy import DEFAULT_CALLBACK_TIMEOUT_S

Direction = Literal["outbound", "inbound"]
DEFAULT_CALL_LIMIT_S = 60.0  # real seconds a call may last before Ringback hangs it up


@dataclass(frozen=True, slots=True)
class CallSpec:
    """Every call of a run: outbound to `answer_url`, or inbound to an app at `url`."""

    direction: Direction
    url: str  # answer URL (outbound) or initiate URL (inbound)
    method: str = "POST"
    status_url: str | None = None  # disconnect URL (outbound) or status URL (inbound)
    status_method: str = "POST"
    to: str = "+15553334444"
    from_: str = "+15551112222"
    phone: Mapping[str, Any] | None = None  # the far end's script, in its JSON form
    callback_timeout_s: float = DEFAULT_CALLBACK_TIMEOUT_S


@dataclass(frozen=True, slots=True)
class LoadPlan:
    """How many calls, how fast, how many at once, for how long."""

    spec: CallSpec
    calls: int
    rate_per_s: float  # new calls a second
    concurrency: int  # calls up at once, at most
    duration_s: float | None = None  # no call is placed after this many seconds
    call_limit_s: float = DEFAULT_CALL_LIMIT_S
    workers: int = 1
    worker_index: int = 0
    # The account's outbound limits in the platform (PlatformConfig's, as `serve` takes them);
    # 0 lifts a limit: the load generator paces calls itself by default.
    calls_per_second: float = 0.0
    max_concurrent_calls: int = 0
    max_call_queue_size: int | None = None

    def __post_init__(self) -> None:
        if self.calls < 1 or self.concurrency < 1 or self.workers < 1:
            raise ValueError("calls, concurrency and workers must be at least 1")
        if not self.rate_per_s > 0:
            raise ValueError(f"the rate must be above 0 calls/s, not {self.rate_per_s}")

    @property
    def time_bound_s(self) -> float:
        """The longest the run can take: placing, then the last call's limit and hang-up."""
        placing = self.calls / self.rate_per_s
        if self.duration_s is not None:
            placing = min(placing, self.duration_s)
        return placing + self.call_limit_s + 10.0

    def shares(self) -> list[LoadPlan]:
        """One plan per worker: calls and rate split evenly, concurrency rounded up."""
        count = min(self.workers, self.calls)
        base, extra = divmod(self.calls, count)
        return [
            replace(
                self,
                calls=base + (1 if index < extra else 0),
                rate_per_s=self.rate_per_s * (base + (1 if index < extra else 0)) / self.calls,
                concurrency=max(1, math.ceil(self.concurrency / count)),
                calls_per_second=self.calls_per_second / count,
                max_concurrent_calls=math.ceil(self.max_concurrent_calls / count),
                max_call_queue_size=(
                    None
                    if self.max_call_queue_size is None
                    else max(1, math.ceil(self.max_call_queue_size / count))
                ),
                workers=count,
                worker_index=index,
            )
            for index in range(count)
        ]

    def to_wire(self) -> dict[str, Any]:
        """JSON for a worker process."""
        data = asdict(self)
        data["spec"] = dict(data["spec"], phone=self.spec.phone)
        return data

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> LoadPlan:
        """The plan `to_wire` wrote."""
        return cls(**{**data, "spec": CallSpec(**data["spec"])})
