"""The OpenAPI 3.0 document of Ringback's own HTTP APIs: the REST API and the control API.

How this works. The operations come from the app's routes themselves (every path and method
under `/api` and `/_ringback`, its summary from the endpoint's docstring), so the document
cannot leave a route out; what routes cannot say is in the tables below: each JSON body's
schema, each list endpoint's query parameters. A test checks that every table entry names a
route that exists, and schemathesis fuzzes a live server from this document (no 5xx allowed).
A write route the tables do not know yet is documented with a loose object body.

Served at `/_ringback/openapi.json`; printed by `ringback schema openapi`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from starlette.routing import BaseRoute, Mount, Route

from ringback import __version__
from ringback.phones.script import MAX_STEP_SECONDS

DOCUMENTED_PREFIXES = ("/api/", "/_ringback")
OPENAPI_PATH = "/_ringback/openapi.json"
V2 = "/api/v2/accounts/{accountId}"
CALL = V2 + "/calls/{callId}"
CONFERENCE = V2 + "/conferences/{conferenceId}"
RECORDING = CALL + "/recordings/{recordingId}"

_PATH_PARAMETER = re.compile(r"{(\w+)(?::\w+)?}")

_STRING = {"type": "string"}
_URL = {"type": "string", "format": "uri"}
_METHOD = {"type": "string", "enum": ["POST", "GET"]}
_SECONDS = {"type": "number", "minimum": 0}
_CALLBACK_CREDS = {
    "type": "object",
    "properties": {"userId": _STRING, "password": _STRING},
    "required": ["userId", "password"],
    "additionalProperties": False,
}
_STEP = {
    "type": "object",
    "properties": {
        "waitFor": {
            "oneOf": [
                {"type": "string", "enum": ["answer", "gather", "record", "speak", "played"]},
                {"type": "object", "properties": {"heard": _STRING, "played": _SECONDS}},
            ]
        },
        "press": _STRING,
        "say": _STRING,
        "duration": {"type": "number", "minimum": 0, "maximum": MAX_STEP_SECONDS},
        "wait": {"type": "number", "minimum": 0, "maximum": MAX_STEP_SECONDS},
        "hangup": {"type": "boolean", "enum": [True]},
    },
    "additionalProperties": False,
}
_PHONE = {
    "type": "object",
    "properties": {
        "answer": {"type": "string", "enum": ["human", "machine", "busy", "reject", "no-answer"]},
        "answerAfter": {"type": "number", "minimum": 0, "maximum": MAX_STEP_SECONDS},
        "steps": {"type": "array", "items": _STEP},
    },
    "additionalProperties": False,
}
_REDIRECT = {
    "redirectUrl": _URL,
    "redirectMethod": _METHOD,
    "redirectFallbackUrl": _URL,
    "redirectFallbackMethod": _METHOD,
    "username": _STRING,
    "password": _STRING,
    "fallbackUsername": _STRING,
    "fallbackPassword": _STRING,
    "tag": _STRING,
}


def _object(properties: dict[str, Any], *required: str, closed: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


# (method, path) → the JSON body's schema. Bandwidth's bodies tolerate extra keys; the control
# API refuses unknown ones (a typo must not pass silently), hence `closed`.
JSON_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", V2 + "/calls"): _object(
        {
            "to": _STRING,
            "from": _STRING,
            "applicationId": _STRING,
            "answerUrl": _URL,
            "answerMethod": _METHOD,
            "answerFallbackUrl": _URL,
            "answerFallbackMethod": _METHOD,
            "username": _STRING,
            "password": _STRING,
            "fallbackUsername": _STRING,
            "fallbackPassword": _STRING,
            "disconnectUrl": _URL,
            "disconnectMethod": _METHOD,
            "callTimeout": _SECONDS,
            "callbackTimeout": _SECONDS,
            "machineDetection": {"type": "object"},
            "priority": {"type": "integer", "minimum": 1, "maximum": 5},
            "tag": _STRING,
            "displayName": _STRING,
            "privacy": {"type": "boolean"},
            "uui": _STRING,
        },
        "to",
        "from",
        "applicationId",
        "answerUrl",
    ),
    ("POST", CALL): _object(
        {"state": {"type": "string", "enum": ["active", "completed"]}, **_REDIRECT}
    ),
    ("PUT", CALL + "/recording"): _object(
        {"state": {"type": "string", "enum": ["paused", "recording"]}}, "state"
    ),
    ("POST", RECORDING + "/transcription"): _object(
        {
            "callbackUrl": _URL,
            "callbackMethod": _METHOD,
            "username": _STRING,
            "password": _STRING,
            "tag": _STRING,
            "callbackTimeout": _SECONDS,
            "detectLanguage": {"type": "boolean"},
        }
    ),
    ("POST", CONFERENCE): _object(
        {"status": {"type": "string", "enum": ["active", "completed"]}, **_REDIRECT}
    ),
    ("PUT", CONFERENCE + "/members/{memberId}"): _object(
        {
            "mute": {"type": "boolean"},
            "hold": {"type": "boolean"},
            "callIdsToCoach": {"type": "array", "items": _STRING},
        }
    ),
    ("PUT", "/_ringback/applications/{applicationId}"): _object(
        {
            "applicationId": _STRING,
            "callInitiatedCallbackUrl": _URL,
            "callInitiatedMethod": _METHOD,
            "callInitiatedFallbackUrl": _URL,
            "callInitiatedFallbackMethod": _METHOD,
            "callStatusCallbackUrl": _URL,
            "callStatusMethod": _METHOD,
            "callbackCreds": _CALLBACK_CREDS,
            "callInitiatedFallbackCreds": _CALLBACK_CREDS,
            "callbackTimeout": {"type": "number", "minimum": 1, "maximum": 25},
        },
        "callInitiatedCallbackUrl",
        closed=True,
    ),
    ("PUT", "/_ringback/numbers/{number}"): _object(
        {"applicationId": _STRING}, "applicationId", closed=True
    ),
    ("PUT", "/_ringback/phones/{number}"): _PHONE,
    ("POST", "/_ringback/calls"): _object(
        {"from": _STRING, "to": _STRING, "applicationId": _STRING, "phone": _PHONE},
        "from",
        "to",
        closed=True,
    ),
    ("POST", "/_ringback/calls/{callId}/phone"): {
        "oneOf": [_STEP, {"type": "array", "items": _STEP}]
    },
    ("POST", "/_ringback/clock/advance"): _object({"seconds": _SECONDS}, "seconds", closed=True),
    ("PUT", "/_ringback/limits"): _object(
        {
            "callsPerSecond": {"type": "number", "minimum": 0},
            "maxConcurrentCalls": {"type": "integer", "minimum": 0},
            "maxCallQueueSize": {"type": "integer", "minimum": 1, "nullable": True},
        }
    ),
}
XML_BODIES = {("PUT", CALL + "/bxml"), ("PUT", CONFERENCE + "/bxml")}
FORM_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/oauth2/token"): _object(
        {"grant_type": {"type": "string", "enum": ["client_credentials"]}}, "grant_type"
    ),
}
BODILESS = {("POST", "/_ringback/reset")}

_TIME_RANGE = {"minStartTime": _STRING, "maxStartTime": _STRING}
QUERIES: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    ("GET", V2 + "/calls"): {
        "to": _STRING,
        "from": _STRING,
        **_TIME_RANGE,
        "disconnectCause": _STRING,
        "pageSize": {"type": "integer", "minimum": 1, "maximum": 10000},
        "pageToken": _STRING,
    },
    ("GET", V2 + "/recordings"): {"to": _STRING, "from": _STRING, **_TIME_RANGE},
    ("GET", V2 + "/conferences"): {
        "name": _STRING,
        "minCreatedTime": _STRING,
        "maxCreatedTime": _STRING,
        "pageSize": {"type": "integer", "minimum": 1, "maximum": 1000},
        "pageToken": _STRING,
    },
    ("GET", "/_ringback/calls/{callId}/wait"): {
        "timeout": {"type": "number", "minimum": 0, "maximum": 3600}
    },
}

_ERROR = {
    "type": "object",
    "properties": {
        "type": _STRING,
        "description": _STRING,
        "id": {"type": "string", "nullable": True},
    },
}


def routes_of(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str, Route]]:
    """Every (method, full path, route) of an app, mounts followed."""
    for route in routes:
        if isinstance(route, Mount):
            yield from routes_of(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                yield method, prefix + route.path, route


def openapi_path(path: str) -> str:
    """A route's path as OpenAPI writes it: `{mediaId:path}` → `{mediaId}`."""
    return _PATH_PARAMETER.sub(r"{\1}", path)


