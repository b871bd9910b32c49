"""`ringback.testing` without pytest's plugin: the context manager, calls, results, the REST API."""

from __future__ import annotations

import unittest
from typing import Any

import bandwidth
import pytest

from ringback.errors import AppServingError, PhoneScriptError, WebhookNotFoundError
from ringback.testing import Phone, Ringback, serve_app
from ringback.testing.apps import interface_of

from . import sample_apps


def test_phone_builds_the_control_api_script_format() -> None:
    """The fluent phone is exactly docs/control-api.md's phone script."""
    phone = (
        Phone(answer_after=1.0)
        .wait_for_gather()
        .press("1234#")
        .wait(2.5)
        .wait_for_heard("after the tone")
        .say("please call me back", duration=3)
        .hang_up()
    )
    assert phone.to_script() == {
        "answer": "human",
        "answerAfter": 1.0,
        "steps": [
            {"waitFor": "gather"},
            {"press": "1234#"},
            {"wait": 2.5},
            {"waitFor": {"heard": "after the tone"}},
            {"say": "please call me back", "duration": 3},
            {"hangup": True},
        ],
    }
    assert Phone.from_script(phone.to_script()) == phone
    assert Phone().machine().answers_after(3).to_script()["answer"] == "machine"
    assert [Phone().busy().answer, Phone().reject().answer, Phone().no_answer().answer] == [
        "busy",
        "reject",
        "no-answer",
    ]


def test_phone_refuses_a_bad_step_where_it_is_written() -> None:
    """A bad digit fails on the step that added it, naming it."""
    with pytest.raises(PhoneScriptError, match=r"steps\[1\]\.press: 'X' not DTMF"):
        Phone().wait_for_gather().press("1X")


def test_call_result_webhooks_typed_and_raw(ringback: Ringback, app_url: str) -> None:
    """Events in order, the SDK's models, raw bodies, the app's BXML, verbs and cause."""
    call = ringback.call(
        f"{app_url}/answer",
        Phone().wait_for_gather().press("1"),
        disconnect_url=f"{app_url}/status",
    )
    assert call.events() == ["answer", "gather", "disconnect"]
    gather = call.webhook("gather")
    assert isinstance(gather, bandwidth.GatherCallback)
    assert gather.digits == "1"
    raw = call.raw_webhook("gather")
    assert raw.body["digits"] == "1"
    assert raw.url == f"{app_url}/menu"
    assert (raw.status, raw.attempts, raw.sync) == (200, 1, True)
    assert "<Hangup/>" in call.bxml("gather")
    assert call.verbs() == ["Gather", "SpeakSentence", "Hangup"]
    assert (call.cause, call.ended_normally, call.cut_short) == ("hangup", True, None)
    assert call.webhook("disconnect").cause == "hangup"
    with pytest.raises(WebhookNotFoundError, match=r"sent 0 'transferComplete' webhook"):
        call.webhook("transferComplete")


def test_call_ids_are_the_same_after_every_reset(ringback: Ringback, app_url: str) -> None:
    """Deterministic ids: a reset starts them over."""
    first = ringback.call(f"{app_url}/answer", Phone().hang_up()).call_id
    ringback.reset()
    assert ringback.call(f"{app_url}/answer", Phone().hang_up()).call_id == first


def test_busy_phone_ends_the_call_busy(ringback: Ringback, app_url: str) -> None:
    """Answer modes reach the engine: a busy line never sends `answer`."""
    call = ringback.call(f"{app_url}/answer", Phone().busy(), disconnect_url=f"{app_url}/status")
    assert call.events() == ["disconnect"]
    assert call.cause == "busy"
    assert not call.ended_normally


def test_inbound_voicemail_recording_audio_and_transcription(
    ringback: Ringback, app_url: str
) -> None:
    """A recording comes back as WAV bytes with its duration and its transcription."""
    phone = Phone().wait_for_gather().press("2").wait_for_record().say("call me back", 2).press("#")
    call = ringback.inbound(f"{app_url}/answer", phone, status_url=f"{app_url}/status")
    (recording,) = call.recordings
    assert recording.audio[:4] == b"RIFF"
    assert recording.duration == pytest.approx(2.1, abs=0.2)
    assert call.transcriptions() == ["call me back"]
    assert call.webhook("transcriptionAvailable").transcription is not None


