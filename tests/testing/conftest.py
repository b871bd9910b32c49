"""Fixtures of ringback.testing's own tests, which use its pytest plugin as users do.

`ringback` is the plugin's fixture. `app_url` here serves the FastAPI sample app once for a
whole module (the plugin's serves a `ringback_app` for each test).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ringback.testing import serve_app

from . import sample_apps


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """The sample app on FastAPI, for the module."""
    with serve_app(sample_apps.fastapi_app()) as url:
        yield url
