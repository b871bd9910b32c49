"""The SDK's MediaApi against a live Ringback, and the Messaging API's error bodies (§2.3–§2.4)."""

from __future__ import annotations

import base64
import io

import bandwidth
import pytest

from .conftest import ACCOUNT, Live


def test_sdk_media_upload_get_list_delete(live: Live) -> None:
    """Upload (twice: overwrite), get with its type, list, delete (twice: idempotent)."""
    with live.client() as client:
        media = bandwidth.MediaApi(client)
        media.upload_media(ACCOUNT, "a/b.png", b"one", _content_type="image/png")
        media.upload_media(ACCOUNT, "a/b.png", b"two!", _content_type="image/jpeg")
        assert bytes(media.get_media(ACCOUNT, "a/b.png")) == b"two!"
        listed = media.list_media(ACCOUNT)
        assert [(m.media_name, m.content_length) for m in listed] == [("a/b.png", 4)]
        assert listed[0].content == f"{live.url}/api/v2/users/{ACCOUNT}/media/a/b.png"
        media.delete_media(ACCOUNT, "a/b.png")
        media.delete_media(ACCOUNT, "a/b.png")
        assert media.list_media(ACCOUNT) == []
    status, _ = live.request(
        "GET", f"/api/v2/users/{ACCOUNT}/media/a/b.png", headers=_basic("ringback", "ringback")
    )
    assert status == 404


def test_sdk_media_keeps_type_and_cache_control(live: Live) -> None:
    """GET returns the uploaded Content-Type and Cache-Control; raw slashes work too."""
    auth = _basic("ringback", "ringback")

    async def go() -> tuple[int, dict[str, str], bytes]:
        path = f"{live.url}/api/v2/users/{ACCOUNT}/media/x/y/z.jpg"
        headers = {"Content-Type": "image/jpeg", "Cache-Control": "no-cache", **auth}
        async with live.http.put(path, data=b"jpeg", headers=headers) as put:
            assert put.status == 204
        async with live.http.get(path, headers=auth) as got:
            return got.status, dict(got.headers), await got.read()

    status, headers, body = live.run(go())
    assert (status, body) == (200, b"jpeg")
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Cache-Control"] == "no-cache"


def test_sdk_media_too_large_is_refused(live: Live) -> None:
    """More than 3.75 MB: 413 before the body is read, nothing stored."""
    status, body = live.request(
        "PUT",
        f"/api/v2/users/{ACCOUNT}/media/big.bin",
        data=io.BytesIO(b"x" * 3_750_001),
        headers=_basic("ringback", "ringback"),
    )
    assert status == 413
    assert "3750000 bytes" in bandwidth.MessagingRequestError.from_dict(body).description
    assert live.platform.store.media("big.bin") is None


def test_sdk_messages_errors_have_messaging_bodies(live: Live) -> None:
    """401 unauthorized, 403 forbidden, 415, and search without parameters: 400."""
    with live.client(password="wrong") as client, pytest.raises(bandwidth.ApiException) as bad:
        bandwidth.MessagesApi(client).list_messages(ACCOUNT, message_id="x")
    assert bad.value.status == 401
    assert bandwidth.MessagingRequestError.from_json(bad.value.body).type == "unauthorized"
    with live.client() as client, pytest.raises(bandwidth.ApiException) as other:
        bandwidth.MessagesApi(client).list_messages("1234567", message_id="x")
    assert other.value.status == 403
    assert bandwidth.MessagingRequestError.from_json(other.value.body).description == (
        "Access Denied"
    )
    with live.client() as client, pytest.raises(bandwidth.ApiException) as empty:
        bandwidth.MessagesApi(client).list_messages(ACCOUNT)
    assert empty.value.status == 400
    status, body = live.request(
        "POST",
        f"/api/v2/users/{ACCOUNT}/messages",
        data=b"to=+1555",
        headers={"Content-Type": "text/plain;charset=UTF-8", **_basic("ringback", "ringback")},
    )
    assert status == 415
    assert body == {
        "type": "unsupported-content-type",
        "description": "Content type 'text/plain;charset=UTF-8' not supported."
        " Please use 'application/json'",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": ["+15551112222"] * 1, "from": "+15550001111"}, "applicationId"),
        (
            {
                "applicationId": "a",
                "to": [f"+1555111{i:04d}" for i in range(11)],
                "from": "+15550001111",
                "text": "x",
            },
            "to",
        ),
        (
            {
                "applicationId": "a",
                "to": ["+15551112222"],
                "from": "+15550001111",
                "text": "x" * 2049,
            },
            "text",
        ),
        ({"applicationId": "a", "to": ["+15551112222"], "from": "+15550001111"}, "text"),
        (
            {
                "applicationId": "a",
                "to": ["+15551112222"],
                "from": "+15550001111",
                "text": "x",
                "media": ["ftp://x"],
            },
            "media[0]",
        ),
        (
            {
                "applicationId": "a",
                "to": ["+15551112222"],
                "from": "+15550001111",
                "text": "x",
                "priority": "urgent",
            },
            "priority",
        ),
        (
            {
                "applicationId": "a",
                "to": ["+15551112222"],
                "from": "+15550001111",
                "text": "x",
                "expiration": "2001-01-01T00:00:00Z",
            },
            "expiration",
        ),
    ],
)
def test_sdk_messages_invalid_fields_are_named(live: Live, body: dict, field: str) -> None:
    """Each bad field: 400 request-validation with a fieldErrors entry naming it."""
    status, answer = live.request(
        "POST", f"/api/v2/users/{ACCOUNT}/messages", body, headers=_basic("ringback", "ringback")
    )
    assert status == 400
    error = bandwidth.CreateMessageRequestError.from_dict(answer)
    assert error.description == "Your request could not be accepted"
    assert field in [e.field_name for e in error.field_errors]


def _basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}
