"""A request outside every API path gets a Bandwidth-shaped 404 that says where the APIs are."""

from __future__ import annotations

import asyncio
import json

import bandwidth
import pytest
from bandwidth.exceptions import NotFoundException

from .conftest import ACCOUNT, PASSWORD, USERNAME, Live


def list_calls_at(host: str) -> None:
    config = bandwidth.Configuration(
        host=host, username=USERNAME, password=PASSWORD, ignore_operation_servers=True
    )
    with bandwidth.ApiClient(config) as client:
        bandwidth.CallsApi(client).list_calls(ACCOUNT)


async def test_not_found_sdk_host_without_api_v2_is_told_where(ringback: Live) -> None:
    """An SDK whose host lacks /api/v2: NotFoundException naming the path it should have used."""
    with pytest.raises(NotFoundException) as caught:
        await asyncio.to_thread(list_calls_at, ringback.server.url)
    body = json.loads(caught.value.body)
    assert set(body) == {"type", "description", "id"}
    assert body["type"] == "validation"
    assert f"did you mean /api/v2/accounts/{ACCOUNT}/calls?" in body["description"]


async def test_not_found_inside_the_api_stays_bandwidths(ringback: Live) -> None:
    """Under /api/v2 an unknown path is Bandwidth's bare `Not Found`; elsewhere it says more."""
    status, body = await ringback.get(f"/api/v2/accounts/{ACCOUNT}/nothing")
    assert (status, body["description"]) == (404, "Not Found")
    status, body = await ringback.get("/calls")
    assert status == 404
    assert "/api/v2/accounts/{accountId}/" in body["description"]
    assert "/_ringback" in body["description"]
