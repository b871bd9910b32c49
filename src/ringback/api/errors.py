"""The one place REST errors are rendered: Bandwidth's `{"type", "description", "id"}` body.

How this works. Handlers raise; they never build an error response themselves. `error_for`
maps an exception to (status, type, description): our own `ApiError`s carry theirs, the
engine's errors map as spec §5.2 says (unknown call or conference 404, a request that does not
fit the call's state 409, bad BXML 400 with its line), Starlette's routing errors keep their
status (404 Not Found, 405 Method Not Allowed). `exception_handlers()` installs that on a
Starlette app, and `CatchAllMiddleware` turns anything else into a 500 `internal-error` and logs
the traceback, so that nothing a client sends can crash the server.

The v1 API (`/v1/users/...`) gets the same errors in its own shape (v1 spec §1.4):
`{"category", "code", "message", "details": [{"name", "value"}...]}`. Which shape a request gets
is decided by its path, here and nowhere else; `v1_error_for` maps the shared errors (an
unknown call, a state that does not fit) to v1's status, category and code.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ringback.errors import (
    ApiError,
    BxmlError,
    CallQueueFullError,
    CallStateError,
    MessagingRequestError,
    PlatformError,
    RingbackError,
    UnknownCallError,
    UnknownConferenceError,
    V1ApiError,
    V1StateError,
)

logger = logging.getLogger("ringback.api")

VALIDATION = "validation"
INTERNAL_ERROR = "internal-error"
INTERNAL_ERROR_DESCRIPTION = "An unknown internal error occurred"

# Starlette's own errors (routing, method) and the `type` Bandwidth gives each status.
_TYPE_BY_STATUS = {
    401: "authentication-error",
    403: "authorization-error",
    429: "error",
    500: INTERNAL_ERROR,
    503: "system-overloaded",
}
_DESCRIPTION_BY_STATUS = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    415: "Unsupported Media Type",
}


def error_body(error_type: str, description: str, error_id: str | None = None) -> dict[str, Any]:
    """Bandwidth's error body (the SDK's `VoiceApiError`)."""
    return {"type": error_type, "description": description, "id": error_id}


def error_response(
    status: int,
    error_type: str,
    description: str,
    *,
    error_id: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A JSON error response in Bandwidth's shape."""
    return JSONResponse(
        error_body(error_type, description, error_id), status_code=status, headers=headers
    )


def error_for(exc: Exception) -> tuple[int, str, str] | None:
    """The (status, type, description) of an expected error; None for a bug (a 500)."""
    match exc:
        case ApiError():
            return exc.status, exc.error_type, exc.description
        case UnknownCallError():
            return 404, VALIDATION, _unknown_call_description(exc)
        case UnknownConferenceError():
            return 404, VALIDATION, str(exc)
        case CallStateError():
            return 409, VALIDATION, str(exc)
        case BxmlError():
            return 400, VALIDATION, f"Invalid BXML: {exc.describe()}"
        case CallQueueFullError():
            return 429, _TYPE_BY_STATUS[429], str(exc)
        case PlatformError():  # e.g. an inbound call to a number no application answers
            return 400, VALIDATION, str(exc)
        case HTTPException():
            status = exc.status_code
            description = _DESCRIPTION_BY_STATUS.get(status) or str(exc.detail)
            return status, _TYPE_BY_STATUS.get(status, VALIDATION), description
    return None


def _unknown_call_description(exc: UnknownCallError) -> str:
    # The engine raises UnknownCallError(call_id); a longer argument is already a sentence.
    what = str(exc.args[0]) if exc.args else ""
    if what and " " not in what:
        return f"Call [{what}] not found"
    return what or "Call not found"


def messaging_error_body(exc: MessagingRequestError) -> dict[str, Any]:
    """The Messaging API's error body: `MessagingRequestError`, or `CreateMessageRequestError`
    with `fieldErrors` when fields were wrong (messaging spec §2.4)."""
    body: dict[str, Any] = {"type": exc.error_type, "description": exc.description}
    if exc.field_errors:
        body["fieldErrors"] = [
            {"fieldName": name, "description": description}
            for name, description in exc.field_errors
        ]
    return body


def response_for(exc: Exception, path: str = "", method: str = "", client: str = "") -> Response:
    """The response for any exception; unexpected ones are logged with their traceback."""
    if path.startswith(V1_PATH_PREFIX):
        return v1_response(exc, path, method, client)
    if isinstance(exc, MessagingRequestError):
        return JSONResponse(messaging_error_body(exc), status_code=exc.status)
    known = error_for(exc)
    if known is None:
        return internal_error(exc)
    status, error_type, description = known
    if status == 404 and isinstance(exc, HTTPException):
        description = _where_the_api_is(path) or description
    if isinstance(exc, CallQueueFullError):
        # Bandwidth's 429 carries an empty id and says when to try again.
        headers = {"Retry-After": str(exc.retry_after_s)}
        return error_response(status, error_type, description, error_id="", headers=headers)
    return error_response(status, error_type, description, headers=_headers(exc, status))


# Paths Ringback serves; a 404 outside them is most likely a client pointed at the wrong base URL.
_SERVED_PREFIXES = ("/api/", "/_ringback/", "/v1/")


