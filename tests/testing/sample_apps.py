"""The same small voice app three ways (FastAPI, Flask, aiohttp), as users write them.

/answer plays a one-digit menu; /menu: 1 says goodbye and hangs up, 2 records a message
(transcribed; # ends it), anything else repeats the menu once. /status takes `disconnect` and the
other async events. Each app keeps what it was sent in `SEEN` (event type and callId), so a test
can see what the app saw, duplicates included.
"""

import json
from typing import Any

SEEN: list[tuple[str, str]] = []

MENU = (
    '<?xml version="1.0" encoding="UTF-8"?><Response>'
    '<Gather gatherUrl="/menu" maxDigits="1" firstDigitTimeout="5">'
    "<SpeakSentence>For sales press 1, for a voicemail press 2.</SpeakSentence>"
    "</Gather></Response>"
)
GOODBYE = "<Response><SpeakSentence>Goodbye.</SpeakSentence><Hangup/></Response>"
VOICEMAIL = (
    "<Response><SpeakSentence>Leave a message after the tone.</SpeakSentence>"
    '<Record recordCompleteUrl="/status" recordingAvailableUrl="/status" transcribe="true"'
    ' transcriptionAvailableUrl="/status" terminatingDigits="#" maxDuration="60"/>'
    "</Response>"
)


def answer_menu(event: dict[str, Any]) -> str:
    """BXML for /menu."""
    SEEN.append((event["eventType"], event["callId"]))
    digits = event.get("digits")
    if digits == "1":
        return GOODBYE
    if digits == "2":
        return VOICEMAIL
    return MENU


def answer_status(event: dict[str, Any]) -> str:
    """BXML (or nothing) for /status."""
    SEEN.append((event["eventType"], event["callId"]))
    return GOODBYE if event["eventType"] == "recordComplete" else ""


def answer_call(event: dict[str, Any]) -> str:
    """BXML for /answer."""
    SEEN.append((event["eventType"], event["callId"]))
    return MENU


def fastapi_app() -> Any:
    """The app on FastAPI (ASGI)."""
    from fastapi import FastAPI, Request
    from fastapi.responses import Response

    app = FastAPI()
    routes = {"/answer": answer_call, "/menu": answer_menu, "/status": answer_status}
    for path, handler in routes.items():

        async def endpoint(request: Request, handler: Any = handler) -> Response:
            return Response(handler(await request.json()), media_type="application/xml")

        app.add_api_route(path, endpoint, methods=["POST"])
    return app


def flask_app() -> Any:
    """The app on Flask (WSGI)."""
    from flask import Flask, request

    app = Flask(__name__)
    routes = {"/answer": answer_call, "/menu": answer_menu, "/status": answer_status}
    for path, handler in routes.items():

        def endpoint(handler: Any = handler) -> tuple[str, int, dict[str, str]]:
            return handler(request.get_json()), 200, {"Content-Type": "application/xml"}

        app.add_url_rule(path, path, endpoint, methods=["POST"])
    return app


def aiohttp_app() -> Any:
    """The app on aiohttp."""
    from aiohttp import web

    app = web.Application()
    routes = {"/answer": answer_call, "/menu": answer_menu, "/status": answer_status}
    for path, handler in routes.items():

        async def endpoint(request: web.Request, handler: Any = handler) -> web.Response:
            return web.Response(text=handler(await request.json()), content_type="application/xml")

        app.router.add_post(path, endpoint)
    return app


def rest_calling_app(configuration: Any, account_id: str) -> Any:
    """A FastAPI app whose /answer places one call to +15557770001 with the SDK, then hangs up.

    The call it places is answered at /answer?placed=1, which places no more.
    """
    import bandwidth
    from fastapi import FastAPI, Request
    from fastapi.responses import Response

    app = FastAPI()

    @app.post("/answer")
    def answer(request: Request) -> Response:  # sync: FastAPI runs it in a thread
        if "placed" in request.query_params:
            return Response("<Response><Hangup/></Response>", media_type="application/xml")
        with bandwidth.ApiClient(configuration) as client:
            bandwidth.CallsApi(client).create_call(
                account_id,
                bandwidth.CreateCall(
                    to="+15557770001",
                    var_from="+15551112222",
                    application_id="app",
                    answer_url=f"{request.url}?placed=1",
                ),
            )
        return Response("<Response><Hangup/></Response>", media_type="application/xml")

    return app


def django_apps() -> tuple[Any, Any]:
    """The app on Django: (its WSGI handler, its ASGI handler), this module as ROOT_URLCONF."""
    import django
    from django.conf import settings
    from django.core.handlers.asgi import ASGIHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.http import HttpRequest, HttpResponse
    from django.urls import path

    def view(handler: Any) -> Any:
        def endpoint(request: HttpRequest) -> HttpResponse:
            return HttpResponse(handler(json.loads(request.body)), content_type="application/xml")

        return endpoint

    routes = {"answer": answer_call, "menu": answer_menu, "status": answer_status}
    globals()["urlpatterns"] = [path(name, view(handler)) for name, handler in routes.items()]
    if not settings.configured:
        settings.configure(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["127.0.0.1"], MIDDLEWARE=[])
        django.setup()
    return WSGIHandler(), ASGIHandler()
