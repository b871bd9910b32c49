"""The control API under `/_ringback`: what a test needs that Bandwidth does not expose.

A public contract (DESIGN.md, "The control API and phone scripts"): users' test suites call
these paths, so they are extended, never renamed. JSON is camelCase. Handlers raise
`ringback.errors` exceptions; the app's one error renderer turns them into Bandwidth's
`{type, description, id}` body. Bodies are checked in `ringback.api.control_bodies`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ringback.api import control_bodies as bodies
from ringback.api.call_filters import find_calls, read_call_filters
from ringback.api.control_conferences import conference_list, conference_story
from ringback.api.control_messages import (
    MESSAGING_KEYS,
    messaging_settings,
    read_messaging_application,
)
from ringback.api.request_body import read_json
from ringback.api.timeline_entries import timeline_entry
from ringback.engine import facts as f
from ringback.engine.clock import ClockMode
from ringback.errors import (
    CallStillUpError,
    ClockModeError,
    RequestValidationError,
    ResourceNotFoundError,
    UnknownApplicationError,
    UnknownCallError,
    UnknownConferenceError,
)
from ringback.events import timestamp_from_epoch
from ringback.phones.script import script_to_wire, step_to_wire
from ringback.runtime import Platform

PREFIX = "/_ringback"
DEFAULT_WAIT_TIMEOUT_S = 10.0
MAX_WAIT_TIMEOUT_S = 3600.0


def control_routes(
    platform: Platform, after_reset: Callable[[], None] | None = None
) -> list[BaseRoute]:
    """Every control endpoint, bound to a platform; `after_reset` re-applies default settings."""
    return ControlApi(platform, after_reset).routes()


class ControlApi:
    """The control endpoints of one platform."""

    def __init__(self, platform: Platform, after_reset: Callable[[], None] | None) -> None:
        self.platform = platform
        self.after_reset = after_reset

    def routes(self) -> list[BaseRoute]:
        """The Starlette routes."""
        return [
            Route(
                f"{PREFIX}/applications/{{applicationId}}", self.put_application, methods=["PUT"]
            ),
            Route(
                f"{PREFIX}/applications/{{applicationId}}", self.get_application, methods=["GET"]
            ),
            Route(f"{PREFIX}/numbers/{{number}}", self.put_number, methods=["PUT"]),
            Route(f"{PREFIX}/numbers/{{number}}", self.get_number, methods=["GET"]),
            Route(f"{PREFIX}/phones/{{number}}", self.put_phone, methods=["PUT"]),
            Route(f"{PREFIX}/phones/{{number}}", self.get_phone, methods=["GET"]),
            Route(f"{PREFIX}/phones/{{number}}", self.delete_phone, methods=["DELETE"]),
            Route(f"{PREFIX}/calls", self.create_call, methods=["POST"]),
            Route(f"{PREFIX}/calls", self.list_calls, methods=["GET"]),
            Route(f"{PREFIX}/calls/{{callId}}/phone", self.add_steps, methods=["POST"]),
            Route(f"{PREFIX}/calls/{{callId}}/timeline", self.timeline, methods=["GET"]),
            Route(f"{PREFIX}/calls/{{callId}}/wait", self.wait, methods=["GET"]),
            Route(f"{PREFIX}/conferences", self.conferences, methods=["GET"]),
            Route(f"{PREFIX}/conferences/{{conferenceId}}", self.conference, methods=["GET"]),
            Route(f"{PREFIX}/audio", self.get_audio, methods=["GET"]),
            Route(f"{PREFIX}/audio", self.put_audio, methods=["PUT"]),
            Route(f"{PREFIX}/limits", self.get_limits, methods=["GET"]),
            Route(f"{PREFIX}/limits", self.put_limits, methods=["PUT"]),
            Route(f"{PREFIX}/clock", self.clock, methods=["GET"]),
            Route(f"{PREFIX}/clock/advance", self.advance, methods=["POST"]),
            Route(f"{PREFIX}/reset", self.reset, methods=["POST"]),
        ]

    # ---- settings --------------------------------------------------------------------------

    async def put_application(self, request: Request) -> Response:
        """PUT /applications/{applicationId}: an application for inbound calls, messages or
        both (voice settings when the body has any, or no messaging settings)."""
        app_id = request.path_params["applicationId"]
        data = bodies.as_object(await _json(request))
        messaging = read_messaging_application(app_id, data)
        voice_keys = [key for key in data if key not in (*MESSAGING_KEYS, "applicationId")]
        app = None
        if voice_keys or messaging is None:
            app = bodies.read_application(
                app_id, {k: v for k, v in data.items() if k not in MESSAGING_KEYS}
            )
        elif data.get("applicationId") not in (None, app_id):
            bodies.read_application(app_id, data)  # refuses the mismatched applicationId
        if app is not None:
            self.platform.put_application(app)
        if messaging is not None:
            self.platform.texting.put_application(messaging)
        return JSONResponse(self._settings(app_id))

    async def get_application(self, request: Request) -> Response:
        """GET /applications/{applicationId}: the settings as PUT took them."""
        return JSONResponse(self._settings(request.path_params["applicationId"]))

    def _settings(self, app_id: str) -> dict[str, Any]:
        app = self.platform.applications.get(app_id)
        messaging = self.platform.texting.core.applications.get(app_id)
        if app is None and messaging is None:
            raise ResourceNotFoundError(
                f"Application {app_id} not found: PUT {PREFIX}/applications/{app_id} first"
            )
        voice = bodies.application_settings(app) if app else {"applicationId": app_id}
        return {**voice, **messaging_settings(messaging)}

    async def put_number(self, request: Request) -> Response:
        """PUT /numbers/{number}: route inbound calls to an application (`*`: any number)."""
        number = request.path_params["number"]
        app_id = bodies.read_number_route(number, await _json(request))
        self.platform.put_number(number, app_id)
        return JSONResponse({"number": number, "applicationId": app_id})

    async def get_number(self, request: Request) -> Response:
        """GET /numbers/{number}: the application a number routes to."""
        number = request.path_params["number"]
        app_id = self.platform.numbers.get(number)
        if app_id is None:
            raise ResourceNotFoundError(
                f"Number {number} is not routed: PUT {PREFIX}/numbers/{number}"
                ' {"applicationId": ...}'
            )
        return JSONResponse({"number": number, "applicationId": app_id})

    async def put_phone(self, request: Request) -> Response:
        """PUT /phones/{number}: the far end behind a number."""
        number = request.path_params["number"]
        bodies.check_address(number, "number")
        script = bodies.read_phone(await _json(request), "")
        self.platform.put_phone(number, script)
        return JSONResponse({"number": number, **script_to_wire(script)})

    async def get_phone(self, request: Request) -> Response:
        """GET /phones/{number}: the script behind a number."""
        number = request.path_params["number"]
        script = self.platform.engine.phones.get(number)
        if script is None:
            raise ResourceNotFoundError(
                f"No phone script for {number}: it answers after 1 s and stays silent;"
                f" PUT {PREFIX}/phones/{number} to script it"
            )
        return JSONResponse({"number": number, **script_to_wire(script)})

    async def get_audio(self, _request: Request) -> Response:
        """GET /audio: `<PlayAudio>` URLs served from local files, and the fallback."""
        return JSONResponse(bodies.audio_sources_view(self.platform.audio_sources))

    async def put_audio(self, request: Request) -> Response:
        """PUT /audio: map URLs to local files; set what unreachable audio becomes."""
        sources = bodies.read_audio_sources(await _json(request), self.platform.audio_sources)
        for url, path in sources.files:
            folder = url.endswith("/")
            if not (os.path.isdir(path) if folder else os.path.isfile(path)):
                what = "a folder (the URL ends in /)" if folder else "a file"
                name = f"files[{url!r}]"
                raise RequestValidationError(f"Invalid {name}: {path} is not {what}", field=name)
        self.platform.audio_sources = sources
        self.platform.audio_cache.clear()  # a URL measured before may now be a local file
        return JSONResponse(bodies.audio_sources_view(sources))

    async def get_limits(self, _request: Request) -> Response:
        """GET /limits: the account's outbound call limits and its queue now."""
        queue = self.platform.engine.outbound
        return JSONResponse(bodies.call_limits_view(queue.limits, len(queue)))

    async def put_limits(self, request: Request) -> Response:
        """PUT /limits: change the outbound limits; calls waiting may start at once."""
        queue = self.platform.engine.outbound
        limits = bodies.read_call_limits(await _json(request), queue.limits)
        self.platform.request(f.CallLimitsChanged, limits=limits)
        return JSONResponse(bodies.call_limits_view(queue.limits, len(queue)))

    async def delete_phone(self, request: Request) -> Response:
        """DELETE /phones/{number}: forget the script; the number answers silently again."""
        number = request.path_params["number"]
        if not self.platform.delete_phone(number):
            raise ResourceNotFoundError(f"No phone script for {number}: nothing to delete")
        return Response(status_code=204)

    # ---- calls -----------------------------------------------------------------------------

    async def create_call(self, request: Request) -> Response:
        """POST /calls: an inbound call from `from` to `to`; 201 with its callId."""
        call_id = start_inbound_call(self.platform, bodies.read_inbound_call(await _json(request)))
        return JSONResponse({"callId": call_id}, status_code=201)

    async def list_calls(self, request: Request) -> Response:
        """GET /calls?state=&cause=&number=&applicationId=&id=&limit=: calls, newest first."""
        filters = read_call_filters(request.query_params)
        return JSONResponse({"calls": find_calls(self.platform, filters)})

    async def add_steps(self, request: Request) -> Response:
        """POST /calls/{callId}/phone: steps for the far end to do now."""
        call_id = request.path_params["callId"]
        steps = bodies.read_steps(await _json(request))
        self.platform.request(f.PhoneStepsAdded, call_id=call_id, steps=steps)
        return JSONResponse({"callId": call_id, "steps": [step_to_wire(s) for s in steps]})

    async def timeline(self, request: Request) -> Response:
        """GET /calls/{callId}/timeline: everything that happened on the call, in order."""
        call_id = request.path_params["callId"]
        state = self.platform.call_state(call_id)
        if state is None:
            raise UnknownCallError(call_id)
        entries = [timeline_entry(entry) for entry in self.platform.timeline(call_id)]
        return JSONResponse({"callId": call_id, "call": state, "entries": entries})

    async def wait(self, request: Request) -> Response:
        """GET /calls/{callId}/wait?timeout=10: the call's state once it has ended, else 408."""
        call_id = request.path_params["callId"]
        timeout_s = bodies.read_timeout(
            request.query_params.get("timeout"),
            default=DEFAULT_WAIT_TIMEOUT_S,
            high=MAX_WAIT_TIMEOUT_S,
        )
        if not await self.platform.wait(call_id, timeout_s):
            state = self.platform.call_state(call_id) or {}
            hint = ""
            if self.platform.config.clock is ClockMode.MANUAL:
                hint = f"; the clock is manual: POST {PREFIX}/clock/advance to move it"
            raise CallStillUpError(
                f"Call [{call_id}] is still {state.get('state', 'up')} after waiting"
                f" {timeout_s:g} s{hint}"
            )
        return JSONResponse(self.platform.call_state(call_id))

    # ---- conferences -----------------------------------------------------------------------

    async def conferences(self, _request: Request) -> Response:
        """GET /conferences: every conference of this run, newest first."""
        return JSONResponse({"conferences": conference_list(self.platform)})

    async def conference(self, request: Request) -> Response:
        """GET /conferences/{id}: the conference, its members over time, its webhooks."""
        conference_id = request.path_params["conferenceId"]
        story = conference_story(self.platform, conference_id)
        if story is None:
            raise UnknownConferenceError(f"Conference [{conference_id}] not found")
        story["entries"] = [timeline_entry(entry) for entry in story["entries"]]
        return JSONResponse(story)

    # ---- clock and reset -------------------------------------------------------------------

    async def clock(self, _request: Request) -> Response:
        """GET /clock: the active clock's time and mode."""
        return JSONResponse(self._clock())

    async def advance(self, request: Request) -> Response:
        """POST /clock/advance {"seconds": n}: move a virtual or manual clock forward."""
        seconds = bodies.read_advance(await _json(request, empty={}))
        await advance_clock(self.platform, seconds)
        return JSONResponse(self._clock())

    def _clock(self) -> dict[str, Any]:
        now = self.platform.now()
        due = self.platform.timers.next_due()
        return {
            "now": timestamp_from_epoch(now),
            "epoch": now,
            "mode": self.platform.config.clock.value,
            "idle": self.platform.config.idle_s,
            "nextTimer": None if due is None else timestamp_from_epoch(due),
        }

    async def reset(self, _request: Request) -> Response:
        """POST /reset: forget every call, setting and timer (default settings come back)."""
        await reset_platform(self.platform, self.after_reset)
        return JSONResponse({"reset": True, "clock": self._clock()})


