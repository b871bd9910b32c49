"""What a load run counts, in a form that merges across worker processes (pure).

A `Tally` is fed each finished call and each finished webhook delivery; it keeps counts and
histograms only, never a list of samples, so its size does not grow with the number of calls.
Tallies from several workers add up exactly (`merge`); `to_wire`/`from_wire` carry one across a
process boundary as JSON.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ringback.delivery.policy import DeliveryResult
from ringback.load.histogram import Histogram

ALL_EVENTS = "all"  # the histogram of every event type together
HTTP_SERVER_ERROR = 500
HTTP_CLIENT_ERROR = 400

# Outcomes of a call, from its disconnect cause and whether Ringback had to end it.
OK = "ok"  # ended with cause hangup (either side hung up)
FAILED = "failed"  # any other cause: callback-error, invalid-bxml, timeout, busy, ...
CUT_SHORT = "cut-short"  # still up at the per-call time limit: Ringback hung it up
NOT_PLACED = "not-placed"  # the platform refused to place it (e.g. its pacing queue was full)

# Error classes, in the order the report lists them.
ERROR_CLASSES = ("timeout", "refused", "5xx", "4xx", "invalid-bxml", "connection", "other")


def error_class(status: int | None, error: str | None, note: str | None) -> str | None:
    """The class of a failed webhook attempt, or None for one that was answered 2xx/401."""
    if error == "timeout":
        return "timeout"
    if error == "connect-error":
        return "refused" if note and "refused" in note else "connection"
    if error is not None:
        return "other"
    if status is None:
        return "other"
    if status >= HTTP_SERVER_ERROR:
        return "5xx"
    if status >= HTTP_CLIENT_ERROR:
        return "4xx"
    return None


@dataclass(slots=True)
class ErrorCount:
    """How often one class of error happened, and the first example seen."""

    count: int = 0
    example: str = ""


@dataclass(slots=True)
class Tally:
    """Calls and webhooks of a run (or of one worker's share of it)."""

    placed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    causes: Counter[str] = field(default_factory=Counter)
    webhooks: int = 0
    response: dict[str, Histogram] = field(default_factory=dict)  # per event type, and "all"
    errors: dict[str, ErrorCount] = field(default_factory=dict)
    cpu_s: float = 0.0  # Ringback's own CPU time: user + system, every worker's process
    elapsed_s: float = 0.0  # wall time from the first call placed to the last one done
    placing_s: float = 0.0  # wall time from the first call placed to the last one placed

    @property
    def rate_achieved(self) -> float:
        """Calls placed a second while placing (0 when fewer than two were placed)."""
        if self.placed < 2 or self.placing_s <= 0:
            return 0.0
        return (self.placed - 1) / self.placing_s

    @property
    def done(self) -> int:
        """Calls that are over, however they ended."""
        return sum(self.outcomes.values())

    @property
    def failed(self) -> int:
        """Calls that did not end with a normal hang-up (failed, cut short or not placed)."""
        return self.done - self.outcomes[OK]

    def histogram(self, event_type: str) -> Histogram:
        """The response-time histogram of one event type (made on first use)."""
        found = self.response.get(event_type)
        if found is None:
            found = self.response[event_type] = Histogram()
        return found

    def add_delivery(self, result: DeliveryResult) -> None:
        """Count a finished webhook delivery: each answered attempt's time, and the delivery
        once under the class of its last failed attempt, if any (a retry is not a new error)."""
        self.webhooks += 1
        failure: tuple[str, str] | None = None
        for attempt in result.attempts:
            if attempt.status is not None:
                self.histogram(attempt.event_type).record_ms(attempt.duration_ms)
                self.histogram(ALL_EVENTS).record_ms(attempt.duration_ms)
            kind = error_class(attempt.status, attempt.error, attempt.note)
            if kind is not None:
                what = f"HTTP {attempt.status}" if attempt.error is None else attempt.note
                failure = kind, f"{attempt.event_type} → {attempt.url}: {what}"
        if failure is not None:
            self.add_error(*failure)

    def add_call(self, outcome: str, cause: str, error_message: str | None = None) -> None:
        """Count a finished call; an invalid-BXML ending is an error class of its own."""
        self.outcomes[outcome] += 1
        self.causes[cause] += 1
        if cause == "invalid-bxml":
            self.add_error("invalid-bxml", error_message or "invalid BXML")

    def add_error(self, kind: str, example: str) -> None:
        """Count one error of a class, keeping the first example."""
        entry = self.errors.setdefault(kind, ErrorCount())
        entry.count += 1
        if not entry.example:
            entry.example = example

    def merge(self, other: Tally) -> None:
        """Add another worker's tally to this one; elapsed is the longest, CPU the sum."""
        self.placed += other.placed
        self.outcomes.update(other.outcomes)
        self.causes.update(other.causes)
        self.webhooks += other.webhooks
        for event_type, histogram in other.response.items():
            self.histogram(event_type).merge(histogram)
        for kind, entry in other.errors.items():
            mine = self.errors.setdefault(kind, ErrorCount())
            mine.count += entry.count
            mine.example = mine.example or entry.example
        self.cpu_s += other.cpu_s
        self.elapsed_s = max(self.elapsed_s, other.elapsed_s)
        self.placing_s = max(self.placing_s, other.placing_s)

    def to_wire(self) -> dict[str, Any]:
        """A JSON-ready form that `from_wire` reads back exactly."""
        return {
            "placed": self.placed,
            "outcomes": dict(self.outcomes),
            "causes": dict(self.causes),
            "webhooks": self.webhooks,
            "response": {name: h.to_wire() for name, h in self.response.items()},
            "errors": {k: {"count": e.count, "example": e.example} for k, e in self.errors.items()},
            "cpuS": self.cpu_s,
            "elapsedS": self.elapsed_s,
            "placingS": self.placing_s,
        }

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Tally:
        """The tally `to_wire` wrote (a worker's, read by the parent process)."""
        return cls(
            placed=int(data["placed"]),
            outcomes=Counter({str(k): int(v) for k, v in data["outcomes"].items()}),
            causes=Counter({str(k): int(v) for k, v in data["causes"].items()}),
            webhooks=int(data["webhooks"]),
            response={k: Histogram.from_wire(v) for k, v in data["response"].items()},
            errors={
                str(k): ErrorCount(int(v["count"]), str(v["example"]))
                for k, v in data["errors"].items()
            },
            cpu_s=float(data["cpuS"]),
            elapsed_s=float(data["elapsedS"]),
            placing_s=float(data["placingS"]),
        )
