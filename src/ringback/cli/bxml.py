"""`ringback bxml check`: validate BXML documents from files."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group()
def bxml() -> None:
    """Work with BXML documents."""


@bxml.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--context",
    type=click.Choice(["call", "transferAnswer", "conference"]),
    default="call",
    show_default=True,
    help="Where the document would run; each context allows different verbs.",
)
def bxml_check(files: tuple[Path, ...], context: str) -> None:
    """Validate BXML FILES: print `ok`, or each error as FILE:LINE:COL: message (exit 1)."""
    from ringback.bxml import check

    failed = False
    for path in files:
        try:
            text = path.read_bytes()
        except OSError as exc:
            click.echo(f"{path}:0:0: cannot read file: {exc.strerror}", err=True)
            failed = True
            continue
        for error in check(text, context=context):
            failed = True
            click.echo(f"{path}:{error.line or 0}:{error.column or 0}: {error.message}")
    if failed:
        sys.exit(1)
    click.echo("ok")
