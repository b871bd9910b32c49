"""Phones that text: a two-way SMS flow and an MMS with media on the virtual clock."""

from __future__ import annotations

import asyncio
from typing import Any

import bandwidth

from .conftest import ACCOUNT, APP_ID, APP_NUMBER, Live, MessagingApp

PHONE = "+15552223333"
CODE = "4321"


def _send(live: Live, text: str, **fields: Any) -> str:
    with live.client() as client:
        message = bandwidth.MessagesApi(client).create_message(
            ACCOUNT,
            bandwidth.MessageRequest(
                application_id=APP_ID, to=[PHONE], var_from=APP_NUMBER, text=text, **fields
            ),
        )
    return str(message.id)


def test_phones_two_way_sms_verification(live: Live) -> None:
    """The app texts a code, the phone replies with it, the app confirms; the phone reads that."""
    live.setup_app()
    live.request(
        "PUT",
        f"/_ringback/phones/{PHONE}",
        {
            "steps": [
                {"waitFor": {"text": "your code is"}},
                {"wait": 5},
                {"text": CODE},
                {"waitFor": {"text": "confirmed"}},
                {"text": "thanks"},
            ]
        },
    )
    confirmations: list[str] = []

    async def on_callback(app: MessagingApp, path: str, payload: Any) -> None:
        for element in payload:
            if element["type"] == "message-received" and element["message"]["text"] == CODE:
                confirmations.append(await asyncio.to_thread(_send, live, "Confirmed, welcome!"))

    live.app.on_callback = on_callback
    first = _send(live, f"Your code is {CODE}")
    live.settle()
    received = list(live.app.callbacks("/inbound"))
    texts = [c["message"]["text"] for c in received]
    assert texts == [CODE, "thanks"]
    assert len(confirmations) == 1
    times = [bandwidth.Callback.from_dict(c).actual_instance.message.time for c in received]
    sent = _message(live, first)
    # The reply came 5 virtual seconds after the code was delivered (1 s after the send).
    assert (times[0].timestamp() - sent["time"]) == 6.0
    _, timeline = live.request("GET", f"/_ringback/messages/{first}/timeline")
    summaries = [e["summary"] for e in timeline["entries"]]
    assert any("reads it" in s for s in summaries)
    assert any(f"replies '{CODE}'" in s for s in summaries)


def _message(live: Live, message_id: str) -> dict[str, Any]:
    status, shown = live.request("GET", f"/_ringback/messages/{message_id}")
    assert status == 200
    return {**shown, "time": live.platform.texting.message(message_id).time}  # type: ignore[union-attr]


def test_phones_mms_reply_with_media(live: Live) -> None:
    """The app sends an MMS from its media store; the phone answers with a picture of its own."""
    live.setup_app()
    live.request(
        "PUT",
        f"/_ringback/phones/{PHONE}",
        {"steps": [{"waitFor": "text"}, {"text": "nice, here is mine", "media": ["dog.gif"]}]},
    )
    with live.client() as client:
        bandwidth.MediaApi(client).upload_media(
            ACCOUNT, "pics/cat.png", b"\x89PNG fake", _content_type="image/png"
        )
    url = f"{live.url}/api/v2/users/{ACCOUNT}/media/pics/cat.png"
    message_id = _send(live, "a cat", media=[url])
    live.settle()
    assert live.app.types("/status") == ["message-sending", "message-delivered"]
    (reply,) = live.app.callbacks("/inbound")
    (media_url,) = reply["message"]["media"]
    assert media_url.endswith("/0/dog.gif")
    with live.client() as client:
        gif = bandwidth.MediaApi(client).get_media(ACCOUNT, media_url.split("/media/", 1)[1])
    assert bytes(gif).startswith(b"GIF89a")
    assert message_id


def test_phones_missing_media_fails_4410(live: Live) -> None:
    """A media URL into Ringback's store that holds nothing: message-failed 4410."""
    live.setup_app()
    _send(live, "x", media=[f"{live.url}/api/v2/users/{ACCOUNT}/media/none.png"])
    live.settle()
    (failed,) = live.app.callbacks("/status")
    assert failed["errorCode"] == 4410


def test_phones_stop_answering_mid_conversation(live: Live) -> None:
    """`{"unreachable": true}` as a step: the next message fails with 4701."""
    live.setup_app()
    live.request(
        "PUT",
        f"/_ringback/phones/{PHONE}",
        {"steps": [{"waitFor": "text"}, {"unreachable": True}]},
    )
    _send(live, "one")
    live.settle()
    _send(live, "two")
    live.settle()
    assert live.app.types("/status") == ["message-delivered", "message-failed"]
