"""`ringback call | inbound | timeline | demo`: calls from the terminal, and their timelines.

Exit status of `call`, `inbound` and `demo`: 0 when every call ended normally (disconnect cause
`hangup`, whichever side hung up), 1 otherwise (busy, timeout, rejected, callback-error,
invalid-bxml, ... or still up when `--timeout` ran out), 2 for a usage error (a bad flag or
phone file). The flags are a public contract (DESIGN.md): extend them, never rename them.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click
from rich.console import Console

from ringback.cli_options import (
    EXIT_STATUS_HELP,
    METHODS,
    callback_timeout_option,
    check_address,
    check_url,
    load_phone,
    phone_options,
    run_options,
    shortcuts_of,
    show,
)
from ringback.engine.clock import ClockMode
from ringback.engine.requests import (
    DEFAULT_CALL_TIMEOUT_S,
    Application,
    Callback,
    MachineDetection,
    MachineDetectionMode,
    OutboundCallRequest,
)
from ringback.errors import UnknownApplicationError
from ringback.local_call import follow, local_platform, stored_report
from ringback.store import Store
from ringback.timeline_view import CallReport, from_wire

DEFAULT_APP_NUMBER = "+15551112222"  # the app's number: caller id of `call`, callee of `inbound`
DEFAULT_PERSON_NUMBER = "+15553334444"  # the person at the far end
DEFAULT_APPLICATION_ID = "ringback-cli"
DEFAULT_DB = Path("ringback.sqlite3")
MAX_CALL_TIMEOUT_S = 300.0


# ---- ringback call ---------------------------------------------------------------------------


@click.command("call", epilog=EXIT_STATUS_HELP)
@click.option(
    "--answer-url",
    required=True,
    callback=check_url,
    metavar="URL",
    help="The app's `answer` webhook URL.",
)
@click.option("--answer-method", type=METHODS, default="POST", show_default=True)
@click.option(
    "--disconnect-url", callback=check_url, metavar="URL", help="Where `disconnect` goes."
)
@click.option("--disconnect-method", type=METHODS, default="POST", show_default=True)
@click.option(
    "--to",
    default=DEFAULT_PERSON_NUMBER,
    show_default=True,
    callback=check_address,
    help="The number called (E.164 or sip: URI): the phone script plays it.",
)
@click.option(
    "--from",
    "from_",
    default=DEFAULT_APP_NUMBER,
    show_default=True,
    callback=check_address,
    help="The app's number, shown as caller id.",
)
@click.option("--application-id", default=DEFAULT_APPLICATION_ID, show_default=True)
@click.option(
    "--call-timeout",
    type=click.FloatRange(1, MAX_CALL_TIMEOUT_S),
    default=DEFAULT_CALL_TIMEOUT_S,
    show_default=True,
    metavar="S",
    help="Seconds the phone may ring before the call times out.",
)
@callback_timeout_option
@click.option("--tag", help="The call's tag, sent with every webhook.")
@click.option(
    "--machine-detection",
    type=click.Choice([mode.value for mode in MachineDetectionMode]),
    help="Answering-machine detection before (sync) or alongside (async) `answer`.",
)
@click.option(
    "--machine-detection-url",
    callback=check_url,
    metavar="URL",
    help="Where `machineDetectionComplete` goes (async detection).",
)
@phone_options
@run_options
def call_command(**options: Any) -> None:
    """Place an outbound call to an app and print its timeline.

    Example: ringback call --answer-url http://localhost:5000/answer --phone caller.json
    """
    phone = load_phone(options["phone_file"], shortcuts_of(options))
    detection = None
    if options["machine_detection"] is not None:
        detection = MachineDetection(
            MachineDetectionMode(options["machine_detection"]),
            callback=_callback(options["machine_detection_url"], "POST"),
        )
    request = OutboundCallRequest(
        to=options["to"],
        from_=options["from_"],
        application_id=options["application_id"],
        answer=Callback(options["answer_url"], options["answer_method"].upper()),
        disconnect=_callback(options["disconnect_url"], options["disconnect_method"]),
        call_timeout_s=options["call_timeout"],
        callback_timeout_s=options["callback_timeout"],
        machine_detection=detection,
        tag=options["tag"],
        phone=phone,
    )

    async def run() -> CallReport:
        async with local_platform(options["db"], ClockMode(options["clock"])) as platform:
            return await follow(platform, platform.place_call(request), options["timeout_s"])

    _finish(_run_with_db(run(), options["db"]), options)


# ---- ringback inbound ------------------------------------------------------------------------


@click.command("inbound", epilog=EXIT_STATUS_HELP)
@click.option(
    "--initiate-url", callback=check_url, metavar="URL", help="The app's `initiate` webhook URL."
)
@click.option("--initiate-method", type=METHODS, default="POST", show_default=True)
@click.option(
    "--status-url",
    callback=check_url,
    metavar="URL",
    help="Where `disconnect` and other call status events go.",
)
@click.option("--status-method", type=METHODS, default="POST", show_default=True)
@click.option(
    "--application-id",
    help=f"The application: made from --initiate-url (default id {DEFAULT_APPLICATION_ID}), "
    "or one stored in --db (without either, --to's stored routing picks it).",
)
@click.option(
    "--from",
    "from_",
    default=DEFAULT_PERSON_NUMBER,
    show_default=True,
    help="The caller: the phone script plays it.",
)
@click.option(
    "--to",
    default=DEFAULT_APP_NUMBER,
    show_default=True,
    callback=check_address,
    help="The app's number that is called.",
)
@callback_timeout_option
@phone_options
@run_options
def inbound_command(**options: Any) -> None:
    """A call arriving at an app; the phone script plays the caller.

    Example: ringback inbound --initiate-url http://localhost:5000/answer --press 2
    """
    phone = load_phone(options["phone_file"], shortcuts_of(options))
    app_id = options["application_id"]
    application = None
    if options["initiate_url"] is not None:
        app_id = app_id or DEFAULT_APPLICATION_ID
        application = Application(
            app_id,
            Callback(options["initiate_url"], options["initiate_method"].upper()),
            _callback(options["status_url"], options["status_method"]),
            options["callback_timeout"],
        )
    elif options["db"] is None:
        raise click.UsageError("give --initiate-url, or --db with an application stored in it")

    async def run() -> CallReport:
        async with local_platform(options["db"], ClockMode(options["clock"])) as platform:
            if application is not None:
                platform.put_application(application)
            try:
                call_id = platform.inbound_call(options["from_"], options["to"], app_id, phone)
            except UnknownApplicationError as error:
                raise click.UsageError(f"{error} (in {options['db']})") from None
            return await follow(platform, call_id, options["timeout_s"])

    _finish(_run_with_db(run(), options["db"]), options)


def _callback(url: str | None, method: str) -> Callback | None:
    return None if url is None else Callback(url, method.upper())


def _run_with_db(work: Coroutine[Any, Any, CallReport], db: Path | None) -> CallReport:
    """Run a call; a database that cannot be opened or written is the user's to fix."""
    try:
        return asyncio.run(work)
    except sqlite3.Error as error:
        if db is None:
            raise click.ClickException(f"the temporary database failed: {error}") from None
        raise click.BadParameter(f"{db}: {error}", None, None, "--db") from None


