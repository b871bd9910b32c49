"""Calls: create, get, list, update, replace BXML (spec §5.3–§5.7), and account statistics.

Emulated: every field of POST /calls, CallState from the running engine or, once a call has
ended, from the store; paging with `Link: <...>; rel="next"` over the store's creation order.
Outbound calls wait in the account's queue (`ringback.engine.pacing`); a full queue answers 429
with `Retry-After`. Not emulated: the 7-day retention (calls are kept as long as the store), and
`Could not create call: Application id ... not found` (any application id is accepted for
outbound calls).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ringback.api import validation
from ringback.api.context import Endpoints, empty, json_body, json_response
from ringback.api.queries import call_query
from ringback.engine.requests import Callback, OutboundCallRequest
from ringback.errors import CallStateError, UnknownCallError
from ringback.masking import mask_url

MASKED_PASSWORD = "*****"
CALL = "/accounts/{accountId}/calls/{callId}"


def number(value: float) -> int | float:
    """30.0 -> 30, as Bandwidth writes whole numbers."""
    return int(value) if float(value).is_integer() else value


def create_call_response(
    request: OutboundCallRequest, call_id: str, call_url: str, state: dict[str, Any]
) -> dict[str, Any]:
    """The CreateCallResponse body: the call as created, passwords masked (spec §5.3), those
    written into its URLs too."""
    answer = request.answer
    disconnect: Callback | None = request.disconnect
    body: dict[str, Any] = {
        "applicationId": request.application_id,
        "accountId": state["accountId"],
        "callId": call_id,
        "to": request.to,
        "from": request.from_,
        "enqueuedTime": state.get("enqueuedTime"),
        "callUrl": call_url,
        "callTimeout": number(request.call_timeout_s),
        "callbackTimeout": number(request.callback_timeout_s),
        "tag": request.tag,
        "answerMethod": answer.method,
        "answerUrl": mask_url(answer.url),
        "answerFallbackMethod": answer.fallback_method,
        "answerFallbackUrl": mask_url(answer.fallback_url) if answer.fallback_url else None,
        "disconnectMethod": disconnect.method if disconnect else "POST",
        "disconnectUrl": mask_url(disconnect.url) if disconnect else None,
        "username": answer.username,
        "password": MASKED_PASSWORD if answer.password is not None else None,
        "fallbackUsername": answer.fallback_username,
        "fallbackPassword": MASKED_PASSWORD if answer.fallback_password is not None else None,
        "priority": request.priority,
    }
    return {key: value for key, value in body.items() if value is not None}


class Calls(Endpoints):
    """The calls endpoints of one platform."""

    def routes(self) -> list[Route]:
        """Routes relative to /api/v2."""
        route = self.context.route
        return [
            route("/accounts/{accountId}/calls", self.create_call, "POST"),
            route("/accounts/{accountId}/calls", self.list_calls, "GET"),
            route(CALL, self.get_call_state, "GET"),
            route(CALL, self.update_call, "POST"),
            route(CALL + "/bxml", self.update_call_bxml, "PUT"),
            route("/accounts/{accountId}/statistics", self.get_statistics, "GET"),
        ]

    async def create_call(self, request: Request) -> Response:
        """POST /calls: 201, `Location` and CreateCallResponse."""
        outbound = validation.outbound_call(await json_body(request))
        call_id = self.platform.place_call(outbound)
        call_url = self.context.account_url("calls", call_id)
        state = self.platform.call_state(call_id) or {"accountId": self.context.account_id}
        body = create_call_response(outbound, call_id, call_url, state)
        return json_response(body, status=201, headers={"Location": call_url})

    async def get_call_state(self, request: Request) -> Response:
        """GET /calls/{callId}: CallState, 404 when unknown."""
        call_id = request.path_params["callId"]
        state = self.platform.call_state(call_id)
        if state is None:
            raise UnknownCallError(call_id)
        return json_response(state)

    async def list_calls(self, request: Request) -> Response:
        """GET /calls: CallStates in creation order, filtered, a page with a `Link` to the next."""
        query = call_query(request.query_params)
        rows = self.platform.list_calls(
            **query.filters(), after_seq=query.page.after, limit=query.page.size + 1
        )
        page, more = rows[: query.page.size], len(rows) > query.page.size
        headers = {}
        if more:
            next_url = request.url.include_query_params(pageToken=str(page[-1][0]))
            headers["Link"] = f'<{next_url}>; rel="next"'
        return json_response([state for _, state in page], headers=headers)

    async def update_call(self, request: Request) -> Response:
        """POST /calls/{callId}: redirect, hang up or tag; 200 with no body."""
        call_id = request.path_params["callId"]
        update = validation.call_update(call_id, await json_body(request))
        self._require_live(call_id)
        self.context.apply(update)
        return empty(200)

    async def update_call_bxml(self, request: Request) -> Response:
        """PUT /calls/{callId}/bxml: replace the running BXML; 204."""
        call_id = request.path_params["callId"]
        text = validation.bxml_text(request.headers.get("content-type"), await request.body())
        self._require_live(call_id)
        self.context.apply(validation.call_bxml(call_id, text))
        return empty(204)

    async def get_statistics(self, _request: Request) -> Response:
        """GET /statistics: the outbound queue's size now and its capacity (spec §5.10)."""
        queue = self.platform.engine.outbound
        capacity = queue.limits.queue_capacity
        return json_response(
            {"currentCallQueueSize": len(queue), "maxCallQueueSize": capacity or 0}
        )

    def _require_live(self, call_id: str) -> None:
        # A call that ended in an earlier run is only in the store: it can no longer change.
        if call_id not in self.platform.engine.calls:
            if self.platform.call_state(call_id) is None:
                raise UnknownCallError(call_id)
            raise CallStateError(f"Call [{call_id}] cannot be modified in its current state")
