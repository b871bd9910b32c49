"""`ringback load`: many calls on the real clock against an app, and a report of how it held up.

Exit status: 0 when no threshold given on the command line was crossed, 1 when one was
(`--max-p99-ms`, `--max-failed`), 2 for a usage error. The flags are a public contract:
extend them, never rename them.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import click

from ringback.cli.calls import DEFAULT_APP_NUMBER, DEFAULT_PERSON_NUMBER
from ringback.cli.options import (
    METHODS,
    callback_timeout_option,
    check_address,
    check_url,
    load_phone,
    pacing_options,
    phone_options,
    shortcuts_of,
)
from ringback.load.plan import DEFAULT_CALL_LIMIT_S, CallSpec, LoadPlan
from ringback.load.report import Thresholds, crossed, report_json, report_lines
from ringback.load.runner import Progress
from ringback.load.workers import default_workers, run_load, run_loop
from ringback.phones.script import script_to_wire

MAX_CALLS = 10_000_000
QUIET_PROGRESS_EVERY_S = 10.0  # progress lines when stderr is not a terminal
EXIT_HELP = (
    "Exit status: 0 when no threshold given was crossed; 1 when --max-p99-ms or --max-failed "
    "was; 2 for a usage error."
)


def _address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return None if value is None else check_address(ctx, param, value)


@click.command("load", epilog=EXIT_HELP)
@click.option("--answer-url", callback=check_url, metavar="URL", help="Outbound calls: `answer`.")
@click.option("--answer-method", type=METHODS, default="POST", show_default=True)
@click.option("--disconnect-url", callback=check_url, metavar="URL", help="Outbound: `disconnect`.")
@click.option("--disconnect-method", type=METHODS, default="POST", show_default=True)
@click.option(
    "--initiate-url",
    callback=check_url,
    metavar="URL",
    help="Inbound calls to an application: its `initiate` URL (instead of --answer-url).",
)
@click.option("--initiate-method", type=METHODS, default="POST", show_default=True)
@click.option("--status-url", callback=check_url, metavar="URL", help="Inbound: `disconnect`.")
@click.option("--status-method", type=METHODS, default="POST", show_default=True)
@click.option("--to", callback=_address, help="The number called (default by direction).")
@click.option("--from", "from_", callback=_address, help="The caller (default by direction).")
@click.option(
    "--calls", type=click.IntRange(1, MAX_CALLS), required=True, metavar="N", help="Calls."
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="R",
    help="New calls a second.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    metavar="C",
    help="Calls up at once, at most (a new call waits for one to end).",
)
@click.option(
    "--duration",
    type=click.FloatRange(min=0, min_open=True),
    metavar="S",
    help="Place no call after S seconds (the calls up then finish).",
)
@click.option(
    "--call-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_CALL_LIMIT_S,
    show_default=True,
    metavar="S",
    help="Real seconds a call may last; then Ringback hangs it up (counted as cut-short).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    metavar="W",
    help="Worker processes sharing the calls (default: one per core).",
)
@pacing_options(0.0, 0, note="; off by default: --rate paces the load; split over workers")
@callback_timeout_option
@phone_options
@click.option("--max-p99-ms", type=click.FloatRange(min=0), metavar="MS", help="Threshold.")
@click.option("--max-failed", type=click.IntRange(min=0), metavar="N", help="Threshold.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def load_command(**options: Any) -> None:
    """Place many calls on the real clock against an app and report how it held up.

    Example: ringback load --answer-url http://localhost:5000/answer --calls 500 --rate 50
    --concurrency 200
    """
    inbound = options["initiate_url"] is not None
    if inbound == (options["answer_url"] is not None):
        raise click.UsageError("give either --answer-url (outbound) or --initiate-url (inbound)")
    phone = load_phone(options["phone_file"], shortcuts_of(options))
    app_number, person = DEFAULT_APP_NUMBER, DEFAULT_PERSON_NUMBER
    spec = CallSpec(
        direction="inbound" if inbound else "outbound",
        url=options["initiate_url" if inbound else "answer_url"],
        method=options["initiate_method" if inbound else "answer_method"].upper(),
        status_url=options["status_url" if inbound else "disconnect_url"],
        status_method=options["status_method" if inbound else "disconnect_method"].upper(),
        to=options["to"] or (app_number if inbound else person),
        from_=options["from_"] or (person if inbound else app_number),
        phone=script_to_wire(phone) if phone is not None else None,
        callback_timeout_s=options["callback_timeout"],
    )
    plan = LoadPlan(
        spec,
        calls=options["calls"],
        rate_per_s=options["rate"],
        concurrency=options["concurrency"],
        duration_s=options["duration"],
        call_limit_s=options["call_limit"],
        workers=options["workers"] or default_workers(),
        calls_per_second=options["calls_per_second"],
        max_concurrent_calls=options["max_concurrent_calls"],
        max_call_queue_size=options["max_call_queue_size"],
    )
    thresholds = Thresholds(options["max_p99_ms"], options["max_failed"])
    tally = run_loop(run_load(plan, ProgressLine(plan)))
    sys.stderr.write("\n" if sys.stderr.isatty() else "")
    if options["as_json"]:
        click.echo(json.dumps(report_json(plan, tally, thresholds), indent=2))
    else:
        click.echo("\n".join(report_lines(plan, tally, thresholds)))
    raise SystemExit(1 if crossed(tally, thresholds) else 0)


class ProgressLine:
    """The live line on stderr: rewritten each second on a terminal, every 10 s otherwise."""

    def __init__(self, plan: LoadPlan) -> None:
        self.plan = plan
        self.terminal = sys.stderr.isatty()
        self.printed_at = 0.0

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if not self.terminal and now - self.printed_at < QUIET_PROGRESS_EVERY_S:
            return
        self.printed_at = now
        line = (
            f"{progress.elapsed_s:6.1f} s  placed {progress.placed:,}/{self.plan.calls:,}  "
            f"up {progress.up:,}  done {progress.done:,}  failed {progress.failed:,}  "
            f"webhooks/s {progress.webhooks:,}  app p99 {progress.p99_ms:.1f} ms"
        )
        sys.stderr.write(f"\r{line}\033[K" if self.terminal else f"{line}\n")
        sys.stderr.flush()
