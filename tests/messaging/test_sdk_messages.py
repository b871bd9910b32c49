"""The official SDK's MessagesApi against a live Ringback; every callback parses in its models."""

from __future__ import annotations

import bandwidth
import pytest

from .conftest import ACCOUNT, APP_ID, APP_NUMBER, Live

PHONE = "+15552223333"


def _parse_all(live: Live) -> list[bandwidth.Callback]:
    return [bandwidth.Callback.from_dict(element) for element in live.app.callbacks()]


def test_sdk_messages_sms_is_accepted_then_delivered(live: Live) -> None:
    """202 with the Message model; then exactly one message-delivered, parsed by the SDK."""
    live.setup_app()
    with live.client() as client:
        message = bandwidth.MessagesApi(client).create_message(
            ACCOUNT,
            bandwidth.MessageRequest(
                application_id=APP_ID, to=[PHONE], var_from=APP_NUMBER, text="hi", tag="t1"
            ),
        )
    assert len(message.id) == 29
    assert message.owner == APP_NUMBER
    assert message.to == [PHONE]
    assert message.text == "hi"
    assert message.segment_count == 1
    assert message.direction == bandwidth.MessageDirectionEnum.OUT
    live.wait(message.id)
    assert live.app.types("/status") == ["message-delivered"]
    (parsed,) = _parse_all(live)
    status = parsed.actual_instance
    assert isinstance(status, bandwidth.StatusCallback)
    assert status.to == PHONE
    assert status.message.id == message.id
    assert status.message.text == ""
    assert status.message.tag == "t1"


def test_sdk_messages_list_finds_the_message(live: Live) -> None:
    """list_messages by messageId: one row, DELIVERED, with pageInfo."""
    live.setup_app()
    with live.client() as client:
        api = bandwidth.MessagesApi(client)
        sent = api.create_message(
            ACCOUNT,
            bandwidth.MessageRequest(
                application_id=APP_ID, to=[PHONE], var_from=APP_NUMBER, text="hello"
            ),
        )
        live.wait(sent.id)
        found = api.list_messages(ACCOUNT, message_id=sent.id)
    assert found.total_count == 1
    (row,) = found.messages
    assert row.message_id == sent.id
    assert row.message_status == bandwidth.MessageStatusEnum.DELIVERED
    assert row.message_direction == bandwidth.ListMessageDirectionEnum.OUTBOUND
    assert row.destination_tn == PHONE


def test_sdk_messages_bad_from_is_400_with_field_errors(live: Live) -> None:
    """An invalid number: 400 request-validation naming the field (the SDK smoke test's case)."""
    live.setup_app()
    with live.client() as client, pytest.raises(bandwidth.ApiException) as raised:
        bandwidth.MessagesApi(client).create_message(
            ACCOUNT,
            bandwidth.MessageRequest(
                application_id=APP_ID, to=["+invalid"], var_from="+invalid", text=""
            ),
        )
    assert raised.value.status == 400
    error = bandwidth.CreateMessageRequestError.from_json(raised.value.body)
    assert error.type == "request-validation"
    names = [e.field_name for e in error.field_errors]
    assert "from" in names
    assert "to[0]" in names