# ---- what the console's forms do too -------------------------------------------------------


def start_inbound_call(platform: Platform, call: bodies.InboundCall) -> str:
    """An inbound call as POST /calls describes it; returns its id."""
    # Without a script in the body, the caller is the phone registered for `from`, if any.
    phone = call.phone or platform.engine.phones.get(call.from_)
    if platform.routes_to_v1(call.to, call.application_id):
        try:  # a v1 number or application (spec bandwidth-v1.md §3.0)
            return platform.v1_inbound_call(call.from_, call.to, call.application_id, phone)
        except UnknownApplicationError as exc:
            raise ResourceNotFoundError(str(exc)) from None
    app_id = _application_for(platform, call.to, call.application_id)
    try:
        return platform.inbound_call(call.from_, call.to, app_id, phone)
    except UnknownApplicationError as exc:  # pragma: no cover - _application_for checks
        raise ResourceNotFoundError(str(exc)) from None


def _application_for(platform: Platform, to: str, named: str | None) -> str:
    numbers = platform.numbers
    app_id = named or numbers.get(to) or numbers.get(bodies.ANY_NUMBER)
    if app_id is None:
        raise ResourceNotFoundError(
            f'No application for {to}: PUT {PREFIX}/numbers/{to} {{"applicationId": ...}}'
            ' (or /numbers/* for every number), or name an "applicationId" in the body'
        )
    if app_id not in platform.applications:
        how = "named in the body" if named else f"routed from {to}"
        raise ResourceNotFoundError(
            f"Application {app_id} ({how}) not found: PUT {PREFIX}/applications/{app_id}"
            ' with its "callInitiatedCallbackUrl" first'
        )
    return app_id


async def advance_clock(platform: Platform, seconds: float) -> None:
    """Move a virtual or manual clock forward; a real clock cannot be moved."""
    if platform.config.clock is ClockMode.REAL:
        raise ClockModeError(
            "The clock is real (wall-clock time) and cannot be advanced;"
            " start Ringback with --clock virtual or --clock manual"
        )
    try:
        await platform.advance(seconds)
    except ValueError as exc:  # past the furthest time the clock may show
        raise RequestValidationError(f"Invalid seconds: {exc}", field="seconds") from None


async def reset_platform(platform: Platform, after_reset: Callable[[], None] | None) -> None:
    """Forget every call, setting and timer, then re-apply the default settings."""
    await platform.reset()
    if after_reset is not None:
        after_reset()


async def _json(request: Request, empty: Any = None) -> Any:
    return await read_json(request, empty=empty)
