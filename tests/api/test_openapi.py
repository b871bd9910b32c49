"""The OpenAPI document covers every route of the REST and control APIs, names none that does
not exist, and is what `serve` serves and `ringback schema openapi` prints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.applications import Starlette

from ringback.api.app import create_app
from ringback.api.openapi import (
    documented,
    openapi_document,
    openapi_path,
    routes_of,
    table_keys,
)
from ringback.cli import main
from ringback.runtime import Platform, PlatformConfig
from ringback.store import Store

from .conftest import Live


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Starlette]:
    """The whole app (its routes; nothing is served)."""
    store = Store(tmp_path / "db.sqlite3")
    yield create_app(Platform(PlatformConfig(), store))
    store.close()


def test_openapi_documents_every_route(app: Starlette) -> None:
    """Each method of each route under /api and /_ringback is an operation, and no more."""
    routes = {
        (method, openapi_path(path))
        for method, path, _ in routes_of(app.routes)
        if documented(path)
    }
    document = openapi_document(app.routes)
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert operations == routes
    assert ("GET", "/_ringback/openapi.json") in routes


def test_openapi_tables_name_only_routes_that_exist(app: Starlette) -> None:
    """A body or query table entry for a route that is gone (or misspelt) fails here."""
    routes = {(method, path) for method, path, _ in routes_of(app.routes)}
    assert table_keys() - routes == set()


def test_openapi_operations_are_complete(app: Starlette) -> None:
    """Unique operation ids, a summary each, every path parameter declared."""
    document = openapi_document(app.routes)
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    for path, item in document["paths"].items():
        for operation in item.values():
            assert operation["summary"]
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == set(path.replace("}", "{").split("{")[1::2])


async def test_openapi_is_served_as_the_cli_prints_it(ringback: Live) -> None:
    """GET /_ringback/openapi.json is the document `ringback schema openapi` prints."""
    status, served = await ringback.get("/_ringback/openapi.json")
    assert status == 200
    printed = CliRunner().invoke(main, ["schema", "openapi"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == served
