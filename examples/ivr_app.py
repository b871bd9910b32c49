"""An IVR voice app for Bandwidth, written as a user would: aiohttp.web and the official SDK's BXML.

Run it:   python examples/ivr_app.py --port 5000 [--agent +15557770001]
Call it:  ringback inbound --initiate-url http://localhost:5000/initiate \
              --status-url http://localhost:5000/disconnect --press 2 --say "call me back"

The menu: press 1 for sales (the call is transferred to an agent), 2 to leave a voicemail
(recorded and transcribed; press # when done); anything else, or nothing, plays the menu once
more and then says goodbye. Webhooks are Bandwidth's: `initiate` at /initiate (or /answer),
`answer` (an outbound call) at /answer, `gather` at /menu, `transferComplete`,
`recordComplete`, `recordingAvailable`, `transcriptionAvailable`, and `disconnect` at
/disconnect. Relative URLs in the BXML resolve
against the URL that was called, so the app never needs to know its own address.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from bandwidth.models.bxml import (
    Gather,
    Hangup,
    PhoneNumber,
    Record,
    Response,
    SpeakSentence,
    Transfer,
)

DEFAULT_AGENT_NUMBER = "+15557770001"
MENU_ATTEMPTS = 2
FIRST_DIGIT_TIMEOUT_S = 5
VOICEMAIL_MAX_S = 120
VOICEMAIL_SILENCE_TIMEOUT_S = 10

log = logging.getLogger("ivr_app")


@dataclass
class IvrLog:
    """What the app has seen: voicemails, transcriptions ready, calls ended."""

    voicemails: list[dict[str, Any]] = field(default_factory=list)
    transcriptions: list[dict[str, Any]] = field(default_factory=list)
    ended: list[dict[str, Any]] = field(default_factory=list)


IVR_LOG = web.AppKey("ivr_log", IvrLog)
AGENT_NUMBER = web.AppKey("agent_number", str)


def bxml(*verbs: Any) -> web.Response:
    """A BXML document as the HTTP answer to a webhook."""
    return web.Response(text=Response(list(verbs)).to_bxml(), content_type="application/xml")


def menu(attempt: int) -> Gather:
    """The main menu: one digit, sent to /menu with the attempt number."""
    prompt = SpeakSentence("For sales, press 1. To leave us a voicemail, press 2.")
    return Gather(
        audio_verbs=[prompt],
        gather_url=f"/menu?attempt={attempt}",
        max_digits=1,
        first_digit_timeout=FIRST_DIGIT_TIMEOUT_S,
    )


async def payload(request: web.Request) -> dict[str, Any]:
    """A webhook's event, whether it came as JSON (POST) or as query parameters (GET)."""
    if request.method == "GET":
        return dict(request.query)
    data: dict[str, Any] = await request.json()
    return data


async def answer(request: web.Request) -> web.Response:
    """`initiate` (inbound) or `answer` (outbound): greet the caller and play the menu."""
    event = await payload(request)
    log.info("%s %s from %s", event["eventType"], event["callId"], event.get("from"))
    return bxml(SpeakSentence("Thanks for calling Ringback Widgets."), menu(attempt=1))


async def menu_choice(request: web.Request) -> web.Response:
    """`gather`: route the caller by the digit pressed."""
    event = await payload(request)
    digits = event.get("digits", "")
    attempt = int(request.query.get("attempt", "1"))
    log.info("%s pressed %r (attempt %d)", event["callId"], digits, attempt)
    if digits == "1":
        agent = request.app[AGENT_NUMBER]
        return bxml(
            SpeakSentence("Connecting you to sales."),
            Transfer([PhoneNumber(agent)], transfer_complete_url="/transfer/complete"),
        )
    if digits == "2":
        return bxml(
            SpeakSentence("Please leave a message after the tone, then press pound."),
            Record(
                record_complete_url="/voicemail/complete",
                recording_available_url="/voicemail/recording",
                transcribe=True,
                transcription_available_url="/voicemail/transcription",
                terminating_digits="#",
                max_duration=VOICEMAIL_MAX_S,
                silence_timeout=str(VOICEMAIL_SILENCE_TIMEOUT_S),
            ),
        )
    if attempt < MENU_ATTEMPTS:
        return bxml(SpeakSentence("Sorry, that is not an option."), menu(attempt + 1))
    return bxml(SpeakSentence("Sorry we could not help you today. Goodbye."), Hangup())


async def transfer_complete(request: web.Request) -> web.Response:
    """`transferComplete`: the agent's leg ended; the caller is still here."""
    event = await payload(request)
    log.info("%s transfer complete: %s", event["callId"], event.get("cause"))
    return bxml(SpeakSentence("Thank you for calling. Goodbye."), Hangup())


async def voicemail_complete(request: web.Request) -> web.Response:
    """`recordComplete`: the caller pressed # (or went quiet)."""
    event = await payload(request)
    log.info("%s left a voicemail of %s", event["callId"], event.get("duration"))
    return bxml(SpeakSentence("Your message was recorded. Goodbye."), Hangup())


async def voicemail_recording(request: web.Request) -> web.Response:
    """`recordingAvailable`: the audio can be downloaded from `mediaUrl`."""
    event = await payload(request)
    request.app[IVR_LOG].voicemails.append(event)
    log.info("recording %s ready at %s", event.get("recordingId"), event.get("mediaUrl"))
    return web.Response()


async def voicemail_transcription(request: web.Request) -> web.Response:
    """`transcriptionAvailable`: the text can be fetched from the transcription's URL."""
    event = await payload(request)
    request.app[IVR_LOG].transcriptions.append(event)
    log.info("transcription of %s ready", event.get("recordingId"))
    return web.Response()


async def disconnect(request: web.Request) -> web.Response:
    """`disconnect`: the call is over."""
    event = await payload(request)
    request.app[IVR_LOG].ended.append(event)
    log.info("%s ended: %s", event["callId"], event.get("cause"))
    return web.Response()


def create_app(agent_number: str = DEFAULT_AGENT_NUMBER) -> web.Application:
    """The IVR as an aiohttp application; `app[IVR_LOG]` shows what it has seen."""
    app = web.Application()
    app[IVR_LOG] = IvrLog()
    app[AGENT_NUMBER] = agent_number
    routes = [
        ("/answer", answer),
        ("/initiate", answer),
        ("/menu", menu_choice),
        ("/transfer/complete", transfer_complete),
        ("/voicemail/complete", voicemail_complete),
        ("/voicemail/recording", voicemail_recording),
        ("/voicemail/transcription", voicemail_transcription),
        ("/disconnect", disconnect),
    ]
    for path, handler in routes:
        app.router.add_post(path, handler)
        app.router.add_get(path, handler)
    return app


def main() -> None:
    """python examples/ivr_app.py --port 5000"""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--agent", default=DEFAULT_AGENT_NUMBER, help="the sales agent's number")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    web.run_app(create_app(args.agent), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
