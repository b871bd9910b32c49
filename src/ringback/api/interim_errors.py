"""INTERIM — delete once branch `restapi` (which owns `ringback.api.errors`) is merged.

A stand-in for the one error renderer, with the same names (`exception_handlers`,
`CatchAllMiddleware`) so that switching is an import change. It renders Bandwidth's
`{"type", "description", "id"}` body for `ApiError`s and the engine's errors.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ringback.errors import (
    ApiError,
    BxmlError,
    CallStateError,
    RingbackError,
    UnknownCallError,
    UnknownConferenceError,
)

logger = logging.getLogger("ringback.api")


def _body(status: int, error_type: str, description: str, error_id: str | None = None) -> Response:
    body = {"type": error_type, "description": description, "id": error_id}
    return JSONResponse(body, status_code=status)


def response_for(exc: Exception) -> Response:
    """Bandwidth's error body for an exception; a 500 `internal-error` for anything else."""
    match exc:
        case ApiError():
            return _body(exc.status, exc.error_type, exc.description)
        case UnknownCallError():
            return _body(404, "validation", f"Call [{exc.args[0]}] not found")
        case UnknownConferenceError():
            return _body(404, "validation", str(exc))
        case CallStateError():
            return _body(409, "validation", str(exc))
        case BxmlError():
            return _body(400, "validation", f"Invalid BXML: {exc.describe()}")
        case HTTPException():
            return _body(exc.status_code, "validation", str(exc.detail))
    error_id = str(uuid.uuid4())
    logger.error("internal error %s", error_id, exc_info=exc)
    return _body(500, "internal-error", "An unknown internal error occurred", error_id)


async def _handle(_request: Request, exc: Exception) -> Response:
    return response_for(exc)


def exception_handlers() -> dict[Any, Any]:
    """Starlette `exception_handlers` for Ringback's errors and Starlette's routing errors."""
    return {HTTPException: _handle, RingbackError: _handle}


class CatchAllMiddleware:
    """Outermost middleware: any other exception becomes a 500 `internal-error`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            await response_for(exc)(scope, receive, send)
