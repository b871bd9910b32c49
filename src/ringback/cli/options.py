"""Option groups shared by `ringback call` and `ringback inbound`, and what they turn into.

The flags are a public contract: extend them, never rename them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click
from rich.console import Console

from ringback.api.json_input import parse_json
from ringback.cli.timeline_view import render_report, report_json, webhook_warnings
from ringback.delivery.policy import (
    DEFAULT_CALLBACK_TIMEOUT_S,
    MAX_CALLBACK_TIMEOUT_S,
    MIN_CALLBACK_TIMEOUT_S,
)
from ringback.errors import PhoneScriptError, RequestValidationError
from ringback.hosting.local_call import DEFAULT_WAIT_S, CallReport
from ringback.media.sources import AudioSources
from ringback.phones.script import PhoneScript, parse_script
from ringback.phones.shortcuts import PhoneShortcuts, apply_shortcuts

ADDRESS = re.compile(r"^(\+[1-9][0-9]{1,14}|sip:.+)$")
METHODS = click.Choice(["POST", "GET"], case_sensitive=False)
EXIT_STATUS_HELP = (
    "Exit status: 0 when the call ended with cause hangup (either side hung up); 1 for any "
    "other ending (busy, timeout, rejected, callback-error, invalid-bxml, ...) or a call "
    "Ringback had to hang up (with --strict, also when an async webhook was not answered 2xx); "
    "2 for a usage error (a bad flag or phone file)."
)

C = TypeVar("C", bound=Callable[..., Any])


def check_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A webhook URL must be absolute http(s): the platform has nothing to resolve it against."""
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"must be an http:// or https:// URL, got {value!r}")
    return value


