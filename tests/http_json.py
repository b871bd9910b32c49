"""JSON over HTTP for tests that talk to a live server with the standard library."""

from __future__ import annotations

import json
import urllib.request
from typing import Any


def send_json(url: str, body: Any, method: str = "POST") -> Any:
    """Send `body` as JSON with `method`; the decoded JSON answer (HTTPError on 4xx/5xx)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)
