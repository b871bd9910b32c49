"""v1 applications, phone numbers and the user error log (v1 §2.6, §2.7, §2.10).

An application says where a number's inbound calls (`incomingCallUrl`) and messages
(`incomingMessageUrl`) are announced and how (`callbackHttpMethod`, `autoAnswer`, timeouts in
milliseconds); a phone number is routed to one. `POST /phoneNumbers` simply allocates the number
given (no search-and-order step). Partial updates keep what they do not name; `null` (what the
SDK sends for every argument left out) is "not named".
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ringback.api.v1.context import V1Context, created, ok, page, read_body
from ringback.api.v1.values import Body, bad_request
from ringback.errors import V1ApiError

MAX_CALLBACK_TIMEOUT_MS = 10_000
DEFAULT_CALLBACK_TIMEOUT_MS = 10_000
HTTP_METHODS = ("POST", "GET")
NUMBER_PRICE = "0.60"

# Every field of an application: (wire name, how it is read).
_APP_URLS = (
    "incomingCallUrl",
    "incomingCallFallbackUrl",
    "incomingMessageUrl",
    "incomingMessageFallbackUrl",
)
_APP_TIMEOUTS = ("incomingCallUrlCallbackTimeout", "incomingMessageUrlCallbackTimeout")
_TIMEOUT_NAMES = {
    "incomingCallUrlCallbackTimeout": "Incoming Call",
    "incomingMessageUrlCallbackTimeout": "Incoming Message",
}


def not_found(kind: str, code: str, resource_id: str, detail: str) -> V1ApiError:
    """404 `{code}`: "The {kind} '{id}' could not be found"."""
    message = f"The {kind} '{resource_id}' could not be found"
    return V1ApiError(404, "not-found", code, message, ((detail, resource_id),))


class Account:
    """`/applications`, `/phoneNumbers`, `/errors`."""

    def __init__(self, context: V1Context) -> None:
        self.context = context
        self.v1 = context.platform.v1

    def routes(self) -> list[Route]:
        """The routes of this group (paths relative to `/v1/users/{userId}`)."""
        r = self.context.route
        return [
            r("/applications", self.create_application, "POST"),
            r("/applications", self.list_applications, "GET"),
            r("/applications/{applicationId}", self.get_application, "GET"),
            r("/applications/{applicationId}", self.update_application, "POST"),
            r("/applications/{applicationId}", self.delete_application, "DELETE"),
            r("/phoneNumbers", self.create_number, "POST"),
            r("/phoneNumbers", self.list_numbers, "GET"),
            r("/phoneNumbers/{numberId}", self.get_number, "GET"),
            r("/phoneNumbers/{numberId}", self.update_number, "POST"),
            r("/phoneNumbers/{numberId}", self.delete_number, "DELETE"),
            r("/errors", self.list_errors, "GET"),
            r("/errors/{errorId}", self.get_error, "GET"),
        ]

    # ---- applications ----------------------------------------------------------------------

    async def create_application(self, request: Request) -> Response:
        """POST /applications → 201 + Location."""
        body = await read_body(request, "application")
        app = _application({"autoAnswer": True, "callbackHttpMethod": "post"}, body, new=True)
        app["id"] = self.context.platform.engine.ids.v1("a")
        app["createdTime"] = self.context.now()
        self.v1.put_application(app)
        return created(self.context.url("applications", app["id"]))

    async def list_applications(self, request: Request) -> Response:
        """GET /applications."""
        return page(request, [_public(app) for app in self.v1.applications.values()])

    async def get_application(self, request: Request) -> Response:
        """GET /applications/{id}."""
        return JSONResponse(_public(self._application(request)))

    async def update_application(self, request: Request) -> Response:
        """POST /applications/{id}: a partial update."""
        app = self._application(request)
        body = await read_body(request, "application")
        self.v1.put_application(_application(app, body, new=False))
        return ok()

    async def delete_application(self, request: Request) -> Response:
        """DELETE /applications/{id}."""
        self.v1.delete_application(self._application(request)["id"])
        return ok()

    def _application(self, request: Request) -> dict[str, Any]:
        app_id = request.path_params["applicationId"]
        app = self.v1.applications.get(app_id)
        if app is None:
            raise not_found("application", "application-not-found", app_id, "applicationId")
        return app

    # ---- phone numbers ---------------------------------------------------------------------

    async def create_number(self, request: Request) -> Response:
        """POST /phoneNumbers: allocate the number given → 201 + Location."""
        body = await read_body(request, "phoneNumber")
        number = body.phone("number", required=True)
        assert number is not None
        if self.v1.find_number(number) is not None:
            raise V1ApiError(
                409,
                "conflict",
                "number-already-assigned",
                f"The number {number} is already assigned to this user",
                (("number", number),),
            )
        national = number[-10:]
        entry: dict[str, Any] = {
            "id": self.context.platform.engine.ids.v1("n"),
            "number": number,
            "nationalNumber": f"({national[:3]}) {national[3:6]}-{national[6:]}",
            "name": number,
            "city": "RINGBACK",
            "state": "NC",
            "price": NUMBER_PRICE,
            "numberState": "enabled",
            "createdTime": self.context.now(),
        }
        self._number_settings(entry, body)
        self.v1.put_number(entry)
        return created(self.context.url("phoneNumbers", entry["id"]))

    async def list_numbers(self, request: Request) -> Response:
        """GET /phoneNumbers (filters `applicationId`, `name`, `state`, `city`, `numberState`)."""
        filters = {
            name: value
            for name in ("applicationId", "name", "state", "city", "numberState")
            if (value := request.query_params.get(name)) is not None
        }
        numbers = [
            self._public_number(n)
            for n in self.v1.numbers.values()
            if all(n.get(name) == value for name, value in filters.items())
        ]
        return page(request, numbers)

    async def get_number(self, request: Request) -> Response:
        """GET /phoneNumbers/{id or E.164}."""
        return JSONResponse(self._public_number(self._number(request)))

    async def update_number(self, request: Request) -> Response:
        """POST /phoneNumbers/{id}: `applicationId` ("" detaches), `name`, `fallbackNumber`."""
        entry = dict(self._number(request))
        self._number_settings(entry, await read_body(request, "phoneNumber"))
        self.v1.put_number(entry)
        return ok()

    async def delete_number(self, request: Request) -> Response:
        """DELETE /phoneNumbers/{id}: release the number."""
        self.v1.delete_number(self._number(request)["id"])
        return ok()

    def _number(self, request: Request) -> dict[str, Any]:
        number_id = request.path_params["numberId"]
        found = self.v1.find_number(number_id)
        if found is None:
            raise not_found("number", "number-not-found", number_id, "numberId")
        return found

    def _number_settings(self, entry: dict[str, Any], body: Body) -> None:
        if body.has("applicationId"):
            app_id = body.text("applicationId") or ""
            if app_id and app_id not in self.v1.applications:
                raise not_found("application", "application-not-found", app_id, "applicationId")
            entry["applicationId"] = app_id
        if body.has("name"):
            entry["name"] = body.text("name", max_length=256)
        if body.has("fallbackNumber"):
            entry["fallbackNumber"] = body.phone("fallbackNumber", sip=True)

    def _public_number(self, entry: dict[str, Any]) -> dict[str, Any]:
        shown = {key: value for key, value in entry.items() if value not in (None, "")}
        if shown.get("applicationId"):
            shown["application"] = self.context.url("applications", shown["applicationId"])
        return shown

    # ---- errors ----------------------------------------------------------------------------

    async def list_errors(self, request: Request) -> Response:
        """GET /errors: newest first."""
        return page(request, list(reversed(self.v1.errors.values())))

    async def get_error(self, request: Request) -> Response:
        """GET /errors/{id}."""
        error_id = request.path_params["errorId"]
        error = self.v1.errors.get(error_id)
        if error is None:
            raise not_found("error", "error-not-found", error_id, "errorId")
        return JSONResponse(error)


def _application(base: dict[str, Any], body: Body, *, new: bool) -> dict[str, Any]:
    """`base` updated with the body's fields, checked as a whole (v1 `errors.md` messages)."""
    app = dict(base)
    if new or body.has("name"):
        app["name"] = body.required_text("name", max_length=256)
    for name in _APP_URLS:
        if body.has(name):
            app[name] = body.url(name) or None
    for name in _APP_TIMEOUTS:
        if body.has(name):
            timeout = body.integer(name, -(2**31), 2**31)
            what = _TIMEOUT_NAMES[name]
            if timeout is not None and timeout <= 0:
                raise bad_request(
                    "validation-error", f"{what} callback timeout must be greater than 0"
                )
            if timeout is not None and timeout > MAX_CALLBACK_TIMEOUT_MS:
                raise bad_request(
                    "validation-error",
                    f"{what} callback timeout must not surpass {MAX_CALLBACK_TIMEOUT_MS}",
                )
            app[name] = timeout
    if body.has("callbackHttpMethod"):
        app["callbackHttpMethod"] = (body.choice("callbackHttpMethod", HTTP_METHODS) or "").lower()
    if body.has("autoAnswer"):
        app["autoAnswer"] = body.boolean("autoAnswer")
    if not (app.get("incomingCallUrl") or app.get("incomingMessageUrl")):
        message = "Your application must have a least one callback URL."
        raise bad_request("validation-error", message)
    for kind, primary, fallback in (
        ("call", "incomingCallUrl", "incomingCallFallbackUrl"),
        ("sms", "incomingMessageUrl", "incomingMessageFallbackUrl"),
    ):
        if app.get(fallback) and not app.get(primary):
            raise bad_request(
                "validation-error",
                f"Your application must have a {kind} callback URL in order to have a fallback"
                " URL.",
            )
    return {key: value for key, value in app.items() if value is not None}


def _public(app: dict[str, Any]) -> dict[str, Any]:
    """An application as GET shows it."""
    return {key: value for key, value in app.items() if key != "createdTime"}


def callback_timeout_ms(app: dict[str, Any], key: str) -> int:
    """An application's callback timeout for calls or messages, in milliseconds."""
    return int(app.get(key) or DEFAULT_CALLBACK_TIMEOUT_MS)
