"""The official SDK's CallsApi and StatisticsApi against a live Ringback, and its exceptions."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import bandwidth
import pytest
from bandwidth.exceptions import (
    BadRequestException,
    ConflictException,
    ForbiddenException,
    NotFoundException,
    UnauthorizedException,
)
from bandwidth.models.bxml import Bxml, Hangup

from .conftest import ACCOUNT, PASSWORD, START, USERNAME, LiveServer

HOLD = '<Response><Pause duration="3600"/></Response>'
UNKNOWN_CALL = "c-00000000-00000000-0000-4000-8000-000000000000"


def create(live: LiveServer, path: str = "/hold", **fields: Any) -> bandwidth.CreateCallResponse:
    """create_call through the SDK, answering at `path` of the test app."""
    settings: dict[str, Any] = {
        "to": "+15553334444",
        "var_from": "+15551112222",
        "application_id": "app-1",
        "answer_url": live.app.url + path,
        "disconnect_url": live.app.url + "/disconnect",
    }
    settings.update(fields)
    live.app.routes.setdefault("/hold", HOLD)
    with live.client() as client:
        return bandwidth.CallsApi(client).create_call(ACCOUNT, bandwidth.CreateCall(**settings))


def answered_call(live: LiveServer, **fields: Any) -> str:
    """A call that is up, holding in a long <Pause>."""
    call_id = create(live, **fields).call_id
    live.advance(2)  # the default phone answers after 1 s
    return str(call_id)


def state_of(live: LiveServer, call_id: str) -> bandwidth.CallState:
    """get_call_state through the SDK."""
    with live.client() as client:
        return bandwidth.CallsApi(client).get_call_state(ACCOUNT, call_id)


def test_sdk_create_call_answers_201_with_location(live: LiveServer) -> None:
    """create_call: 201, Location is the callUrl, the SDK parses CreateCallResponse."""
    settings = {
        "to": "+15553334444",
        "var_from": "+15551112222",
        "application_id": "app-1",
        "answer_url": live.app.url + "/hold",
        "username": "user",
        "password": "secret",
        "answer_fallback_url": live.app.url + "/fallback",
        "fallback_password": "secret2",
        "tag": "my tag",
        "call_timeout": 12.5,
    }
    live.app.routes["/hold"] = HOLD
    with live.client() as client:
        response = bandwidth.CallsApi(client).create_call_with_http_info(
            ACCOUNT, bandwidth.CreateCall(**settings)
        )
    assert response.status_code == 201
    created = response.data
    assert isinstance(created, bandwidth.CreateCallResponse)
    assert len(created.call_id) == 47
    assert created.call_url == f"{live.url}/api/v2/accounts/{ACCOUNT}/calls/{created.call_id}"
    assert response.headers["location"] == created.call_url
    assert created.account_id == ACCOUNT
    assert created.application_id == "app-1"
    assert (created.to, created.var_from) == ("+15553334444", "+15551112222")
    assert created.answer_url == live.app.url + "/hold"
    assert created.answer_method == "POST"
    assert created.username == "user"
    assert created.password == "*****"
    assert created.fallback_password == "*****"
    assert created.call_timeout == 12.5
    assert created.callback_timeout == 15
    assert created.priority == 5
    assert created.tag == "my tag"
    assert created.enqueued_time == datetime.fromtimestamp(START, UTC)


def test_sdk_get_call_state_follows_the_call(live: LiveServer) -> None:
    """get_call_state: answered after the answer webhook, disconnected after a REST hang-up."""
    call_id = answered_call(live)
    answer = next(p for p in live.app.events("/hold") if p["callId"] == call_id)
    assert answer["eventType"] == "answer"
    state = state_of(live, call_id)
    assert state.state == "answered"
    assert state.direction == "outbound"
    assert state.answer_time is not None
    assert state.end_time is None
    with live.client() as client:
        response = bandwidth.CallsApi(client).update_call_with_http_info(
            ACCOUNT, call_id, bandwidth.UpdateCall(state=bandwidth.CallStateEnum.COMPLETED)
        )
    assert response.status_code == 200
    live.settle()
    ended = state_of(live, call_id)
    assert ended.state == "disconnected"
    assert ended.disconnect_cause == "hangup"
    disconnect = [p for p in live.app.events("/disconnect") if p["callId"] == call_id]
    assert [p["cause"] for p in disconnect] == ["hangup"]


def test_sdk_update_call_tag_only(live: LiveServer) -> None:
    """update_call with only a tag: no redirect, and the call's next webhook carries the tag."""
    call_id = answered_call(live)
    with live.client() as client:
        bandwidth.CallsApi(client).update_call(ACCOUNT, call_id, bandwidth.UpdateCall(tag="vip"))
        bandwidth.CallsApi(client).update_call(
            ACCOUNT, call_id, bandwidth.UpdateCall(state=bandwidth.CallStateEnum.COMPLETED)
        )
    live.settle()
    events = [p for p in live.app.events() if p["callId"] == call_id]
    assert "redirect" not in [p["eventType"] for p in events]
    assert events[-1]["eventType"] == "disconnect"
    assert events[-1]["tag"] == "vip"