def _finish(report: CallReport, options: dict[str, Any]) -> None:
    show(report, as_json=options["as_json"], bodies=options["bodies"])
    if options["db"] is not None and not options["as_json"]:
        click.echo(f"stored: ringback timeline {report.call_id} --db {options['db']}")
    raise SystemExit(0 if report.ended_normally else 1)


# ---- ringback timeline -----------------------------------------------------------------------


@click.command("timeline")
@click.argument("call_id")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    help="The SQLite file `serve`, `call --db` or `inbound --db` wrote.",
)
@click.option("--server", metavar="URL", help="Ask a running `ringback serve` instead.")
@click.option("--bodies", is_flag=True, help="Show webhook request and response bodies.")
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
def timeline_command(
    call_id: str, db: Path, server: str | None, bodies: bool, as_json: bool
) -> None:
    """Print the timeline of CALL_ID, from a database or a running server."""
    if server is not None:
        report = _fetch_report(server, call_id)
    else:
        if not db.is_file():
            raise click.BadParameter(f"no database at {db}", None, None, "--db")
        try:
            store = Store(db)
            try:
                found = stored_report(store, call_id)
            finally:
                store.close()
        except sqlite3.Error as error:
            raise click.BadParameter(f"{db}: {error}", None, None, "--db") from None
        if found is None:
            raise click.ClickException(f"no call {call_id} in {db}")
        report = found
    show(report, as_json=as_json, bodies=bodies)


TIMELINE_PATH = "/_ringback/calls/{call_id}/timeline"
SERVER_TIMEOUT_S = 10.0


def _fetch_report(server: str, call_id: str) -> CallReport:
    """GET the control API's timeline: `{callId, call, entries}` (or a bare list of entries)."""
    url = server.rstrip("/") + TIMELINE_PATH.format(call_id=quote(call_id, safe=""))
    try:
        with urllib.request.urlopen(url, timeout=SERVER_TIMEOUT_S) as response:
            document = json.loads(response.read())
    except urllib.error.HTTPError as error:
        error.close()  # the error is the response: it holds the connection
        if error.code == 404:
            raise click.ClickException(f"{server} has no call {call_id}") from None
        raise click.ClickException(f"{url} answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise click.ClickException(f"cannot reach {server}: {reason}") from None
    except ValueError:
        raise click.ClickException(f"{url} did not answer JSON") from None
    state: dict[str, Any] = {}
    entries = document
    if isinstance(document, dict):
        state = document.get("call") or {}
        entries = document.get("entries", document.get("timeline", []))
    return CallReport(call_id, state, [from_wire(entry) for entry in entries])


# ---- ringback demo ---------------------------------------------------------------------------


@click.command("demo", epilog="Exit status: 0 when every call ended normally, 1 otherwise.")
@click.option("--bodies", is_flag=True, help="Show webhook request and response bodies.")
def demo_command(bodies: bool) -> None:
    """Run the example IVR app (examples/ivr_app.py) through every branch, in seconds."""
    from ringback.demo import run_demo

    console = Console(highlight=False, soft_wrap=True)
    raise SystemExit(asyncio.run(run_demo(console, bodies=bodies)))
