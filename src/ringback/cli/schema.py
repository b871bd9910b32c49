"""`ringback schema asyncapi | events`: machine-readable descriptions of the webhooks."""

from __future__ import annotations

import json

import click
import yaml


@click.group()
def schema() -> None:
    """Machine-readable descriptions of the webhooks Ringback sends and the APIs it serves."""


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


@schema.command("openapi")
def schema_openapi() -> None:
    """The OpenAPI 3.0 document of the REST API and the control API (JSON)."""
    from ringback.api.app import create_app
    from ringback.api.openapi import openapi_document
    from ringback.runtime import Platform, PlatformConfig
    from ringback.store import Store

    store = Store(":memory:")  # the routes need a platform to bind to; nothing is served
    try:
        app = create_app(Platform(PlatformConfig(), store))
        click.echo(json.dumps(openapi_document(app.routes), indent=2, ensure_ascii=False))
    finally:
        store.close()


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