def test_sdk_update_call_redirects(live: LiveServer) -> None:
    """update_call with a redirectUrl: the app gets `redirect` there and its BXML runs."""
    call_id = answered_call(live)
    live.app.routes["/next"] = "<Response><Hangup/></Response>"
    with live.client() as client:
        bandwidth.CallsApi(client).update_call(
            ACCOUNT,
            call_id,
            bandwidth.UpdateCall(redirect_url=live.app.url + "/next", tag="redirected"),
        )
    live.settle()
    redirect = next(p for p in live.app.events("/next") if p["callId"] == call_id)
    assert redirect["eventType"] == "redirect"
    assert redirect["tag"] == "redirected"
    assert state_of(live, call_id).disconnect_cause == "hangup"


def test_sdk_update_call_bxml_replaces_the_document(live: LiveServer) -> None:
    """update_call_bxml: 204, and the new document runs at once."""
    call_id = answered_call(live)
    document = Bxml([Hangup()]).to_bxml()
    with live.client() as client:
        response = bandwidth.CallsApi(client).update_call_bxml_with_http_info(
            ACCOUNT, call_id, document
        )
    assert response.status_code == 204
    live.settle()
    assert state_of(live, call_id).state == "disconnected"


def test_sdk_update_call_bxml_invalid_is_400_with_line(live: LiveServer) -> None:
    """Invalid BXML through the API is a 400 naming the line; the call goes on."""
    call_id = answered_call(live)
    with live.client() as client, pytest.raises(BadRequestException) as caught:
        bandwidth.CallsApi(client).update_call_bxml(
            ACCOUNT, call_id, '<Bxml>\n<Pause duration="-1"/>\n</Bxml>'
        )
    error = json.loads(caught.value.body)
    assert error["type"] == "validation"
    assert error["description"].startswith("Invalid BXML: line 2")
    assert state_of(live, call_id).state == "answered"


def test_sdk_list_calls_filters_and_pages(live: LiveServer) -> None:
    """list_calls filters by `from` and pages with a Link header the caller follows."""
    ids = [create(live, var_from="+15550001111").call_id for _ in range(3)]
    create(live, var_from="+15550002222")
    with live.client() as client:
        calls = bandwidth.CallsApi(client)
        first = calls.list_calls_with_http_info(ACCOUNT, var_from="+15550001111", page_size=2)
        assert [c.call_id for c in first.data] == ids[:2]
        link = first.headers["link"]
        assert link.endswith('>; rel="next"')
        token = parse_qs(urlsplit(link[1 : link.index(">")]).query)["pageToken"][0]
        rest = calls.list_calls_with_http_info(
            ACCOUNT, var_from="+15550001111", page_size=2, page_token=token
        )
        assert [c.call_id for c in rest.data] == ids[2:]
        assert "link" not in rest.headers
        assert all(isinstance(c, bandwidth.CallState) for c in rest.data)


def test_sdk_list_calls_by_cause_and_time(live: LiveServer) -> None:
    """list_calls filters on disconnectCause and startTime (inclusive)."""
    call_id = answered_call(live, var_from="+15550003333")
    with live.client() as client:
        bandwidth.CallsApi(client).update_call(
            ACCOUNT, call_id, bandwidth.UpdateCall(state=bandwidth.CallStateEnum.COMPLETED)
        )
        live.settle()
        start = state_of(live, call_id).start_time
        assert start is not None
        stamp = start.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        found = bandwidth.CallsApi(client).list_calls(
            ACCOUNT, var_from="+15550003333", disconnect_cause="hangup", min_start_time=stamp
        )
        none = bandwidth.CallsApi(client).list_calls(
            ACCOUNT, var_from="+15550003333", disconnect_cause="busy"
        )
    assert [c.call_id for c in found] == [call_id]
    assert none == []


def test_sdk_get_statistics(live: LiveServer) -> None:
    """get_statistics: the queue is empty once calls are dialled; capacity is CPS x 300."""
    live.advance(0)
    with live.client() as client:
        stats = bandwidth.StatisticsApi(client).get_statistics(ACCOUNT)
    assert stats.current_call_queue_size == 0
    assert stats.max_call_queue_size == 1500


def test_sdk_wrong_password_is_unauthorized(live: LiveServer) -> None:
    """Bad credentials: the SDK raises UnauthorizedException with Bandwidth's body."""
    with live.client(password="wrong") as client, pytest.raises(UnauthorizedException) as caught:
        bandwidth.CallsApi(client).list_calls(ACCOUNT)
    assert caught.value.status == 401
    assert json.loads(caught.value.body)["type"] == "authentication-error"


def test_sdk_wrong_account_is_forbidden(live: LiveServer) -> None:
    """Another account id: ForbiddenException (Bandwidth's smoke tests expect 403)."""
    with live.client() as client, pytest.raises(ForbiddenException) as caught:
        bandwidth.CallsApi(client).get_call_state("not an account id", UNKNOWN_CALL)
    assert json.loads(caught.value.body)["type"] == "authorization-error"


