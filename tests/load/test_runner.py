"""`LoadRunner` against a loopback app: injected delays as percentiles, failures by class."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from aiohttp import web

from ringback.delivery.policy import DeliveryResult
from ringback.load.histogram import RELATIVE_PRECISION
from ringback.load.plan import CallSpec, LoadPlan
from ringback.load.report import Thresholds, crossed, report_json, report_lines
from ringback.load.runner import LoadRunner, Progress
from ringback.load.tally import Tally
from ringback.load.workers import run_load

from .conftest import SlowApp

QUICK_PHONE = {"answer": "human", "answerAfter": 0, "steps": []}


def plan(url: str, calls: int, **options: object) -> LoadPlan:
    spec = CallSpec("outbound", f"{url}/answer", status_url=f"{url}/disconnect", phone=QUICK_PHONE)
    settings: dict[str, object] = {"rate_per_s": 200.0, "concurrency": 50, "call_limit_s": 10.0}
    settings.update(options)
    return LoadPlan(spec, calls, **settings)  # type: ignore[arg-type]


def assert_at_least(measured_ms: float, injected_s: float) -> None:
    """An answer delayed `injected_s` is never measured shorter (asyncio may wake a timer up
    to a ms early). There is no upper bound: how much longer depends on the machine's load."""
    assert injected_s * 1000 - 1 <= measured_ms


def nearest_rank(samples: list[float], percent: float) -> float:
    """The exact nearest-rank percentile of the samples (what the histogram approximates)."""
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]


class SampledRunner(LoadRunner):
    """A LoadRunner that also keeps every answered attempt's measured time, exactly."""

    def __init__(self, load_plan: LoadPlan, on_progress: Callable[[Progress], None]) -> None:
        super().__init__(load_plan, on_progress)
        self.samples_ms: dict[str, list[float]] = {}

    def _delivered(self, result: DeliveryResult) -> None:
        for attempt in result.attempts:
            if attempt.status is not None:
                self.samples_ms.setdefault(attempt.event_type, []).append(attempt.duration_ms)
        super()._delivered(result)


async def test_percentiles_match_injected_delays(slow_app: SlowApp) -> None:
    """One answer in five takes 200 ms, the rest 40 ms: the percentiles are the measured
    times' own (within the histogram's precision); p50 is a 40 ms answer, p90 and up 200 ms.

    Compared with the exact samples rather than with the injected delays plus an allowance:
    how long a loopback answer takes beyond its delay depends on the machine's load.
    """
    slow_app.delays["/answer"] = lambda n: 0.2 if n % 5 == 0 else 0.04
    seen: list[Progress] = []
    runner = SampledRunner(plan(slow_app.url, 50), seen.append)
    tally = await runner.run()
    assert tally.placed == 50
    assert tally.outcomes == {"ok": 50}
    assert tally.causes == {"hangup": 50}
    answer = tally.response["answer"]
    assert answer.total == 50
    samples = runner.samples_ms["answer"]
    assert len(samples) == 50
    for percent in (50, 90, 99.9, 100):
        exact = nearest_rank(samples, percent)
        # Kept to the microsecond (±0.5 µs), read up to its bucket's relative width above.
        assert exact - 0.001 <= answer.percentile_ms(percent)
        assert answer.percentile_ms(percent) <= exact * (1 + RELATIVE_PRECISION) + 0.001
    assert answer.max / 1000 == pytest.approx(max(samples), abs=0.001)
    # 10 of the 50 answers were delayed 200 ms: p90 (the 45th) and up are among them.
    assert_at_least(answer.percentile_ms(90), 0.2)
    assert_at_least(answer.percentile_ms(50), 0.04)
    assert max(samples) <= tally.elapsed_s * 1000  # no answer outlasts the whole run
    assert tally.response["disconnect"].total == 50
    assert tally.webhooks == 100
    assert tally.errors == {}
    assert seen, "progress was reported"
    assert seen[-1].done == 50
    assert seen[-1].up == 0
    assert tally.cpu_s > 0


