"""`ringback call | inbound`: calls from the terminal, printed as timelines.

Exit status of `call`, `inbound` and `demo`: 0 when every call ended normally (disconnect cause
`hangup`, whichever side hung up), 1 otherwise (busy, timeout, rejected, callback-error,
invalid-bxml, ... or still up when `--timeout` ran out), 2 for a usage error (a bad flag or
phone file). The flags are a public contract: extend them, never rename them.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import Coroutine, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from typing import Any

import click

from ringback.cli import calls_v1
from ringback.cli.log import call_progress, log_options, print_log
from ringback.cli.options import (
    EXIT_STATUS_HELP,
    METHODS,
    audio_options,
    audio_sources_of,
    callback_timeout_option,
    check_address,
    check_url,
    load_phone,
    phone_options,
    run_options,
    shortcuts_of,
    show,
)
from ringback.cli.timeline_view import webhook_warnings
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
from ringback.hosting.local_call import CallReport, follow, local_platform
from ringback.runtime import Platform

DEFAULT_APP_NUMBER = "+15551112222"  # the app's number: caller id of `call`, callee of `inbound`
DEFAULT_PERSON_NUMBER = "+15553334444"  # the person at the far end
DEFAULT_APPLICATION_ID = "ringback-cli"
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
@calls_v1.api_option
@phone_options
@audio_options
@run_options
@log_options("quiet")
def call_command(**options: Any) -> None:
    """Place an outbound call to an app and print its timeline.

    Example: ringback call --answer-url http://localhost:5000/answer --phone caller.json
    """
    calls_v1.check_v1_options("call", options)
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
        async with _platform(options) as platform:
            with watching(platform, options):
                if options["api_version"] == "v1":
                    call_id = calls_v1.place_call(platform, options, phone)
                else:
                    call_id = platform.place_call(request)
                return await follow(platform, call_id, options["timeout_s"])

    _finish(_run_with_db(run(), options), options)


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
@calls_v1.api_option
@click.option(
    "--auto-answer/--no-auto-answer",
    default=True,
    show_default=True,
    help="--api v1: answer at once (the application's autoAnswer), or leave it to the app.",
)
@phone_options
@audio_options
@run_options
@log_options("quiet")
def inbound_command(**options: Any) -> None:
    """A call arriving at an app; the phone script plays the caller.

    Example: ringback inbound --initiate-url http://localhost:5000/answer --press 2
    """
    calls_v1.check_v1_options("inbound", options)
    phone = load_phone(options["phone_file"], shortcuts_of(options))
    app_id = options["application_id"]
    application = None
    if options["initiate_url"] is not None and options["api_version"] == "v2":
        app_id = app_id or DEFAULT_APPLICATION_ID
        application = Application(
            app_id,
            Callback(options["initiate_url"], options["initiate_method"].upper()),
            _callback(options["status_url"], options["status_method"]),
            options["callback_timeout"],
        )
    elif options["initiate_url"] is None and options["db"] is None:
        raise click.UsageError("give --initiate-url, or --db with an application stored in it")

    async def run() -> CallReport:
        async with _platform(options) as platform:
            if application is not None:
                platform.put_application(application)
            with watching(platform, options):
                try:
                    if options["api_version"] == "v1":
                        call_id = calls_v1.inbound_call(platform, options, phone)
                    else:
                        call_id = platform.inbound_call(
                            options["from_"], options["to"], app_id, phone
                        )
                except UnknownApplicationError as error:
                    raise click.UsageError(f"{error} (in {options['db']})") from None
                return await follow(platform, call_id, options["timeout_s"])

    _finish(_run_with_db(run(), options), options)


@contextmanager
def watching(platform: Platform, options: dict[str, Any]) -> Iterator[None]:
    """The live log on stderr (--log), or on a terminal a progress line while the call runs."""
    print_log(platform, options["log_level"], options["log_format"], err=True)
    quiet = options["log_level"] == "quiet"
    on_terminal = sys.stderr.isatty()
    with call_progress(platform, enabled=quiet and on_terminal and not options["as_json"]):
        yield


def _callback(url: str | None, method: str) -> Callback | None:
    return None if url is None else Callback(url, method.upper())


def _platform(options: dict[str, Any]) -> AbstractAsyncContextManager[Platform]:
    clock = ClockMode(options["clock"])
    audio = audio_sources_of(options)
    idle_s = calls_v1.V1_IDLE_S if options["api_version"] == "v1" else 0.0
    return local_platform(options["db"], clock, options["api_port"], audio=audio, idle_s=idle_s)


def _run_with_db(work: Coroutine[Any, Any, CallReport], options: dict[str, Any]) -> CallReport:
    """Run a call; a database or port that cannot be used is the user's to fix."""
    db = options["db"]
    try:
        return asyncio.run(work)
    except OSError as error:  # binding the API's port: the only socket opened before the call
        port = options["api_port"]
        message = f"cannot listen on 127.0.0.1:{port}: {error.strerror or error}"
        raise click.BadParameter(message, None, None, "--api-port") from None
    except sqlite3.Error as error:
        if db is None:
            raise click.ClickException(f"the temporary database failed: {error}") from None
        raise click.BadParameter(f"{db}: {error}", None, None, "--db") from None


def _finish(report: CallReport, options: dict[str, Any]) -> None:
    show(report, as_json=options["as_json"], bodies=options["bodies"])
    if options["db"] is not None and not options["as_json"]:
        click.echo(f"stored: ringback timeline {report.call_id} --db {options['db']}")
    warned = options["strict"] and webhook_warnings(report)
    raise SystemExit(0 if report.ended_normally and not warned else 1)
