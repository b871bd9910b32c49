"""v1 messages through the official v1 client (SDK 3.0.3), and the `sms`/`mms` events a v1 app
receives, field for field as v1 spec §3.3 and §5 say."""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from urllib.request import Request, urlopen

import pytest

from sdk_envs import run_sdk_script

from .conftest import SDK_PRELUDE, USER, V1Server

PHONE = "+15552229999"


class EventSink:
    """A v1 app's `incomingMessageUrl`: records every event (POST JSON or GET query)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                sink.events.append(json.loads(self.rfile.read(length)))
                self._ok()

            def do_GET(self) -> None:
                sink.events.append({"query": parse_qsl(urlsplit(self.path).query)})
                self._ok()

            def _ok(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def sink() -> Iterator[EventSink]:
    """An event receiver on loopback."""
    receiver = EventSink()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def _number_with_app(v1server: V1Server, number: str, url: str) -> str:
    reply = v1server.v1(
        "POST", "/applications", {"name": "texts", "incomingMessageUrl": f"{url}/messages"}
    )
    app_id = reply.headers["location"].rsplit("/", 1)[1]
    v1server.v1("POST", "/phoneNumbers", {"number": number, "applicationId": app_id})
    return app_id


def _wait(v1server: V1Server, message_id: str) -> dict[str, Any]:
    reply = v1server.request("GET", f"/_ringback/messages/{message_id}/wait?timeout=10")
    assert reply.status == 200, reply.body
    return dict(reply.body)


def test_sdk_messages_send_get_list_with_receipts(v1server: V1Server, sink: EventSink) -> None:
    """send_message (receipts: all), get_message, list_messages; the app gets `sms` with
    state sent, then the receipt with deliveryState, deliveryCode "0", deliveryDescription."""
    number = "+15550007001"
    _number_with_app(v1server, number, sink.url)
    result = run_sdk_script(
        "3.0.3",
        SDK_PRELUDE
        + f"""
messaging = bandwidth.client("messaging", "9900000", "ringback", "ringback", api_endpoint=URL)
message_id = messaging.send_message(from_="{number}", to="{PHONE}", text="Hello v1",
                                    receipt_requested="all", tag="order-7")
print(json.dumps({{"id": message_id}}))
""",
        RINGBACK_URL=v1server.url,
    )
    message_id = result["id"]
    assert message_id.startswith("m-")
    assert len(message_id) == 25
    _wait(v1server, message_id)
    fetched = run_sdk_script(
        "3.0.3",
        SDK_PRELUDE
        + f"""
messaging = bandwidth.client("messaging", "9900000", "ringback", "ringback", api_endpoint=URL)
got = messaging.get_message("{message_id}")
listed = [m["id"] for m in messaging.list_messages(from_="{number}")]
print(json.dumps({{"got": got, "listed": listed}}, default=str))
""",
        RINGBACK_URL=v1server.url,
    )
    got = fetched["got"]
    assert got["id"] == message_id
    assert got["state"] == "sent"
    assert got["delivery_state"] == "delivered"
    assert got["delivery_code"] == "0"
    assert got["delivery_description"] == "Message delivered to carrier"
    assert fetched["listed"] == [message_id]
    sent, receipt = sink.events
    uri = f"{v1server.url}/v1/users/{USER}/messages/{message_id}"
    assert set(sent) == {
        "eventType",
        "direction",
        "messageId",
        "messageUri",
        "from",
        "to",
        "text",
        "time",
        "state",
        "segmentCount",
        "tag",
    }
    assert (sent["eventType"], sent["direction"], sent["state"]) == ("sms", "out", "sent")
    assert (sent["messageUri"], sent["from"], sent["to"]) == (uri, number, PHONE)
    assert sent["text"] == "Hello v1"
    assert sent["tag"] == "order-7"
    assert sent["segmentCount"] == 1
    assert sent["time"].endswith("Z")
    assert len(sent["time"]) == 20  # whole seconds
    assert receipt == {
        **sent,
        "deliveryState": "delivered",
        "deliveryCode": "0",
        "deliveryDescription": "Message delivered to carrier",
    }


def test_sdk_messages_batch_with_an_error(v1server: V1Server, sink: EventSink) -> None:
    """send_messages: one accepted (a location), one refused (its error), 202."""
    number = "+15550007002"
    _number_with_app(v1server, number, sink.url)
    result = run_sdk_script(
        "3.0.3",
        SDK_PRELUDE
        + f"""
messaging = bandwidth.client("messaging", "9900000", "ringback", "ringback", api_endpoint=URL)
results = messaging.send_messages([{{"from": "{number}", "to": "{PHONE}", "text": "a"}},
                                   {{"from": "{number}", "text": "no to"}}])
