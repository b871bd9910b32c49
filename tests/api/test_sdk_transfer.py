"""A `<Transfer>` B-leg seen through the official SDK's CallsApi against a live Ringback."""

from __future__ import annotations

import bandwidth
from bandwidth.models.bxml import PhoneNumber, Response, Transfer

from .conftest import ACCOUNT, LiveServer
from .test_sdk_calls import create, state_of

TARGET = "+15556667777"


def transfer(live: LiveServer, **attributes: str) -> tuple[str, str]:
    """An outbound call (+15551112222 → +15553334444) transferred to TARGET; its leg's id."""
    destination = PhoneNumber(TARGET, transfer_answer_url=live.app.url + "/leg")
    live.app.routes["/transfer"] = str(Response([Transfer([destination], **attributes)]).to_bxml())
    live.app.routes["/leg"] = "<Response/>"
    call_id = str(create(live, "/transfer").call_id)
    live.advance(3)  # the callee answers after 1 s, the B-leg a second later
    answer = next(p for p in live.app.events("/leg") if p["parentCallId"] == call_id)
    return call_id, answer["callId"]


def test_sdk_transfer_leg_state_has_the_leg_own_from_and_to(live: LiveServer) -> None:
    """GET /calls/{legId}: `to` is the transfer target, `from` the caller id the leg used.

    Webhooks about the leg carry the A-leg's from/to beside transferCallerId/transferTo (spec
    §4.6); the leg's own state is the call Bandwidth placed: from transferCallerId to the target.
    """
    call_id, leg_id = transfer(live, transfer_caller_id="+15550001111")
    answer = next(p for p in live.app.events("/leg") if p["callId"] == leg_id)
    assert (answer["from"], answer["to"]) == ("+15551112222", "+15553334444")
    assert (answer["transferCallerId"], answer["transferTo"]) == ("+15550001111", TARGET)
    leg = state_of(live, leg_id)
    assert isinstance(leg, bandwidth.CallState)
    assert leg.parent_call_id == call_id
    assert (leg.var_from, leg.to) == ("+15550001111", TARGET)
    with live.client() as client:
        bandwidth.CallsApi(client).update_call(
            ACCOUNT, call_id, bandwidth.UpdateCall(state=bandwidth.CallStateEnum.COMPLETED)
        )
    live.settle()
    ended = state_of(live, leg_id)  # from the store once the leg ended
    assert ended.state == "disconnected"
    assert (ended.var_from, ended.to) == ("+15550001111", TARGET)
    with live.client() as client:
        listed = bandwidth.CallsApi(client).list_calls(ACCOUNT, to=TARGET)
    assert [c.call_id for c in listed] == [leg_id]


def test_sdk_transfer_leg_from_defaults_to_the_remote_party(live: LiveServer) -> None:
    """Without transferCallerId the leg calls from the A-leg's remote party (its callee here)."""
    _, leg_id = transfer(live)
    leg = state_of(live, leg_id)
    assert (leg.var_from, leg.to) == ("+15553334444", TARGET)
