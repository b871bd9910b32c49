"""The live log in the terminal: `--log` and `--log-format` for `serve`, `call` and `inbound`.

The lines are made by `ringback.live_log` from the platform's watchers; this module only
chooses where they go and prints them (Rich colours on a terminal, plain text through a pipe,
or one JSON object per line). It also shows the progress of a call a person waits for.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, TypeVar

import click
from rich.console import Console
from rich.text import Text

from ringback.live_log import FORMATS, LEVELS, log_line
from ringback.runtime import Platform
from ringback.runtime.watchers import Entry

C = TypeVar("C", bound=Callable[..., Any])

LOG_HELP = (
    "What to print as it happens: quiet (nothing), calls (each call's end), webhooks (also every "
    "webhook attempt), verbose (also verbs, far-end steps and state changes)."
)


def log_options(default: str) -> Callable[[C], C]:
    """`--log LEVEL` (default `default`) and `--log-format text|json`."""

    def decorate(command: C) -> C:
        command = click.option(
            "--log-format",
            type=click.Choice(FORMATS),
            default="text",
            show_default=True,
            help="text: one aligned line per event; json: one JSON object per line.",
        )(command)
        return click.option(
            "--log",
            "log_level",
            type=click.Choice(LEVELS),
            default=default,
            show_default=True,
            help=LOG_HELP,
        )(command)

    return decorate


class LogPrinter:
    """A watcher that prints each entry's line, if the level keeps it, and flushes."""

    def __init__(self, level: str, log_format: str, stream: IO[str]) -> None:
        self.level = level
        self.as_json = log_format == "json"
        self.stream = stream
        self.console = Console(file=stream, highlight=False, soft_wrap=True)
        # Without colours (a pipe, a file) the text is written as it is: Rich's rendering would
        # cost the platform's loop more than the line itself under load.
        self.coloured = self.console.is_terminal and not self.console.no_color

    def __call__(self, entry: Entry) -> None:
        line = log_line(entry, self.level)
        if line is None:
            return
        if self.as_json:
            self.stream.write(json.dumps(line.record, ensure_ascii=False) + "\n")
        elif not self.coloured:
            self.stream.write(line.text + "\n")
        else:
            text = Text()
            for part, style in line.segments:
                text.append(part, style=style or None)
            self.console.print(text)
        self.stream.flush()


def print_log(platform: Platform, level: str, log_format: str, *, err: bool = False) -> None:
    """Print the platform's live log on stdout (or stderr) from now on; `quiet` prints nothing."""
    if level != "quiet":
        stream = sys.stderr if err else sys.stdout
        platform.watchers.subscribe(LogPrinter(level, log_format, stream))


@contextmanager
def call_progress(platform: Platform, *, enabled: bool) -> Iterator[None]:
    """While a call runs, a status line on a terminal's stderr: its state and webhooks so far."""
    if not enabled:
        yield
        return
    console = Console(stderr=True)
    seen: dict[str, Any] = {"webhooks": 0, "state": "starting", "failed": 0}

    def update(entry: Entry) -> None:
        if entry.kind == "webhook":
            seen["webhooks"] += 1
            status = entry.detail.get("status")
            if not (isinstance(status, int) and 200 <= status < 300):
                seen["failed"] += 1
        elif entry.call is not None:
            seen["state"] = str(entry.call.get("state"))
        status_line.update(progress_text(seen))

    with console.status(progress_text(seen)) as status_line:
        stop = platform.watchers.subscribe(update)
        try:
            yield
        finally:
            stop()


def progress_text(seen: dict[str, Any]) -> str:
    """`call answered · 3 webhooks (1 failed)`."""
    text = (
        f"call {seen['state']} · {seen['webhooks']} webhook{'s' if seen['webhooks'] != 1 else ''}"
    )
    if seen["failed"]:
        text += f" ({seen['failed']} failed)"
    return text
