"""Errors are rendered once, in Bandwidth's shape, with the status and type of spec §5.2."""

from __future__ import annotations

import logging
from typing import Any, NoReturn

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from ringback.api.errors import CatchAllMiddleware, exception_handlers
from ringback.errors import (
    AuthenticationError,
    AuthorizationError,
    BxmlSyntaxError,
    CallStateError,
    EngineError,
    RequestValidationError,
    UnknownApplicationError,
    UnknownCallError,
    UnknownConferenceError,
    UnsupportedMediaTypeError,
)

CALL_ID = "c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85"
RAISED: dict[str, Exception] = {
    "validation": RequestValidationError("Invalid to: must be an E164 telephone number", "to"),
    "unauthenticated": AuthenticationError("The credentials provided were invalid"),
    "forbidden": AuthorizationError("Access is denied"),
    "unknown-call": UnknownCallError(CALL_ID),
    "unknown-conference": UnknownConferenceError("Conference [conf-1] not found"),
    "ended": CallStateError(f"Call [{CALL_ID}] cannot be modified in its current state"),
    "bxml": BxmlSyntaxError("not well-formed (invalid token)", line=3, column=5),
    "media-type": UnsupportedMediaTypeError("Content type 'text/plain' not supported"),
    "no-app": UnknownApplicationError("application app-9 not found"),
    "engine-bug": EngineError("time went backwards"),
    "bug": ZeroDivisionError("division by zero"),
}


async def _raise(request: Request) -> NoReturn:
    raise RAISED[request.path_params["what"]]


@pytest.fixture(scope="module")
def client() -> TestClient:
    """An app whose only route raises the exception its path names."""
    app = Starlette(
        routes=[Route("/raise/{what}", _raise, methods=["GET"])],
        exception_handlers=exception_handlers(),
        middleware=[Middleware(CatchAllMiddleware)],
    )
    return TestClient(app)


def body_of(client: TestClient, path: str, method: str = "GET") -> tuple[int, dict[str, Any]]:
    """Status and JSON body of a request."""
    response = client.request(method, path)
    assert response.headers["content-type"] == "application/json"
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("what", "status", "error_type", "description"),
    [
        ("validation", 400, "validation", "Invalid to: must be an E164 telephone number"),
        ("unauthenticated", 401, "authentication-error", "The credentials provided were invalid"),
        ("forbidden", 403, "authorization-error", "Access is denied"),
        ("unknown-call", 404, "validation", f"Call [{CALL_ID}] not found"),
        ("unknown-conference", 404, "validation", "Conference [conf-1] not found"),
        (
            "ended",
            409,
            "validation",
            f"Call [{CALL_ID}] cannot be modified in its current state",
        ),
        ("bxml", 400, "validation", "Invalid BXML: line 3, col 5: not well-formed (invalid token)"),
        ("media-type", 415, "validation", "Content type 'text/plain' not supported"),
        ("no-app", 400, "validation", "application app-9 not found"),
    ],
)
def test_errors_rendered_in_bandwidth_shape(
    client: TestClient, what: str, status: int, error_type: str, description: str
) -> None:
    """Each expected error has its status, type and a description that says what was wrong."""
    assert body_of(client, f"/raise/{what}") == (
        status,
        {"type": error_type, "description": description, "id": None},
    )


def test_errors_401_challenges_basic(client: TestClient) -> None:
    """A 401 asks for HTTP Basic credentials."""
    response = client.get("/raise/unauthenticated")
    assert response.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize("what", ["bug", "engine-bug"])
def test_errors_unexpected_is_500_and_logged(
    client: TestClient, what: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug answers 500 internal-error with an id, and its traceback is logged under that id."""
    with caplog.at_level(logging.ERROR, logger="ringback.api"):
        status, body = body_of(client, f"/raise/{what}")
    assert status == 500
    assert body["type"] == "internal-error"
    assert body["description"] == "An unknown internal error occurred"
    assert len(body["id"]) == 36
    record = next(r for r in caplog.records if body["id"] in r.getMessage())
    assert record.exc_info is not None
    assert record.exc_info[0] is type(RAISED[what])


def test_errors_routing_404_and_405(client: TestClient) -> None:
    """Unknown paths and methods keep their status with Bandwidth's body."""
    status, body = body_of(client, "/nowhere")
    assert (status, body["type"], body["id"]) == (404, "validation", None)
    # Outside every API path the 404 also says where the APIs are.
    assert body["description"].startswith("Not Found: /nowhere is not an API path")
    assert body_of(client, "/raise/bug", "DELETE") == (
        405,
        {"type": "validation", "description": "Method Not Allowed", "id": None},
    )
