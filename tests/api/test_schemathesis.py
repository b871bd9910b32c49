"""schemathesis against a live `ringback serve`, from Ringback's own OpenAPI document: whatever
the requests, no answer is a 5xx (issue 9, "keep them fixed").

Bounded for the suite (RINGBACK_SCHEMA_EXAMPLES per operation, 2 by default; `make soak`
raises it). The clock is real, so `/clock/advance` is refused (409) after its body is checked
rather than waiting on webhooks to the random URLs the fuzzed calls carry.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from ringback.api.app import create_app
from ringback.api.openapi import openapi_document
from ringback.engine.clock import ClockMode
from ringback.hosting.server import BackgroundServer, start_in_thread
from ringback.runtime import Platform, PlatformConfig
from ringback.store import Store

EXAMPLES = int(os.environ.get("RINGBACK_SCHEMA_EXAMPLES", "2"))
AUTH = {"Authorization": "Basic " + base64.b64encode(b"ringback:ringback").decode()}


@pytest.fixture(scope="module")
def ringback_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    """`ringback serve`'s server in a thread, real clock, no pacing."""
    path: Path = tmp_path_factory.mktemp("schemathesis") / "ringback.sqlite3"
    config = PlatformConfig(clock=ClockMode.REAL, calls_per_second=0, max_concurrent_calls=0)
    server = start_in_thread(config, path)
    yield server
    server.stop()


def openapi() -> dict[str, Any]:
    """The document `ringback schema openapi` prints (and the server serves: test_openapi)."""
    store = Store(":memory:")
    try:
        return openapi_document(create_app(Platform(PlatformConfig(), store)).routes)
    finally:
        store.close()


schema = schemathesis.openapi.from_dict(openapi())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_schemathesis_no_server_errors(
    case: schemathesis.Case, ringback_server: BackgroundServer
) -> None:
    """Every operation, fuzzed from its schema: never a 5xx."""
    response = case.call(base_url=ringback_server.url, headers=AUTH)
    assert response.status_code < 500, (case.method, case.path, response.text)
