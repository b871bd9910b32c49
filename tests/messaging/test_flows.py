"""Message flows on the virtual clock: MMS, group, inbound, failures, retries, auth (spec §3)."""

from __future__ import annotations

from typing import Any

import bandwidth
from aiohttp import web

from .conftest import ACCOUNT, APP_ID, APP_NUMBER, Live

PHONE = "+15552223333"
OTHER = "+15552224444"


def _send(live: Live, **fields: Any) -> bandwidth.Message:
    request = {"application_id": APP_ID, "to": [PHONE], "var_from": APP_NUMBER, **fields}
    with live.client() as client:
        message = bandwidth.MessagesApi(client).create_message(
            ACCOUNT, bandwidth.MessageRequest(**request)
        )
    live.wait(message.id)
    return message


def _statuses(live: Live) -> list[bandwidth.StatusCallback]:
    parsed = [
        bandwidth.Callback.from_dict(c).actual_instance for c in live.app.callbacks("/status")
    ]
    assert all(isinstance(p, bandwidth.StatusCallback) for p in parsed)
    return parsed


def test_flows_mms_is_sending_then_delivered_with_media(live: Live) -> None:
    """An MMS: message-sending, then message-delivered, both listing the media; 1 segment."""
    live.setup_app()

    async def serve_media(request: web.Request) -> web.Response:
        return web.Response(body=b"GIF89a")

    live.app.on_media = serve_media
    media = [f"{live.app.url}/cat.gif"]
    message = _send(live, text="look " * 100, media=media)
    assert message.segment_count == 1
    assert live.app.types("/status") == ["message-sending", "message-delivered"]
    for status in _statuses(live):
        assert status.message.media == media


def test_flows_group_gets_a_sequence_per_recipient(live: Live) -> None:
    """A group SMS: each recipient's sending then delivered, top-level `to` that recipient."""
    live.setup_app()
    message = _send(live, to=[PHONE, OTHER], text="hi all")
    statuses = _statuses(live)
    assert sorted((s.to, s.type.value) for s in statuses) == [
        (PHONE, "message-delivered"),
        (PHONE, "message-sending"),
        (OTHER, "message-delivered"),
        (OTHER, "message-sending"),
    ]
    assert all(s.message.to == [PHONE, OTHER] and s.message.id == message.id for s in statuses)


def test_flows_long_text_counts_segments(live: Live) -> None:
    """161 GSM-7 characters are 2 segments; 71 UCS-2 characters are 2 (spec §2.5)."""
    live.setup_app()
    assert _send(live, text="a" * 160).segment_count == 1
    assert _send(live, text="a" * 161).segment_count == 2
    assert _send(live, text="é" * 10 + "ж" * 61).segment_count == 2


def test_flows_unknown_application_fails_4452(live: Live) -> None:
    """202, then a 4452 failure with no callback (the app is unknown): the state says so."""
    live.setup_app()
    message = _send(live, application_id="nope", text="hi")
    assert live.app.callbacks() == []
    status, shown = live.request("GET", f"/_ringback/messages/{message.id}")
    assert status == 200
    assert shown["recipients"][0]["status"] == "FAILED"
    assert shown["recipients"][0]["errorCode"] == 4452


def test_flows_from_not_on_the_application_fails_4403(live: Live) -> None:
    """A `from` that is not the application's number: message-failed 4403 with its name."""
    live.setup_app()
    _send(live, var_from="+15559990000", text="hi")
    (failed,) = _statuses(live)
    assert failed.type.value == "message-failed"
    assert failed.error_code == 4403
    assert failed.description == "rejected-forbidden-from-number"


def test_flows_unreachable_phone_fails_4701(live: Live) -> None:
    """A phone scripted `"unreachable": true`: message-failed 4701."""
    live.setup_app()
    assert live.request("PUT", f"/_ringback/phones/{PHONE}", {"unreachable": True})[0] == 200
    _send(live, text="anyone?")
    (failed,) = _statuses(live)
    assert failed.error_code == 4701


def test_flows_expiration_passed_fails_4360(live: Live) -> None:
    """An expiration before the delivery time: message-failed 4360."""
    live.setup_app()
    now = live.run(_now(live))
    from datetime import UTC, datetime

    soon = datetime.fromtimestamp(now + 0.5, UTC)
    _send(live, text="hurry", expiration=soon)
    (failed,) = _statuses(live)
    assert failed.error_code == 4360


async def _now(live: Live) -> float:
    return live.platform.now()


def test_flows_callbacks_are_retried_until_2xx(live: Live) -> None:
    """500, 503, then 200: three attempts on the timeline, the event delivered once more each."""
    live.setup_app()
    live.app.statuses["/status"] = [500, 503]
    message = _send(live, text="retry me")
    assert live.app.types("/status") == ["message-delivered"] * 3
    status, timeline = live.request("GET", f"/_ringback/messages/{message.id}/timeline")
    assert status == 200
    attempts = [e for e in timeline["entries"] if e["kind"] == "webhook"]
    assert [a["detail"]["status"] for a in attempts] == [500, 503, 200]
    notes = [e["summary"] for e in timeline["entries"] if "retrying" in e["summary"]]
    assert [n.split("retrying in ")[1] for n in notes] == ["1 s", "2 s"]


