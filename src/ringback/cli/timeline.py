"""`ringback timeline`: a call's timeline from a database or a running server."""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from ringback.cli.options import show
from ringback.cli.timeline_view import from_wire
from ringback.hosting.local_call import CallReport, stored_report
from ringback.store import Store

DEFAULT_DB = Path("ringback.sqlite3")


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
