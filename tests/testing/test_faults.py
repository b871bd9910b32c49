"""Faults on purpose through a real platform and app: what the app receives, and the timeline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ringback.testing import Fault, Phone, Ringback, serve_app

VOICEMAIL = (
    '<Response><Record recordingAvailableUrl="/status" transcribe="true"'
    ' transcriptionAvailableUrl="/status" terminatingDigits="#" maxDuration="60"/>'
    '<Pause duration="5"/><Hangup/></Response>'
)
MENU = '<Response><Gather gatherUrl="/menu" maxDigits="1"/></Response>'
# The app hangs up after the gather: no webhook races the phone's own hangup.
MENU_CALL = Phone().wait_for_gather().press("1")


class RecordingApp:
    """A Starlette app that answers from a table and keeps every event it was sent."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.answers = {"/answer": MENU, "/menu": "<Response><Hangup/></Response>"}

    def app(self) -> Starlette:
        """The ASGI app."""

        async def endpoint(request: Request) -> Response:
            event: dict[str, Any] = await request.json()
            self.seen.append(event["eventType"])
            body = self.answers.get(request.url.path, "")
            return Response(body, media_type="application/xml")

        return Starlette(
            routes=[Route(p, endpoint, methods=["POST"]) for p in ("/answer", "/menu", "/status")]
        )


@pytest.fixture
def app() -> RecordingApp:
    """A fresh recording app."""
    return RecordingApp()


@pytest.fixture
def url(app: RecordingApp) -> Iterator[str]:
    """The recording app, served."""
    with serve_app(app.app()) as base:
        yield base


def test_duplicate_delivers_an_async_webhook_twice(
    ringback: Ringback, app: RecordingApp, url: str
) -> None:
    """The app gets `disconnect` twice; the second is marked on the timeline."""
    call = ringback.call(
        f"{url}/answer",
        Phone().wait_for_gather().press("1"),
        disconnect_url=f"{url}/status",
        faults=[Fault.duplicate("disconnect")],
    )
    assert app.seen == ["answer", "gather", "disconnect", "disconnect"]
    assert call.events() == ["answer", "gather", "disconnect", "disconnect"]
    assert [w.fault for w in call.webhooks("disconnect")] == [None, "duplicate"]
    assert "fault on purpose: duplicate" in call.render()


def test_fail_first_makes_the_retry_the_answer(
    ringback: Ringback, app: RecordingApp, url: str
) -> None:
    """The app answers `gather` twice; Ringback uses the second answer, the call goes on."""
    call = ringback.call(
        f"{url}/answer", Phone().wait_for_gather().press("1"), faults=[Fault.fail_first("gather")]
    )
    assert app.seen == ["answer", "gather", "gather"]
    gather = call.raw_webhook("gather")
    assert (gather.attempts, gather.status, gather.fault) == (2, 200, "fail-first")
    assert call.events() == ["answer", "gather"]
    assert call.ended_normally


def test_delay_holds_an_async_webhook_while_the_call_goes_on(
    ringback: Ringback, app: RecordingApp, url: str
) -> None:
    """recordingAvailable delayed 30 s of call time arrives after `disconnect`."""
    app.answers["/answer"] = VOICEMAIL
    call = ringback.call(
        f"{url}/answer",
        Phone().wait_for_record().say("call me back").press("#"),
        disconnect_url=f"{url}/status",
        faults=[Fault.delay(30, "recordingAvailable")],
    )
    assert app.seen[-2:] == ["disconnect", "recordingAvailable"]
    delayed = call.raw_webhook("recordingAvailable")
    assert delayed.at - call.raw_webhook("transcriptionAvailable").at == pytest.approx(30)
    assert delayed.fault == "delay 30 s"


def test_reorder_swaps_an_async_webhook_with_the_next(
    ringback: Ringback, app: RecordingApp, url: str
) -> None:
    """recordingAvailable held back: transcriptionAvailable, sent with it, overtakes it."""
    app.answers["/answer"] = VOICEMAIL
    ringback.inject(Fault.reorder("recordingAvailable"))
    call = ringback.call(
        f"{url}/answer",
        Phone().wait_for_record().say("call me back").press("#"),
        disconnect_url=f"{url}/status",
    )
    assert app.seen == [
        "answer",
        "transcriptionAvailable",
        "recordingAvailable",
        "disconnect",
    ]
    assert call.raw_webhook("recordingAvailable").fault == "reorder"


def test_reset_ends_the_faults_of_a_test(ringback: Ringback, app: RecordingApp, url: str) -> None:
    """Faults injected for a test are gone after the reset; run faults are not used here."""
    ringback.inject(Fault.duplicate())
    ringback.reset()
    ringback.call(f"{url}/answer", MENU_CALL, disconnect_url=f"{url}/status")
    assert app.seen == ["answer", "gather", "disconnect"]


def test_run_faults_apply_to_every_call_after_each_reset(app: RecordingApp, url: str) -> None:
    """Ringback(faults=...) holds for the whole run, resets included."""
    with Ringback(faults=[Fault.duplicate("disconnect")]) as rb:
        for _ in range(2):
            rb.reset()
            rb.call(f"{url}/answer", MENU_CALL, disconnect_url=f"{url}/status")
    assert app.seen == ["answer", "gather", "disconnect", "disconnect"] * 2
