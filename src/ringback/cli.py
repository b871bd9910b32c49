"""The `ringback` command line: thin wrappers over the library; no logic lives here."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import yaml

from ringback import __version__
from ringback.cli_calls import call_command, demo_command, inbound_command, timeline_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ringback")
def main() -> None:
    """Ringback: a local Bandwidth Voice platform for testing voice apps."""


@main.group()
def schema() -> None:
    """Machine-readable descriptions of the webhooks Ringback sends."""


@schema.command("asyncapi")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of YAML.")
def schema_asyncapi(as_json: bool) -> None:
    """The AsyncAPI 2.6 document of every voice webhook event."""
    from ringback.events.asyncapi import asyncapi_document

    document = asyncapi_document()
    if as_json:
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), nl=False)


@schema.command("events")
@click.argument("event_types", nargs=-1)
def schema_events(event_types: tuple[str, ...]) -> None:
    """JSON Schema of each event (all, or only the EVENT_TYPES named), as one JSON object."""
    from ringback.events.schema import event_schemas

    schemas = event_schemas()
    unknown = [name for name in event_types if name not in schemas]
    if unknown:
        known = ", ".join(sorted(schemas))
        raise click.BadParameter(f"unknown event type {unknown[0]!r}; known: {known}")
    if event_types:
        schemas = {name: schemas[name] for name in event_types}
    click.echo(json.dumps(schemas, indent=2, ensure_ascii=False))


@main.group()
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


main.add_command(call_command)
main.add_command(inbound_command)
main.add_command(timeline_command)
main.add_command(demo_command)


if __name__ == "__main__":  # pragma: no cover
    main()
