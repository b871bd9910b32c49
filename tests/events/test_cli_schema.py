"""`ringback schema asyncapi` and `ringback schema events` print the library's documents."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from ringback.cli import main
from ringback.events.asyncapi import asyncapi_document
from ringback.events.schema import event_schemas


def test_cli_schema_asyncapi_prints_yaml_by_default() -> None:
    """The default output is YAML that loads to exactly asyncapi_document()."""
    result = CliRunner().invoke(main, ["schema", "asyncapi"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("asyncapi: 2.6.0\n")
    assert yaml.safe_load(result.output) == asyncapi_document()


def test_cli_schema_asyncapi_json_flag_prints_json() -> None:
    """--json prints the same document as JSON."""
    result = CliRunner().invoke(main, ["schema", "asyncapi", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == asyncapi_document()


def test_cli_schema_events_prints_every_schema() -> None:
    """Without arguments, every event's schema keyed by eventType."""
    result = CliRunner().invoke(main, ["schema", "events"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == event_schemas()


def test_cli_schema_events_filters_by_type() -> None:
    """Named types only, in the order given."""
    result = CliRunner().invoke(main, ["schema", "events", "gather", "dtmf"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert list(printed) == ["gather", "dtmf"]
    assert printed["gather"]["properties"]["eventType"]["const"] == "gather"


def test_cli_schema_events_unknown_type_is_a_usage_error() -> None:
    """An unknown type exits 2 and lists the known ones."""
    result = CliRunner().invoke(main, ["schema", "events", "recordingComplete"])
    assert result.exit_code == 2
    assert "unknown event type 'recordingComplete'" in result.output
    assert "recordComplete" in result.output