def check_address(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A number as Bandwidth takes it: E.164, or a SIP URI."""
    if not ADDRESS.match(value):
        raise click.BadParameter(
            f"must be an E.164 number (+15551234567) or sip: URI, got {value!r}"
        )
    return value


def phone_options(command: C) -> C:
    """--phone FILE and the shortcut flags of `ringback.phones.shortcuts`."""
    options = [
        click.option(
            "--phone",
            "phone_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="The far end's phone script (JSON; docs/phones.md).",
        ),
        click.option(
            "--answer",
            type=click.Choice(["human", "machine", "busy", "reject", "no-answer"]),
            help="How the phone answers (overrides the script).",
        ),
        click.option("--answer-after", type=float, metavar="S", help="Ring S seconds first."),
        click.option(
            "--press",
            multiple=True,
            metavar="DIGITS",
            help="Wait for a <Gather>, then press DIGITS (repeatable, in order).",
        ),
        click.option(
            "--say",
            multiple=True,
            metavar="TEXT",
            help="Wait for a <Record>, then say TEXT (repeatable, after the presses).",
        ),
        click.option(
            "--hangup-after",
            type=float,
            metavar="S",
            help="After the other steps, wait S seconds and hang up.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def pacing_options(
    calls_per_second: float, max_concurrent_calls: int, note: str = ""
) -> Callable[[C], C]:
    """The account's outbound limits (`PlatformConfig`'s), with the command's defaults."""

    def decorate(command: C) -> C:
        options = [
            click.option(
                "--calls-per-second",
                type=click.FloatRange(0, 100_000),
                default=calls_per_second,
                show_default=True,
                help=f"Outbound calls leave the account's queue at this rate (0: no limit{note}).",
            ),
            click.option(
                "--max-concurrent-calls",
                type=click.IntRange(0, 10_000_000),
                default=max_concurrent_calls,
                show_default=True,
                help=f"Outbound calls up at once; more wait in the queue (0: no limit{note}).",
            ),
            click.option(
                "--max-call-queue-size",
                type=click.IntRange(1, 10_000_000),
                help="Calls that may wait; beyond, POST /calls answers 429 (default: calls per"
                " second x 300).",
            ),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


callback_timeout_option = click.option(
    "--callback-timeout",
    type=click.FloatRange(MIN_CALLBACK_TIMEOUT_S, MAX_CALLBACK_TIMEOUT_S),
    default=DEFAULT_CALLBACK_TIMEOUT_S,
    show_default=True,
    metavar="S",
    help="Real seconds the app has to answer each webhook.",
)


def run_options(command: C) -> C:
    """How the call runs and how its timeline is shown."""
    options = [
        click.option(
            "--clock",
            type=click.Choice(["virtual", "real"]),
            default="virtual",
            show_default=True,
            help="virtual: time jumps over waits; real: wall-clock time.",
        ),
        click.option(
            "--timeout",
            "timeout_s",
            type=click.FloatRange(min=0, min_open=True),
            default=DEFAULT_WAIT_S,
            show_default=True,
            metavar="S",
            help="Real seconds to wait for the call to end; then Ringback hangs it up (exit 1).",
        ),
        click.option(
            "--db",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Keep calls and timelines in this SQLite file (default: a temporary one).",
        ),
        click.option(
            "--api-port",
            type=click.IntRange(0, 65535),
            default=0,
            show_default=True,
            help="Port on 127.0.0.1 of the REST API the call's callUrl and mediaUrl point at, "
            "served while the command runs (0: any free port).",
        ),
        click.option(
            "--strict",
            is_flag=True,
            help="Exit 1 as well when an async webhook (disconnect, ...) was not answered 2xx.",
        ),
        click.option("--bodies", is_flag=True, help="Show webhook request and response bodies."),
        click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def audio_options(command: C) -> C:
    """--audio URL PATH (repeatable), --audio-fallback S: where `<PlayAudio>` audio comes from."""
    options = [
        click.option(
            "--audio",
            "audio_files",
            type=(str, click.Path(exists=True, path_type=Path)),
            multiple=True,
            metavar="URL PATH",
            help="Play the local file PATH where <PlayAudio> names URL (repeatable); a URL "
            "ending in / maps a folder: the rest of the URL is the file's path in it.",
        ),
        click.option(
            "--audio-fallback",
            type=click.FloatRange(0, 3600),
            metavar="S",
            help="Audio that cannot be fetched plays as S seconds of silence (the timeline says "
            "so) instead of ending the call with application-error.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def audio_sources_of(options: dict[str, Any]) -> AudioSources:
    """The --audio mappings (paths made absolute) and --audio-fallback, checked."""
    files = []
    for url, path in options["audio_files"]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="--audio")
        if url.endswith("/") != path.is_dir():
            what = "a folder" if url.endswith("/") else "a file"
            why = "the URL ends in /" if url.endswith("/") else "the URL names one file"
            raise click.BadParameter(f"{path} must be {what}: {why}", param_hint="--audio")
        files.append((url, str(path.resolve())))
    return AudioSources(tuple(files), options["audio_fallback"])


def load_phone(path: Path | None, shortcuts: PhoneShortcuts) -> PhoneScript | None:
    """The phone script from --phone and the shortcut flags; usage errors name file and step."""
    script = None
    if path is not None:
        try:
            data = parse_json(path.read_bytes(), what=str(path))
        except OSError as error:
            message = f"{path}: cannot read: {error.strerror}"
            raise click.BadParameter(message, None, None, "--phone") from None
        except RequestValidationError as error:  # the one JSON reader's refusal
            raise click.BadParameter(error.description, None, None, "--phone") from None
        try:
            script = parse_script(data)
        except PhoneScriptError as error:
            raise click.BadParameter(f"{path}: {error}", None, None, "--phone") from None
    try:
        return apply_shortcuts(script, shortcuts)
    except PhoneScriptError as error:
        raise click.UsageError(f"phone shortcut {error}") from None


def show(report: CallReport, *, as_json: bool, bodies: bool) -> None:
    """Print a call's timeline: Rich on a terminal, plain text otherwise, or JSON.

    Async webhooks the app did not answer with a 2xx are warned about (after the timeline, or
    as `warnings` in JSON): Bandwidth ignores such an answer, but it usually means a bug.
    """
    if as_json:
        click.echo(json.dumps(report_json(report), indent=2, ensure_ascii=False))
        return
    render_report(Console(highlight=False, soft_wrap=True), report, bodies=bodies)
    for warning in webhook_warnings(report):
        click.secho(f"warning: {warning}", fg="yellow", err=True)


def shortcuts_of(options: dict[str, Any]) -> PhoneShortcuts:
    """The shortcut flags' values, from a command's options."""
    return PhoneShortcuts(
        answer=options["answer"],
        answer_after_s=options["answer_after"],
        press=options["press"],
        say=options["say"],
        hangup_after_s=options["hangup_after"],
    )
