"""The end-of-run report of `ringback load`: JSON for CI, text for people, and thresholds (pure).

Response times are the app's: from the moment Ringback sent a webhook to the moment the app's
whole answer was read, per attempt that got an HTTP response. Attempts that got none (timeouts,
refused connections) are not in the times; they are counted under errors. Percentiles come from
`Histogram` and are within `RELATIVE_PRECISION` (0.8 %) above the true value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ringback.load.histogram import RELATIVE_PRECISION, Histogram
from ringback.load.plan import LoadPlan
from ringback.load.tally import ALL_EVENTS, CUT_SHORT, ERROR_CLASSES, FAILED, NOT_PLACED, OK, Tally

PERCENTILES = (("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("p99.9", 99.9))
OUTCOMES = (OK, FAILED, CUT_SHORT, NOT_PLACED)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Limits given on the command line; crossing one makes the exit status 1."""

    max_p99_ms: float | None = None  # the p99 of every webhook answer together
    max_failed: int | None = None  # calls that did not end with a normal hang-up


def times_of(histogram: Histogram) -> dict[str, float | int]:
    """Count, percentiles and maximum of one histogram, in milliseconds."""
    times: dict[str, float | int] = {"count": histogram.total}
    for name, percent in PERCENTILES:
        times[name] = histogram.percentile_ms(percent)
    times["max"] = histogram.max / 1000
    return times


def crossed(tally: Tally, thresholds: Thresholds) -> list[str]:
    """Each threshold the run crossed, in words; empty when all held."""
    found = []
    p99 = tally.histogram(ALL_EVENTS).percentile_ms(99.0)
    if thresholds.max_p99_ms is not None and p99 > thresholds.max_p99_ms:
        found.append(f"p99 {p99:g} ms > --max-p99-ms {thresholds.max_p99_ms:g}")
    if thresholds.max_failed is not None and tally.failed > thresholds.max_failed:
        found.append(f"{tally.failed} calls failed > --max-failed {thresholds.max_failed}")
    return found


def report_json(plan: LoadPlan, tally: Tally, thresholds: Thresholds) -> dict[str, Any]:
    """The report as `--json` prints it (camelCase, milliseconds, seconds)."""
    elapsed = tally.elapsed_s or float("nan")
    events = sorted(name for name in tally.response if name != ALL_EVENTS)
    return {
        "asked": {
            "calls": plan.calls,
            "ratePerS": plan.rate_per_s,
            "concurrency": plan.concurrency,
            "durationS": plan.duration_s,
            "workers": plan.workers,
            "direction": plan.spec.direction,
            "url": plan.spec.url,
        },
        "calls": {"placed": tally.placed, **{o: tally.outcomes[o] for o in OUTCOMES}},
        "causes": dict(tally.causes.most_common()),
        "rate": {"askedPerS": plan.rate_per_s, "achievedPerS": round(tally.rate_achieved, 2)},
        "webhooks": {"count": tally.webhooks, "perS": _rate(tally.webhooks, elapsed)},
        "responseMs": {
            name: times_of(tally.response[name])
            for name in [*events, ALL_EVENTS]
            if name in tally.response
        },
        "precision": RELATIVE_PRECISION,
        "errors": {
            kind: {"count": tally.errors[kind].count, "example": tally.errors[kind].example}
            for kind in ERROR_CLASSES
            if kind in tally.errors
        },
        "elapsedS": round(tally.elapsed_s, 3),
        "cpu": {"seconds": round(tally.cpu_s, 3), "ofOneCore": _rate(tally.cpu_s, elapsed)},
        "thresholdsCrossed": crossed(tally, thresholds),
    }


def report_lines(plan: LoadPlan, tally: Tally, thresholds: Thresholds) -> list[str]:
    """The report as text, one line each."""
    data = report_json(plan, tally, thresholds)
    calls = data["calls"]
    lines = [
        f"calls     {tally.placed:,} placed of {plan.calls:,} asked; "
        + ", ".join(f"{calls[o]:,} {o}" for o in OUTCOMES if calls[o] or o == OK),
        "causes    "
        + (", ".join(f"{cause} {n:,}" for cause, n in data["causes"].items()) or "none"),
        f"rate      {data['rate']['achievedPerS']:.1f} calls/s achieved, "
        f"{plan.rate_per_s:g} asked ({plan.concurrency:,} at once at most, "
        f"{plan.workers} worker{'s' if plan.workers > 1 else ''})",
        f"webhooks  {tally.webhooks:,} in {tally.elapsed_s:.1f} s "
        f"({data['webhooks']['perS']:.1f}/s)",
        "",
        "app response time (ms)      count      p50      p90      p99    p99.9      max",
    ]
    for name, times in data["responseMs"].items():
        lines.append(
            f"  {name:<24} {times['count']:>7,} "
            + " ".join(f"{times[key]:>8.1f}" for key in ("p50", "p90", "p99", "p99.9", "max"))
        )
    if not data["responseMs"]:
        lines.append("  (no webhook was answered)")
    lines += ["", "errors"]
    for kind, entry in data["errors"].items():
        lines.append(f"  {kind:<13} {entry['count']:>7,}  e.g. {entry['example']}")
    if not data["errors"]:
        lines.append("  none")
    lines += [
        "",
        f"Ringback's CPU {tally.cpu_s:.2f} s ({data['cpu']['ofOneCore']:.0%} of one core); "
        f"percentiles within {RELATIVE_PRECISION:.1%} above the true value",
    ]
    lines += [f"THRESHOLD CROSSED: {what}" for what in data["thresholdsCrossed"]]
    return lines


def _rate(count: float, seconds: float) -> float:
    return round(count / seconds, 2) if math.isfinite(seconds) and seconds > 0 else 0.0