def test_flows_callbacks_are_dropped_after_a_day(live: Live) -> None:
    """An app that always fails: tries over 24 virtual hours, then dropped (in milliseconds)."""
    live.setup_app()
    live.app.statuses["/status"] = [500] * 100
    message = _send(live, text="nobody home")
    tries = len(live.app.callbacks("/status"))
    assert 20 < tries < 60
    _, timeline = live.request("GET", f"/_ringback/messages/{message.id}/timeline")
    assert "dropped after" in timeline["entries"][-1]["summary"]


def test_flows_challenge_first_basic_auth(live: Live) -> None:
    """Credentials are sent only after a 401 with a Basic challenge (spec §3.7)."""
    live.setup_app(outboundCallbackCreds={"userId": "me", "password": "secret"})
    live.app.challenge = ("me", "secret")
    _send(live, text="auth")
    assert live.app.types("/status") == ["message-delivered"]
    assert "Authorization" not in live.app.headers[0]
    assert live.app.headers[1]["Authorization"].startswith("Basic ")


def test_flows_message_sent_only_when_requested(live: Live) -> None:
    """message-sent comes only when requestedCallbackTypes lists it."""
    live.setup_app(requestedCallbackTypes=["message-sent", "message-delivered", "message-failed"])
    _send(live, text="sent?")
    assert live.app.types("/status") == ["message-sent", "message-delivered"]


def test_flows_inbound_message_reaches_the_app(live: Live) -> None:
    """POST /_ringback/messages: message-received (InboundCallback) with text and media URLs."""
    live.setup_app()
    status, body = live.request(
        "POST",
        "/_ringback/messages",
        {"from": PHONE, "to": APP_NUMBER, "text": "Hey!", "media": ["cat.png"]},
    )
    assert status == 201
    (message_id,) = body["messageIds"]
    live.wait(message_id)
    (element,) = live.app.callbacks("/inbound")
    inbound = bandwidth.Callback.from_dict(element).actual_instance
    assert isinstance(inbound, bandwidth.InboundCallback)
    assert inbound.message.text == "Hey!"
    assert inbound.message.owner == APP_NUMBER
    (url,) = inbound.message.media
    assert url.endswith(f"/media/{message_id}/0/cat.png")
    with live.client() as client:
        media_id = url.split("/media/", 1)[1]
        content = bandwidth.MediaApi(client).get_media(ACCOUNT, media_id)
    assert bytes(content).startswith(b"\x89PNG")
    _, shown = live.request("GET", f"/_ringback/messages/{message_id}")
    assert shown["recipients"][0]["status"] == "ACCEPTED"


def test_flows_inbound_to_an_unserved_number_is_404(live: Live) -> None:
    """A message to a number no application serves: 404 naming the number."""
    live.setup_app()
    status, body = live.request(
        "POST", "/_ringback/messages", {"from": PHONE, "to": "+15557770000", "text": "hi"}
    )
    assert status == 404
    assert "+15557770000" in body["description"]


def test_flows_messages_survive_a_restart(live: Live) -> None:
    """A message and its timeline are in SQLite: a new Platform on the same file finds them."""
    from ringback.runtime import Platform, PlatformConfig
    from ringback.store import Store

    live.setup_app()
    message = _send(live, text="remember me")
    live.run(_flush(live))
    store = Store(live.platform.store.path)
    try:
        again = Platform(PlatformConfig(), store)
        found = again.texting.message(message.id)
        assert found is not None
        assert found.recipients[PHONE].status.value == "DELIVERED"
        assert any(e["kind"] == "webhook" for e in again.texting.timeline(message.id))
    finally:
        store.close()


async def _flush(live: Live) -> None:
    live.platform.store.flush()


def test_flows_external_media_are_fetched(live: Live) -> None:
    """Media at the app's own server: fetched before sending; a 404 fails the message with
    4410, a file over 3.5 MB with 4411, a good one is delivered."""
    live.setup_app()
    files = {"/ok.png": b"\x89PNG small", "/big.png": b"x" * 3_500_001}

    async def serve_media(request: web.Request) -> web.Response:
        body = files.get(request.path)
        return web.Response(body=body) if body is not None else web.Response(status=404)

    live.app.on_media = serve_media
    for name, expected in (("ok.png", "message-delivered"), ("gone.png", 4410), ("big.png", 4411)):
        live.app.received.clear()
        _send(live, text="pic", media=[f"{live.app.url}/{name}"])
        (final,) = [c for c in live.app.callbacks("/status") if c["type"] != "message-sending"]
        assert final.get("errorCode", final["type"]) == expected
