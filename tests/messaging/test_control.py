"""The control API's messaging settings and message endpoints: bodies checked, errors named."""

from __future__ import annotations

from .conftest import Live


def test_control_messaging_only_application_needs_no_call_url(live: Live) -> None:
    """A body of messaging settings alone makes a messaging application; GET shows both kinds."""
    body = {
        "inboundCallbackUrl": "http://127.0.0.1:9/in",
        "outboundCallbackCreds": {"userId": "u", "password": "p"},
        "outboundCallbackUrl": "http://127.0.0.1:9/out",
        "requestedCallbackTypes": ["message-delivered", "message-sent"],
    }
    status, shown = live.request("PUT", "/_ringback/applications/sms", body)
    assert status == 200, shown
    assert shown["outboundCallbackCreds"] == {"userId": "u", "password": "p"}
    assert shown["requestedCallbackTypes"] == ["message-sent", "message-delivered"]
    voice = {"callInitiatedCallbackUrl": "http://127.0.0.1:9/initiate"}
    status, _ = live.request("PUT", "/_ringback/applications/sms", voice)
    assert status == 200
    status, got = live.request("GET", "/_ringback/applications/sms")
    assert got["callInitiatedCallbackUrl"] == "http://127.0.0.1:9/initiate"
    assert got["inboundCallbackUrl"] == "http://127.0.0.1:9/in"


def test_control_messaging_settings_errors_name_the_field(live: Live) -> None:
    """Creds without a URL, an unknown callback type, a bad URL: 400 naming the field."""
    cases = [
        ({"outboundCallbackCreds": {"userId": "u", "password": "p"}}, "outboundCallbackUrl"),
        (
            {"inboundCallbackUrl": "http://x/in", "requestedCallbackTypes": ["message-lost"]},
            "message-lost",
        ),
        ({"inboundCallbackUrl": "ftp://x/in"}, "inboundCallbackUrl"),
        (
            {"inboundCallbackUrl": "http://x/in", "inboundCallbackCreds": {"userId": "u"}},
            "inboundCallbackCreds.password",
        ),
    ]
    for body, named in cases:
        status, error = live.request("PUT", "/_ringback/applications/bad", body)
        assert status == 400, body
        assert named in error["description"], error


def test_control_inbound_message_bodies_are_checked(live: Live) -> None:
    """POST /_ringback/messages: bad numbers, no words or media, unknown keys: 400; an unknown
    message: 404."""
    live.setup_app()
    for body, named in [
        ({"from": "+15552223333", "to": "555", "text": "x"}, "to[0]"),
        ({"from": "+15552223333", "to": "+15550001111"}, "text"),
        ({"from": "+15552223333", "to": "+15550001111", "text": "x", "txt": "y"}, "txt"),
        ({"from": "+15552223333", "to": [], "text": "x"}, "Invalid to"),
    ]:
        status, error = live.request("POST", "/_ringback/messages", body)
        assert status == 400, body
        assert named in error["description"]
    status, error = live.request("GET", "/_ringback/messages/nope/timeline")
    assert status == 404
    assert "nope" in error["description"]