def test_a_call_nothing_can_end_is_hung_up_and_says_why(ringback: Ringback) -> None:
    """A phone that never hangs up on an app that waits for ever: cut short, not a hang."""
    with serve_app(_pause_app()) as url:
        call = ringback.call(f"{url}/answer", Phone())
    assert call.cut_short is not None
    assert "end the phone with .hang_up()" in call.cut_short
    assert "hung up by Ringback" in call.render()
    (leg,) = call.legs
    assert leg.state["parentCallId"] == call.call_id


def test_a_call_still_up_after_its_wait_is_hung_up() -> None:
    """On a manual clock nothing moves: the call is hung up after `wait` real seconds."""
    with Ringback(clock="manual") as rb:
        call = rb.call("http://127.0.0.1:9/answer", Phone(), wait=0.2)
    assert call.cut_short == "still up after 0.2 s (raise `wait=` or --ringback-call-wait)"
    assert call.state["state"] == "disconnected"


def _pause_app() -> Any:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def answer(_request: Any) -> Response:
        # A transfer to a silent phone, with a silent caller: no timer, nothing in flight.
        bxml = "<Response><Transfer><PhoneNumber>+15557770001</PhoneNumber></Transfer></Response>"
        return Response(bxml, media_type="application/xml")

    return Starlette(routes=[Route("/answer", answer, methods=["POST"])])


def test_the_app_calls_the_rest_api_with_the_sdk_during_the_test(ringback: Ringback) -> None:
    """The app places a second call through the REST API while answering the first."""
    configuration = ringback.sdk_configuration()
    account_id = ringback.account_id
    ringback.phone("+15557770001", Phone().hang_up())

    with serve_app(sample_apps.rest_calling_app(configuration, account_id)) as url:
        first = ringback.call(f"{url}/answer", Phone())
        first_id, second_id = ringback.call_ids()
        second = ringback.result(second_id)
    assert first.call_id == first_id
    assert second.state["to"] == "+15557770001"
    assert second.events() == ["answer"]
    assert second.ended_normally


class UnittestStyle(unittest.TestCase):
    """Plain unittest uses the same objects through the context manager."""

    def test_context_manager_in_unittest(self) -> None:
        with Ringback() as rb, rb.serve(sample_apps.flask_app()) as url:
            call = rb.inbound(f"{url}/answer", Phone().wait_for_gather().press("1"))
        self.assertEqual(call.events(), ["initiate", "gather"])  # noqa: PT009 - unittest style
        self.assertEqual(call.webhook("gather").digits, "1")  # noqa: PT009


def test_serve_app_knows_each_kind_of_app() -> None:
    """FastAPI is ASGI, Flask is WSGI, aiohttp is aiohttp; a non-app is refused clearly."""
    assert interface_of(sample_apps.fastapi_app()) == "asgi"
    assert interface_of(sample_apps.flask_app()) == "wsgi"
    assert interface_of(sample_apps.aiohttp_app()) == "aiohttp"
    with pytest.raises(AppServingError, match="give a URL, an ASGI app"):
        interface_of(42)
    with pytest.raises(AppServingError, match="absolute http"), serve_app("localhost:5000"):
        pass


@pytest.mark.parametrize("interface", ["wsgi", "asgi"])
def test_django_app_served_as_wsgi_and_asgi(ringback: Ringback, interface: str) -> None:
    """Django's WSGI and ASGI handlers, each served by Ringback, answer the same call."""
    wsgi, asgi = sample_apps.django_apps()
    app = wsgi if interface == "wsgi" else asgi
    assert interface_of(app) == interface
    with serve_app(app) as url:
        call = ringback.call(f"{url}/answer", Phone().wait_for_gather().press("1"))
    assert call.events() == ["answer", "gather"]
    assert call.webhook("gather").digits == "1"