def _where_the_api_is(path: str) -> str | None:
    """For a path outside every API: say where the APIs are (Bandwidth's own 404 is bare)."""
    if not path or path == "/" or path.startswith(_SERVED_PREFIXES):
        return None
    hint = ""
    if path.startswith("/accounts/"):
        hint = f" (did you mean /api/v2{path}? An SDK's host must end in /api/v2)"
    return (
        f"Not Found: {path} is not an API path{hint}. Ringback serves the Voice API under"
        " /api/v2/accounts/{accountId}/..., the v1 API under /v1/users/{userId}/... and its"
        " control API under /_ringback"
    )


def _headers(exc: Exception, status: int) -> dict[str, str] | None:
    """The headers an error response carries: 405's `Allow` (RFC 9110 §15.5.6), 401's challenge."""
    headers: dict[str, str] = {}
    if isinstance(exc, HTTPException) and exc.headers:
        headers.update(exc.headers)
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="ringback"'
    return headers or None


def internal_error(exc: BaseException) -> JSONResponse:
    """A 500 `internal-error`; the traceback goes to the log under the error's id."""
    error_id = str(uuid.uuid4())
    logger.error("internal error %s", error_id, exc_info=exc)
    return error_response(500, INTERNAL_ERROR, INTERNAL_ERROR_DESCRIPTION, error_id=error_id)


# ---- the v1 shape (v1 spec §1.4) -------------------------------------------------------------

V1_PATH_PREFIX = "/v1/"
_V1_BY_STATUS = {
    400: ("bad-request", "bad-request"),
    401: ("authentication", "unauthorized"),
    403: ("authorization", "access-denied"),
    404: ("not-found", "resource-not-found"),
    405: ("bad-request", "method-not-allowed"),
    409: ("conflict", "conflict"),
    413: ("bad-request", "request-too-large"),
    415: ("bad-request", "unsupported-media-type"),
}


def v1_error_for(exc: Exception) -> tuple[int, str, str, str, tuple[tuple[str, str], ...]] | None:
    """The (status, category, code, message, details) of an expected error on the v1 API."""
    match exc:
        case V1ApiError():
            return exc.status, exc.category, exc.code, exc.description, exc.details
        case V1StateError():
            category = {404: "not-found", 409: "conflict"}.get(exc.status, "bad-request")
            return exc.status, category, exc.code, str(exc), ()
        case UnknownCallError():
            call_id = str(exc.args[0]) if exc.args else ""
            message = f"The call '{call_id}' could not be found"
            return 404, "not-found", "call-not-found", message, (("callId", call_id),)
        case UnknownConferenceError():
            return 404, "not-found", "conference-not-found", str(exc), ()
        case CallStateError():
            return 403, "bad-request", "call-invalid-state", str(exc), ()
        case BxmlError():
            return 400, "bad-request", "validation-error", f"Invalid BXML: {exc.describe()}", ()
    known = error_for(exc)
    if known is None:
        return None
    status, _error_type, description = known
    category, code = _V1_BY_STATUS.get(status, ("bad-request", "validation-error"))
    if status == 400:
        code = "validation-error"
    return status, category, code, description, ()


def v1_response(exc: Exception, path: str, method: str, client: str) -> Response:
    """A v1 error body; the request's method, address and path are always among its details."""
    known = v1_error_for(exc)
    if known is None:
        error_id = str(uuid.uuid4())
        logger.error("internal error %s", error_id, exc_info=exc)
        message = f"{INTERNAL_ERROR_DESCRIPTION} ({error_id})"
        known = 500, "unavailable", "internal-error", message, ()
    status, category, code, message, details = known
    pairs = [*details, ("requestMethod", method), ("remoteAddress", client)]
    pairs.append(("requestPath", path[len(V1_PATH_PREFIX) :]))
    body = {
        "category": category,
        "code": code,
        "message": message,
        "details": [{"name": name, "value": value} for name, value in pairs],
    }
    return JSONResponse(body, status_code=status, headers=_headers(exc, status))


async def _handle(request: Request, exc: Exception) -> Response:
    client = request.client.host if request.client else ""
    return response_for(exc, request.url.path, request.method, client)


def exception_handlers() -> dict[Any, Any]:
    """Starlette `exception_handlers`: Ringback's errors and Starlette's routing errors."""
    return {HTTPException: _handle, RingbackError: _handle}


class CatchAllMiddleware:
    """Outermost ASGI middleware: any exception becomes a 500 `internal-error`, never a crash.

    Starlette's own 500 handler re-raises after responding (so servers log it twice and test
    clients fail); this one answers, logs the traceback once, and returns normally.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception as exc:
            if started:  # too late for an error response: the client sees a cut-off body
                logger.error("error after the response started", exc_info=exc)
                return
            path = str(scope.get("path", ""))
            if path.startswith(V1_PATH_PREFIX):
                client = scope.get("client") or ("", 0)
                response = v1_response(exc, path, str(scope.get("method", "")), str(client[0]))
                await response(scope, receive, send)
                return
            await internal_error(exc)(scope, receive, send)