async def test_failures_counted_by_class(slow_app: SlowApp) -> None:
    """500s, invalid BXML and timeouts are each counted, with an example."""

    def reply(n: int) -> web.Response:
        if n % 3 == 0:
            return web.Response(status=503, text="down")
        if n % 3 == 1:
            return web.Response(text="<Response><Bogus/></Response>", content_type="text/xml")
        return web.Response(text="<Response><Hangup/></Response>", content_type="text/xml")

    slow_app.replies["/answer"] = reply
    slow_app.delays["/answer"] = lambda n: 1.5 if n % 3 == 2 and n < 6 else 0.0
    calls = LoadPlan(
        CallSpec(
            "outbound",
            f"{slow_app.url}/answer",
            status_url=f"{slow_app.url}/disconnect",
            phone=QUICK_PHONE,
            callback_timeout_s=1.0,
        ),
        9,
        rate_per_s=100.0,
        concurrency=9,
        call_limit_s=10.0,
    )
    tally = await LoadRunner(calls).run()
    assert tally.errors["5xx"].count == 3
    assert "HTTP 503" in tally.errors["5xx"].example
    assert tally.errors["invalid-bxml"].count == 3
    assert "Bogus" in tally.errors["invalid-bxml"].example
    assert tally.errors["timeout"].count == 2
    assert "answer" in tally.errors["timeout"].example
    assert tally.outcomes == {"failed": 8, "ok": 1}
    assert tally.causes["callback-error"] == 5
    assert tally.causes["invalid-bxml"] == 3
    failing = crossed(tally, Thresholds(max_failed=7))
    assert failing == ["8 calls failed > --max-failed 7"]
    assert crossed(tally, Thresholds(max_failed=8)) == []


async def test_refused_connections_counted(closed_url: str) -> None:
    """An app that is not listening: every call fails and the class is `refused`."""
    tally = await LoadRunner(plan(closed_url, 3)).run()
    assert tally.errors["refused"].count == 6  # answer and disconnect of each call
    assert "connection refused" in tally.errors["refused"].example
    assert tally.outcomes == {"failed": 3}
    assert tally.response == {}


async def test_duration_bounds_the_run(slow_app: SlowApp) -> None:
    """No call is placed after --duration; the report says how many were."""
    tally = await LoadRunner(plan(slow_app.url, 1000, rate_per_s=20.0, duration_s=0.3)).run()
    assert 1 <= tally.placed <= 8
    assert tally.done == tally.placed


async def test_cut_short_at_the_call_limit(slow_app: SlowApp) -> None:
    """A call the app keeps up is hung up by Ringback at the call limit, counted as cut short."""
    slow_app.replies["/answer"] = lambda n: web.Response(
        text='<Response><Pause duration="30"/></Response>', content_type="text/xml"
    )
    tally = await LoadRunner(plan(slow_app.url, 2, call_limit_s=0.3)).run()
    assert tally.outcomes == {"cut-short": 2}


def test_report_merges_and_renders() -> None:
    """Two workers' tallies merge through their wire form into one report."""
    one, two = Tally(), Tally()
    one.placed, two.placed = 3, 4
    one.add_call("ok", "hangup")
    two.add_call("failed", "invalid-bxml", "line 1: <Bogus> is not a verb")
    one.histogram("answer").record_ms(10.0)
    two.histogram("answer").record_ms(30.0)
    one.histogram("all").record_ms(10.0)
    two.histogram("all").record_ms(30.0)
    one.elapsed_s, two.elapsed_s = 2.0, 3.0
    merged = Tally()
    for part in (one, two):
        merged.merge(Tally.from_wire(part.to_wire()))
    data = report_json(plan("http://127.0.0.1:1", 7, workers=2), merged, Thresholds(1.0, 0))
    assert data["calls"]["placed"] == 7
    assert data["responseMs"]["answer"]["max"] == 30.0
    assert data["errors"]["invalid-bxml"]["example"] == "line 1: <Bogus> is not a verb"
    assert data["elapsedS"] == 3.0
    assert len(data["thresholdsCrossed"]) == 2
    text = "\n".join(report_lines(plan("http://127.0.0.1:1", 7), merged, Thresholds()))
    assert "invalid-bxml" in text
    assert "answer" in text


async def test_workers_merge_their_tallies(slow_app: SlowApp) -> None:
    """Two worker processes share the calls; the merged tally counts every one of them."""
    slow_app.delays["/answer"] = lambda n: 0.03
    seen: list[Progress] = []
    tally = await run_load(plan(slow_app.url, 20, workers=2), seen.append)
    assert tally.placed == 20
    assert tally.outcomes == {"ok": 20}
    assert tally.response["answer"].total == 20
    assert_at_least(tally.response["answer"].percentile_ms(50), 0.03)
    assert seen[-1].done == 20


async def test_account_limits_apply(slow_app: SlowApp) -> None:
    """With one line and a queue of one, the calls beyond are not placed (429), and counted."""
    slow_app.replies["/answer"] = lambda n: web.Response(
        text='<Response><Pause duration="0.3"/><Hangup/></Response>', content_type="text/xml"
    )
    tally = await LoadRunner(
        plan(slow_app.url, 5, rate_per_s=1000.0, max_concurrent_calls=1, max_call_queue_size=1)
    ).run()
    assert tally.outcomes["not-placed"] == 3
    assert tally.causes["call-queue-full"] == 3
    assert tally.outcomes["ok"] == 2
    assert tally.placed == 2