print(json.dumps(results, default=str))
""",
        RINGBACK_URL=v1server.url,
    )
    first, second = result
    assert first["result"] == "accepted"
    assert first["id"].startswith("m-")
    assert second["result"] == "error"
    assert second["error"]["code"] == "missing-property"


def test_sdk_messages_inbound_mms_reaches_the_app(v1server: V1Server, sink: EventSink) -> None:
    """A handset's MMS to a v1 number: an `mms` event, direction in, state received, its
    application, media in the v1 media store (`{name}-{messageId}.png`)."""
    number = "+15550007003"
    app_id = _number_with_app(v1server, number, sink.url)
    reply = v1server.request(
        "POST",
        "/_ringback/messages",
        {"from": PHONE, "to": number, "text": "pic", "media": ["cat.png"]},
    )
    assert reply.status == 201, reply.body
    (message_id,) = reply.body["messageIds"]
    _wait(v1server, message_id)
    (event,) = sink.events
    media_url = f"{v1server.url}/v1/users/{USER}/media/cat-{message_id}.png"
    assert event == {
        "eventType": "mms",
        "direction": "in",
        "messageId": message_id,
        "messageUri": f"{v1server.url}/v1/users/{USER}/messages/{message_id}",
        "from": PHONE,
        "to": number,
        "text": "pic",
        "time": event["time"],
        "state": "received",
        "segmentCount": 1,
        "applicationId": app_id,
        "media": [media_url],
    }
    token = base64.b64encode(b"ringback:ringback").decode()
    request = Request(media_url, headers={"Authorization": f"Basic {token}"})
    with urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"] == "image/png"
        assert response.read().startswith(b"\x89PNG")


def test_sdk_messages_errors_have_v1_bodies(v1server: V1Server) -> None:
    """Missing text, a number not the user's, text too long: 400/401 with v1's codes."""
    number = "+15550007004"
    v1server.v1("POST", "/phoneNumbers", {"number": number})
    missing = v1server.v1("POST", "/messages", {"from": number, "to": PHONE})
    assert missing.status == 400
    assert missing.body["code"] == "missing-property"
    assert "'text'" in missing.body["message"]
    foreign = v1server.v1("POST", "/messages", {"from": "+15550000999", "to": PHONE, "text": "x"})
    assert foreign.status == 401
    assert foreign.body["code"] == "number-access-denied"
    long = v1server.v1("POST", "/messages", {"from": number, "to": PHONE, "text": "x" * 2049})
    assert long.status == 400
    assert long.body["message"] == "The message text must be 2,048 characters or less"
    unknown = v1server.v1("GET", "/messages/m-nothere")
    assert unknown.status == 404
    assert unknown.body["code"] == "message-not-found"


def test_sdk_messages_unreachable_phone_gets_an_error_receipt(
    v1server: V1Server, sink: EventSink
) -> None:
    """receiptRequested error, an unreachable phone, events by GET to the message's callbackUrl:
    `state` sent, then the receipt not-delivered with deliveryCode "650", as query parameters."""
    number = "+15550007005"
    phone = "+15552228888"
    v1server.v1("POST", "/phoneNumbers", {"number": number})
    assert (
        v1server.request("PUT", f"/_ringback/phones/{phone}", {"unreachable": True}).status == 200
    )
    reply = v1server.v1(
        "POST",
        "/messages",
        {
            "from": number,
            "to": phone,
            "text": "are you there?",
            "receiptRequested": "error",
            "callbackUrl": f"{sink.url}/status",
            "callbackHttpMethod": "get",
        },
    )
    assert reply.status == 201
    message_id = reply.headers["location"].rsplit("/", 1)[1]
    _wait(v1server, message_id)
    sent, receipt = (dict(event["query"]) for event in sink.events)
    assert sent["state"] == "sent"
    assert "deliveryState" not in sent
    assert receipt["state"] == "sent"
    assert receipt["deliveryState"] == "not-delivered"
    assert receipt["deliveryCode"] == "650"
    assert receipt["deliveryDescription"] == "Destination Failure"


def test_sdk_messages_failed_event_goes_to_the_error_log(v1server: V1Server) -> None:
    """An event nobody takes is tried once, then logged as a `callback-failed` user error."""
    number = "+15550007006"
    v1server.v1("POST", "/phoneNumbers", {"number": number})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/events"
    reply = v1server.v1(
        "POST", "/messages", {"from": number, "to": PHONE, "text": "x", "callbackUrl": closed}
    )
    message_id = reply.headers["location"].rsplit("/", 1)[1]
    _wait(v1server, message_id)
    errors = v1server.v1("GET", "/errors").body
    (logged,) = [e for e in errors if {"name": "messageId", "value": message_id} in e["details"]]
    assert logged["code"] == "callback-failed"
    assert logged["message"].startswith("The sms event was dropped")
