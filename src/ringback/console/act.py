"""The console's forms: place a call, send the far end a step, move the clock, reset.

Each form is read into the same checked requests the APIs build (`validation.outbound_call`
for an outbound call as POST /calls takes it, `control_bodies` for phone scripts, steps and
inbound calls) and carried out by the same functions, so a form can do nothing the APIs
refuse. A refused form comes back with the message naming the field; an accepted one
redirects to what it made (303, so a reload does not post it again).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute

from ringback.api import control_bodies as bodies
from ringback.api import validation
from ringback.api.control import advance_clock, reset_platform, start_inbound_call
from ringback.api.fields import Fields
from ringback.api.json_input import parse_json
from ringback.api.request_body import read_body
from ringback.console.site import Console
from ringback.engine import facts as f
from ringback.errors import RequestValidationError, RingbackError

MAX_FORM_BYTES = 64 * 1024
DEFAULT_FORM = {
    "from": "+15557654321",
    "to": "+15551234567",
    "applicationId": "console",
    "answerUrl": "http://127.0.0.1:5000/answer",
    "initiateUrl": "",
    "phone": "",
    "seconds": "1",
}
INBOUND_APPLICATION = "console"


def act_routes(console: Console) -> list[BaseRoute]:
    """The forms' routes."""
    forms = Forms(console)
    return [
        console.route("/act", forms.page),
        console.route("/act/outbound", forms.outbound, ("POST",)),
        console.route("/act/inbound", forms.inbound, ("POST",)),
        console.route("/act/advance", forms.advance, ("POST",)),
        console.route("/act/reset", forms.reset, ("POST",)),
        console.route("/calls/{callId}/step", forms.step, ("POST",)),
    ]


class Forms:
    """The form endpoints of one console."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.platform = console.platform

    async def page(self, _request: Request) -> Response:
        """`/act`: the forms."""
        return self._page(DEFAULT_FORM)

    def _page(self, form: dict[str, str], error: str = "", which: str = "") -> Response:
        return self.console.render(
            "act.html",
            status=400 if error else 200,
            form={**DEFAULT_FORM, **form},
            error=error,
            which=which,
            applications=sorted(self.platform.applications),
            json_url="/_ringback/clock",
        )

    async def outbound(self, request: Request) -> Response:
        """Place an outbound call (POST /calls's fields), its far end scripted by `phone`."""
        form = await _form(request)
        try:
            fields: dict[str, Any] = {
                key: form[key] for key in ("from", "to", "answerUrl", "applicationId")
            }
            for key in ("disconnectUrl", "tag"):
                if form.get(key):
                    fields[key] = form[key]
            call = validation.outbound_call(Fields.of(fields))
            phone = _phone(form)
            if phone is not None:
                self.platform.put_phone(call.to, phone)
            call_id = self.platform.place_call(call)
        except RingbackError as exc:
            return self._page(form, _message(exc), "outbound")
        return RedirectResponse(f"/calls/{call_id}", status_code=303)

    async def inbound(self, request: Request) -> Response:
        """An inbound call to `to`, the caller scripted by `phone`; `initiateUrl` sets the app."""
        form = await _form(request)
        try:
            app_id = form.get("applicationId") or None
            if form.get("initiateUrl"):
                app_id = app_id or INBOUND_APPLICATION
                settings = {"callInitiatedCallbackUrl": form["initiateUrl"]}
                self.platform.put_application(bodies.read_application(app_id, settings))
            body: dict[str, Any] = {"from": form.get("from"), "to": form.get("to")}
            if app_id:
                body["applicationId"] = app_id
            phone = _phone_json(form)
            if phone is not None:
                body["phone"] = phone
            call_id = start_inbound_call(self.platform, bodies.read_inbound_call(body))
        except RingbackError as exc:
            return self._page(form, _message(exc), "inbound")
        return RedirectResponse(f"/calls/{call_id}", status_code=303)

    async def step(self, request: Request) -> Response:
        """Steps for a live call's far end: `press`, `say`, `hangup`, or a JSON step list."""
        call_id = request.path_params["callId"]
        form = await _form(request)
        wire: list[Any] = []
        if form.get("press"):
            wire.append({"press": form["press"]})
        if form.get("say"):
            wire.append({"say": form["say"]})
        if form.get("hangup"):
            wire.append({"hangup": True})
        try:
            if form.get("steps"):
                parsed = parse_json(form["steps"].encode())
                wire += parsed if isinstance(parsed, list) else [parsed]
            if not wire:
                raise RequestValidationError("Nothing to send: fill in a step", field="steps")
            steps = bodies.read_steps(wire)
            self.platform.request(f.PhoneStepsAdded, call_id=call_id, steps=steps)
        except (RingbackError, KeyError) as exc:
            return self.console.render(
                "not_found.html", status=400, message=f"Step refused: {_message(exc)}"
            )
        return RedirectResponse(f"/calls/{call_id}", status_code=303)

    async def advance(self, request: Request) -> Response:
        """Move a virtual or manual clock forward by `seconds`."""
        form = await _form(request)
        try:
            seconds = bodies.read_advance({"seconds": _number(form.get("seconds", ""))})
            await advance_clock(self.platform, seconds)
        except RingbackError as exc:
            return self._page(form, _message(exc), "advance")
        return RedirectResponse("/act", status_code=303)

    async def reset(self, _request: Request) -> Response:
        """Forget every call and setting (`serve`'s defaults come back)."""
        await reset_platform(self.platform, self.console.after_reset)
        return RedirectResponse("/", status_code=303)


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form, at most MAX_FORM_BYTES, as single values."""
    raw = await read_body(request, MAX_FORM_BYTES)
    parsed = parse_qs(raw.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {key: values[-1].strip() for key, values in parsed.items()}


def _phone_json(form: dict[str, str]) -> Any:
    text = form.get("phone") or ""
    return parse_json(text.encode()) if text else None


def _phone(form: dict[str, str]) -> Any:
    data = _phone_json(form)
    return None if data is None else bodies.read_phone(data, "phone")


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text  # read_advance names the field and what was wrong


def _message(exc: Exception) -> str:
    description = getattr(exc, "description", None)
    return str(description or exc)