def test_sdk_unknown_call_is_not_found(live: LiveServer) -> None:
    """An unknown call id: NotFoundException, `Call [id] not found`."""
    with live.client() as client, pytest.raises(NotFoundException) as caught:
        bandwidth.CallsApi(client).get_call_state(ACCOUNT, UNKNOWN_CALL)
    assert json.loads(caught.value.body) == {
        "type": "validation",
        "description": f"Call [{UNKNOWN_CALL}] not found",
        "id": None,
    }


def test_sdk_redirect_ended_call_is_conflict(live: LiveServer) -> None:
    """Redirecting a call that has ended: ConflictException."""
    call_id = answered_call(live)
    update = bandwidth.UpdateCall(redirect_url=live.app.url + "/next")
    with live.client() as client:
        calls = bandwidth.CallsApi(client)
        calls.update_call(
            ACCOUNT, call_id, bandwidth.UpdateCall(state=bandwidth.CallStateEnum.COMPLETED)
        )
        with pytest.raises(ConflictException) as caught:
            calls.update_call(ACCOUNT, call_id, update)
    assert json.loads(caught.value.body)["description"] == (
        f"Call [{call_id}] cannot be modified in its current state"
    )


def test_sdk_invalid_number_is_bad_request(live: LiveServer) -> None:
    """A `to` that is not E.164: BadRequestException naming the field."""
    with pytest.raises(BadRequestException) as caught:
        create(live, to="5553334444")
    assert json.loads(caught.value.body)["description"] == (
        "Invalid to: must be an E164 telephone number"
    )


def test_sdk_oauth_client_credentials(live: LiveServer) -> None:
    """The SDK's OAuth mode fetches a token from /api/v1/oauth2/token and uses it as Bearer."""
    options = {
        "username": None,
        "password": None,
        "client_id": USERNAME,
        "client_secret": PASSWORD,
        "access_token_url": f"{live.url}/api/v1/oauth2/token",
    }
    with live.client(**options) as client:
        assert isinstance(bandwidth.CallsApi(client).list_calls(ACCOUNT), list)
    forged = live.client(username=None, password=None, access_token="forged")
    with forged as client, pytest.raises(UnauthorizedException):
        bandwidth.CallsApi(client).list_calls(ACCOUNT)


def raw(
    live: LiveServer, method: str, path: str, body: bytes | None, content_type: str | None
) -> tuple[int, dict[str, Any]]:
    """A request the SDK would never send; status and JSON error body."""
    request = urllib.request.Request(live.host + path, data=body, method=method)
    request.add_header("Authorization", "Basic cmluZ2JhY2s6cmluZ2JhY2s=")  # ringback:ringback
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type", "status", "start"),
    [
        ("POST", f"/accounts/{ACCOUNT}/calls", b"{}", "text/plain", 415, "Content type"),
        ("POST", f"/accounts/{ACCOUNT}/calls", b"{", "application/json", 400, "The request"),
        ("POST", f"/accounts/{ACCOUNT}/calls", b"[" * 100000, "application/json", 400, "The"),
        ("POST", f"/accounts/{ACCOUNT}/calls", b"[]", "application/json", 400, "The request"),
        ("DELETE", f"/accounts/{ACCOUNT}/calls", None, None, 405, "Method Not Allowed"),
        ("GET", f"/accounts/{ACCOUNT}/nothing", None, None, 404, "Not Found"),
        ("PUT", f"/accounts/{ACCOUNT}/calls/{UNKNOWN_CALL}/bxml", b"<Bxml/>", None, 415, "Cont"),
    ],
)
def test_sdk_raw_bad_requests(
    live: LiveServer,
    method: str,
    path: str,
    body: bytes | None,
    content_type: str | None,
    status: int,
    start: str,
) -> None:
    """Requests no SDK sends still get Bandwidth's error body, never a crash."""
    got_status, error = raw(live, method, path, body, content_type)
    assert got_status == status
    assert set(error) == {"type", "description", "id"}
    assert error["description"].startswith(start)


def test_sdk_create_call_masks_credentials_in_its_urls(live: LiveServer) -> None:
    """URL credentials are masked in the 201 as the password fields are (issue 9, item 4)."""
    with_creds = live.app.url.replace("http://", "http://alice:SECRET@")
    live.app.routes["/hold"] = HOLD
    with live.client() as client:
        created = bandwidth.CallsApi(client).create_call(
            ACCOUNT,
            bandwidth.CreateCall(
                to="+15553334444",
                var_from="+15551112222",
                application_id="app-1",
                answer_url=with_creds + "/hold",
                answer_fallback_url=with_creds + "/fallback",
                disconnect_url=with_creds + "/disconnect",
            ),
        )
    masked = live.app.url.replace("http://", "http://alice:***@")
    assert created.answer_url == masked + "/hold"
    assert created.answer_fallback_url == masked + "/fallback"
    assert created.disconnect_url == masked + "/disconnect"
