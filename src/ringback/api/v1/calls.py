"""v1 `/calls`: create, list, get, update, `/audio`, `/dtmf`, `/gather`, `/events` (v1 §2.1).

Each request is validated here (loosely typed, v1 error bodies) and becomes one v1 command for
the engine (`ringback.engine.v1.commands`); GETs read the engine's live calls.

Simplifications, stated: `from` need not be one of the user's numbers; calls live in memory
(a restarted server forgets v1 calls; applications and numbers are kept); `sipHeaders`,
`diversionTreatment`, `diversionReason` and `volume` are accepted and have no effect.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ringback.api.v1.context import V1Context, created, ok, page, read_body
from ringback.api.v1.values import Body, bad_request
from ringback.api.v1.views import call_view, gather_view
from ringback.engine.call import Call
from ringback.engine.requests import Callback
from ringback.engine.v1 import requests as r
from ringback.engine.v1.leg import V1Leg, leg_of
from ringback.errors import V1ApiError

MAX_CALL_TIMEOUT_S = 300
MAX_CALLBACK_TIMEOUT_MS = 10_000
MAX_SENTENCE = 1000
MAX_GATHER_DIGITS = 30
MAX_INTER_DIGIT_S = 30
DTMF_OUT = re.compile(r"^[0-9A-D#*,wW]{1,92}$")
GENDERS = ("female", "male")
LOCALES = ("en_US", "en_UK", "es", "es_MX", "fr", "fr_FR", "de", "de_DE", "it", "it_IT")
CALL_STATES = ("active", "rejected", "completed", "transferring")
FILE_FORMATS = ("wav", "mp3")
MS_PER_S = 1000


def call_not_found(call_id: str) -> V1ApiError:
    """404 `call-not-found`."""
    message = f"The call '{call_id}' could not be found"
    return V1ApiError(404, "not-found", "call-not-found", message, (("callId", call_id),))


def read_events(body: Body, *, timeout_s: float = r.DEFAULT_CALLBACK_TIMEOUT_S) -> r.Events:
    """`callbackUrl`, `callbackHttpMethod`, `callbackTimeout` (ms), `fallbackUrl`."""
    url = body.url("callbackUrl")
    method = (body.choice("callbackHttpMethod", ("POST", "GET")) or "POST").upper()
    timeout_ms = body.integer("callbackTimeout", 1, MAX_CALLBACK_TIMEOUT_MS)
    fallback = body.url("fallbackUrl")
    callback = None
    if url:
        callback = Callback(url, method, fallback_url=fallback or None, fallback_method=method)
    timeout = timeout_ms / MS_PER_S if timeout_ms is not None else timeout_s
    return r.Events(callback, timeout)


def read_audio(body: Body) -> r.Audio:
    """An audio object (`/audio`, a gather's `prompt`, `whisperAudio`)."""
    file_url = body.raw("fileUrl")
    if isinstance(file_url, dict):
        # bandwidth-sdk 3.0.3's speak_sentence_to_call passes its audio object as `fileUrl`.
        return read_audio(Body(file_url, body.resource))
    sentence = body.text("sentence", max_length=MAX_SENTENCE)
    url = body.text("fileUrl", max_length=2048)
    if url:
        body.url("fileUrl")
    if sentence is None and url is None:
        raise body.missing("sentence")
    body.integer("volume", -4, 4)
    locale = body.choice("locale", LOCALES) or "en_US"
    return r.Audio(
        sentence=sentence,
        file_url=None if sentence is not None else url,
        gender=body.choice("gender", GENDERS) or "female",
        locale=locale,
        voice=body.text("voice", max_length=64),
        loop=bool(body.boolean("loopEnabled")),
        tag=body.text("tag", max_length=256),
    )


class Calls:
    """The `/calls` endpoints."""

    def __init__(self, context: V1Context) -> None:
        self.context = context
        self.platform = context.platform

    def routes(self) -> list[Route]:
        """The routes of this group."""
        route = self.context.route
        return [
            route("/calls", self.create, "POST"),
            route("/calls", self.list_calls, "GET"),
            route("/calls/{callId}", self.get, "GET"),
            route("/calls/{callId}", self.update, "POST"),
            route("/calls/{callId}/audio", self.audio, "POST"),
            route("/calls/{callId}/dtmf", self.dtmf, "POST"),
            route("/calls/{callId}/gather", self.create_gather, "POST"),
            route("/calls/{callId}/gather/{gatherId}", self.get_gather, "GET"),
            route("/calls/{callId}/gather/{gatherId}", self.update_gather, "POST"),
            route("/calls/{callId}/events", self.events, "GET"),
            route("/calls/{callId}/events/{eventId}", self.event, "GET"),
        ]

    def call(self, call_id: str) -> tuple[Call, V1Leg]:
        """A v1 call (404 for an unknown one, or a v2 call)."""
        call = self.platform.engine.calls.get(call_id)
        leg = leg_of(call) if call is not None else None
        if call is None or leg is None:
            raise call_not_found(call_id)
        return call, leg

    async def create(self, request: Request) -> Response:
        """POST /calls → 201 + Location."""
        body = await read_body(request, "call")
        from_ = body.phone("from", required=True, sip=True)
        to = body.phone("to", required=True, sip=True)
        timeout = body.number("callTimeout", 1, MAX_CALL_TIMEOUT_S)
        file_format = body.choice("recordingFileFormat", FILE_FORMATS) or "wav"
        max_duration = body.number("recordingMaxDuration", 1, r.DEFAULT_RECORDING_MAX_S)
        recording = r.Recording(
            enabled=bool(body.boolean("recordingEnabled")),
            file_format=file_format,
            max_duration_s=max_duration or r.DEFAULT_RECORDING_MAX_S,
            transcribe=bool(body.boolean("transcriptionEnabled")),
        )
        sip_headers = body.raw("sipHeaders")
        if sip_headers is not None and not isinstance(sip_headers, dict):
            raise body.invalid("sipHeaders", "an object of X- headers")
        assert from_ is not None
        assert to is not None
        call_id = self.platform.engine.ids.v1("c")
        command = r.PlaceCall(
            call_id=call_id,
            from_=from_,
            to=to,
            events=read_events(body),
            call_timeout_s=timeout or r.DEFAULT_CALL_TIMEOUT_S,
            recording=recording,
            tag=body.text("tag", max_length=256),
            conference_id=self._conference_id(body),
            bridge_id=body.text("bridgeId", max_length=64),
        )
        self.platform.v1_command(command)
        return created(self.context.url("calls", call_id))

    def _conference_id(self, body: Body) -> str | None:
        conference_id = body.text("conferenceId", max_length=64)
        if conference_id is not None and conference_id not in self.platform.engine.v1_conferences:
            message = f"The conference '{conference_id}' could not be found"
            details = (("conferenceId", conference_id),)
            raise V1ApiError(404, "not-found", "conference-not-found", message, details)
        return conference_id

    async def list_calls(self, request: Request) -> Response:
        """GET /calls: filters `from`, `to`, `bridgeId`, `conferenceId`; `sortOrder`."""
        query = request.query_params
        order = query.get("sortOrder", "desc")
        if order not in ("asc", "desc"):
            raise bad_request("validation-error", f"sortOrder must be asc or desc, got {order!r}")
        engine = self.platform.engine
        views = []
        for call in engine.calls.values():
            leg = leg_of(call)
            if leg is not None:
                view = call_view(engine, call, leg)
                if all(view.get(name) == query[name] for name in self._filters(query)):
                    views.append(view)
        views.sort(key=lambda view: view.get("startTime", ""), reverse=order == "desc")
        return page(request, views)

    @staticmethod
    def _filters(query: Any) -> list[str]:
        return [name for name in ("from", "to", "bridgeId", "conferenceId") if name in query]

    async def get(self, request: Request) -> Response:
        """GET /calls/{id}."""
        call, leg = self.call(request.path_params["callId"])
        return JSONResponse(call_view(self.platform.engine, call, leg))

    async def update(self, request: Request) -> Response:
        """POST /calls/{id}: 200, or 201 + the new call's Location for a transfer."""
        call, leg = self.call(request.path_params["callId"])
        body = await read_body(request, "call")
        state = body.choice("state", CALL_STATES)
        transfer = None
        if state == "transferring":
            transfer_to = body.phone("transferTo", required=True, sip=True)
            assert transfer_to is not None
            whisper = body.raw("whisperAudio")
            if whisper is not None and not isinstance(whisper, dict):
                raise body.invalid("whisperAudio", "an audio object")
            transfer = r.Transfer(
                new_call_id=self.platform.engine.ids.v1("c"),
                to=transfer_to,
                caller_id=self._caller_id(body, call),
                events=read_events(body),
                whisper=read_audio(Body(whisper, "whisperAudio")) if whisper else None,
            )
        events = None
        if body.has("callbackUrl") and transfer is None:
            events = read_events(body, timeout_s=leg.events.timeout_s)
        max_duration = body.number("recordingMaxDuration", 1, r.DEFAULT_RECORDING_MAX_S)
        command = r.UpdateCall(
            call_id=call.call_id,
            state=state,
            events=events,
            recording_enabled=body.boolean("recordingEnabled"),
            recording_file_format=body.choice("recordingFileFormat", FILE_FORMATS),
            recording_max_duration_s=max_duration,
            transfer=transfer,
        )
        self.platform.v1_command(command)
        if transfer is not None:
            return created(self.context.url("calls", transfer.new_call_id))
        return ok()

    @staticmethod
    def _caller_id(body: Body, call: Call) -> str | None:
        caller_id = body.text("transferCallerId", max_length=256)
        if caller_id == "private":
            return "Anonymous"
        return caller_id

    async def audio(self, request: Request) -> Response:
        """POST /calls/{id}/audio: speak, play, or stop (`""`)."""
        call, _ = self.call(request.path_params["callId"])
        audio = read_audio(await read_body(request, "audio"))
        self.platform.v1_command(r.PlayAudio(call.call_id, audio))
        return ok()

    async def dtmf(self, request: Request) -> Response:
        """POST /calls/{id}/dtmf `{"dtmfOut": ...}`."""
        call, _ = self.call(request.path_params["callId"])
        body = await read_body(request, "dtmf")
        digits = body.text("dtmfOut", required=True, max_length=92)
        if digits is None or not DTMF_OUT.match(digits):
            raise body.invalid("dtmfOut", "1 to 92 of 0-9, A-D, #, *, and the pauses , w W")
        self.platform.v1_command(r.SendDigits(call.call_id, digits))
        return ok()

    async def create_gather(self, request: Request) -> Response:
        """POST /calls/{id}/gather → 201 + Location of the gather."""
        call, _ = self.call(request.path_params["callId"])
        body = await read_body(request, "gather")
        max_digits = body.integer("maxDigits", 1, MAX_GATHER_DIGITS)
        inter_digit = body.number("interDigitTimeout", 1, MAX_INTER_DIGIT_S)
        terminating = body.text("terminatingDigits", max_length=16)
        if terminating is not None and not re.fullmatch(r"[0-9#*A-D]*", terminating):
            raise body.invalid("terminatingDigits", "DTMF digits (0-9, #, *, A-D)")
        prompt_body = body.raw("prompt")
        if prompt_body is not None and not isinstance(prompt_body, dict):
            raise body.invalid("prompt", "an audio object")
        prompt = read_audio(Body(prompt_body, "prompt")) if prompt_body else None
        gather_id = self.platform.engine.ids.v1("gtr")
        command = r.StartGather(
            call_id=call.call_id,
            gather_id=gather_id,
            max_digits=max_digits or MAX_GATHER_DIGITS,
            inter_digit_timeout_s=inter_digit or 5.0,
            terminating_digits="#" if terminating is None else terminating,
            tag=body.text("tag", max_length=256),
            prompt=prompt,
        )
        self.platform.v1_command(command)
        return created(self.context.url("calls", call.call_id, "gather", gather_id))

    def _gather(self, request: Request) -> tuple[Call, Any]:
        call, leg = self.call(request.path_params["callId"])
        gather_id = request.path_params["gatherId"]
        gather = leg.gathers.get(gather_id)
        if gather is None:
            message = f"The gather '{gather_id}' could not be found"
            details = (("gatherId", gather_id),)
            raise V1ApiError(404, "not-found", "gather-not-found", message, details)
        return call, gather

    async def get_gather(self, request: Request) -> Response:
        """GET /calls/{id}/gather/{gatherId}."""
        call, gather = self._gather(request)
        return JSONResponse(gather_view(self.platform.engine, call, gather))

    async def update_gather(self, request: Request) -> Response:
        """POST /calls/{id}/gather/{gatherId} `{"state": "completed"}`: stop it."""
        call, gather = self._gather(request)
        body = await read_body(request, "gather")
        if body.choice("state", ("completed",)) is None:
            raise body.missing("state")
        self.platform.v1_command(r.StopGather(call.call_id, gather.gather_id))
        return ok()

    async def events(self, request: Request) -> Response:
        """GET /calls/{id}/events: the call's lifecycle steps and callbacks, in order."""
        _, leg = self.call(request.path_params["callId"])
        return page(request, leg.log)

    async def event(self, request: Request) -> Response:
        """GET /calls/{id}/events/{eventId}."""
        _, leg = self.call(request.path_params["callId"])
        event_id = request.path_params["eventId"]
        for entry in leg.log:
            if entry["id"] == event_id:
                return JSONResponse(entry)
        message = f"The event '{event_id}' could not be found"
        raise V1ApiError(404, "not-found", "event-not-found", message, (("eventId", event_id),))
