"""Tests of the example IVR (ivr_app.py), written as its developer would: Ringback's pytest plugin.

Run them:  pytest examples/test_ivr.py      (`make test` runs them too)

`ringback_app` says which app is under test; the plugin serves it on a loopback port (`app_url`)
and gives each test a fresh platform on the virtual clock (`ringback`). Guide: docs/testing.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web
from ivr_app import IVR_LOG, create_app

from ringback.testing import CallResult, Phone, Ringback

AGENT = "+15557770001"
GOLDENS = Path(__file__).parent / "goldens"


@pytest.fixture
def ivr() -> web.Application:
    """The IVR app, transferring sales calls to AGENT."""
    return create_app(agent_number=AGENT)


@pytest.fixture
def ringback_app(ivr: web.Application) -> web.Application:
    """The app under test: the plugin serves it at `app_url`."""
    return ivr


def dial(ringback: Ringback, app_url: str, phone: Phone) -> CallResult:
    """A caller dials the IVR's number; the call runs to its end."""
    return ringback.inbound(f"{app_url}/answer", phone, status_url=f"{app_url}/disconnect")


def test_pressing_1_transfers_to_sales(ringback: Ringback, app_url: str) -> None:
    """1: the caller is transferred to the agent, who talks and hangs up; then goodbye."""
    ringback.phone(AGENT, Phone().say("Sam speaking, how can I help?").wait(20).hang_up())
    call = dial(ringback, app_url, Phone().wait_for_gather().press("1"))
    assert call.events() == ["initiate", "gather", "transferComplete", "disconnect"]
    assert call.webhook("gather").digits == "1"
    assert call.verbs() == ["SpeakSentence", "Gather", "SpeakSentence", "Transfer",
                            "SpeakSentence", "Hangup"]  # fmt: skip
    (agent_leg,) = call.legs
    assert agent_leg.cause == "hangup"
    assert call.ended_normally


def test_pressing_2_takes_a_voicemail(
    ringback: Ringback, app_url: str, ivr: web.Application
) -> None:
    """2: the caller's words are recorded and transcribed; the app is told both."""
    phone = (
        Phone()
        .wait_for_gather()
        .press("2")
        .wait_for_record()
        .say("Hi, this is Alex, please call me back about my order", duration=4)
        .press("#")
    )
    call = dial(ringback, app_url, phone)
    (recording,) = call.recordings
    assert recording.duration == pytest.approx(4.1, abs=0.3)
    assert call.transcriptions() == ["Hi, this is Alex, please call me back about my order"]
    assert call.webhook("recordComplete").duration is not None
    assert [event["recordingId"] for event in ivr[IVR_LOG].voicemails] == [recording.recording_id]
    assert call.cause == "hangup"


def test_a_wrong_key_repeats_the_menu_then_says_goodbye(ringback: Ringback, app_url: str) -> None:
    """Anything else: the menu once more, then goodbye."""
    phone = Phone().wait_for_gather().press("9").wait_for_gather().press("7")
    call = dial(ringback, app_url, phone)
    assert [webhook.model.digits for webhook in call.webhooks("gather")] == ["9", "7"]
    assert "not an option" in call.bxml("gather", 0)
    assert "<Hangup" in call.bxml("gather", 1)


def test_silence_times_out_twice(ringback: Ringback, app_url: str) -> None:
    """No input at all: both gathers time out empty, then goodbye (about 25 s of call time)."""
    call = dial(ringback, app_url, Phone())
    assert [w.body["digits"] for w in call.webhooks("gather")] == ["", ""]
    assert call.webhook("disconnect").cause == "hangup"
    assert call.duration == pytest.approx(25.4, abs=0.5)  # the virtual clock: exact, instant


def test_the_sales_call_is_what_it_was(ringback: Ringback, app_url: str) -> None:
    """Every webhook and every BXML answer of the sales call, against the saved golden file.

    After a deliberate change: pytest examples --ringback-update-goldens, review, commit.
    """
    ringback.phone(AGENT, Phone().say("Sam speaking, how can I help?").wait(20).hang_up())
    call = dial(ringback, app_url, Phone().wait_for_gather().press("1"))
    call.assert_matches(GOLDENS / "sales.json")