def documented(path: str) -> bool:
    """Whether a path is Ringback's own API (the REST API or the control API)."""
    return path.startswith(DOCUMENTED_PREFIXES)


def openapi_document(routes: Sequence[BaseRoute]) -> dict[str, Any]:
    """The OpenAPI 3.0 document of the REST and control API routes among `routes`."""
    paths: dict[str, dict[str, Any]] = {}
    for method, path, route in routes_of(routes):
        if documented(path):
            paths.setdefault(_PATH_PARAMETER.sub(r"{\1}", path), {})[method.lower()] = _operation(
                method, path, route
            )
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Ringback",
            "version": __version__,
            "description": (
                "Ringback's own HTTP APIs: the Bandwidth Voice REST API (/api/v2, Basic or"
                " Bearer auth) and the control API (/_ringback: phones, inbound calls,"
                " timelines, the clock; no auth on loopback, the REST credentials when"
                " `ringback serve` listens beyond it)."
            ),
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {
                "basicAuth": {"type": "http", "scheme": "basic"},
                "bearerAuth": {"type": "http", "scheme": "bearer"},
            },
            "schemas": {"Error": _ERROR},
        },
    }


def _operation(method: str, path: str, route: Route) -> dict[str, Any]:
    key = (method, path)
    doc = (route.endpoint.__doc__ or "").strip().splitlines()
    operation: dict[str, Any] = {
        "operationId": f"{method.lower()}_{_slug(path)}",
        "summary": doc[0] if doc else f"{method} {path}",
        "tags": ["control" if path.startswith("/_ringback") else "rest"],
    }
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": _STRING}
        for name in _PATH_PARAMETER.findall(path)
    ]
    parameters += [
        {"name": name, "in": "query", "required": False, "schema": schema}
        for name, schema in QUERIES.get(key, {}).items()
    ]
    if parameters:
        operation["parameters"] = parameters
    body = _request_body(key)
    if body is not None:
        operation["requestBody"] = body
    if path.startswith("/api/v2/"):
        operation["security"] = [{"basicAuth": []}, {"bearerAuth": []}]
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    operation["responses"] = {
        "2XX": {"description": "Done"},
        "4XX": {"description": "Refused: the body says why", "content": error},
    }
    return operation


def _request_body(key: tuple[str, str]) -> dict[str, Any] | None:
    method, _ = key
    if key in JSON_BODIES:
        return {"required": True, "content": {"application/json": {"schema": JSON_BODIES[key]}}}
    if key in XML_BODIES:
        return {"required": True, "content": {"application/xml": {"schema": _STRING}}}
    if key in FORM_BODIES:
        form = {"application/x-www-form-urlencoded": {"schema": FORM_BODIES[key]}}
        return {"required": True, "content": form}
    if method in ("POST", "PUT", "PATCH") and key not in BODILESS:
        return {"content": {"application/json": {"schema": {"type": "object"}}}}
    return None


def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", _PATH_PARAMETER.sub(r"\1", path)).strip("_")


def table_keys() -> set[tuple[str, str]]:
    """Every (method, path) the tables above describe (a test checks each is a route)."""
    return {*JSON_BODIES, *XML_BODIES, *FORM_BODIES, *BODILESS, *QUERIES}
