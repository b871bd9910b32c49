"""Faults on purpose (delivery/faults.py): which webhooks they touch, and the dropped response."""

from __future__ import annotations

import pytest

from ringback.delivery.faults import DROPPED_RESPONSE, Fault, FaultKind, FaultPlan, parse_faults
from ringback.delivery.policy import Delivery, ResponseReceived, Target, WebhookRequest
from ringback.errors import FaultError

OK = ResponseReceived(200, b"<Response/>", "application/xml")


def test_fault_plan_async_kinds_never_touch_sync_webhooks() -> None:
    """duplicate, reorder and delay are for async webhooks; fail-first is for any."""
    plan = FaultPlan([Fault.duplicate(), Fault.reorder(), Fault.delay(5), Fault.fail_first()])
    assert set(plan.take("gather", sync=True)) == {FaultKind.FAIL_FIRST}
    assert set(plan.take("disconnect", sync=False)) == set(FaultKind)


def test_fault_plan_events_calls_and_times() -> None:
    """A fault names its events and call (its legs too), and is used up after `times`."""
    plan = FaultPlan([Fault.duplicate("disconnect", times=1).for_call("c-1")])
    assert plan.take("recordingAvailable", sync=False, call_ids=("c-1", None)) == {}
    assert plan.take("disconnect", sync=False, call_ids=("c-2", None)) == {}
    assert set(plan.take("disconnect", sync=False, call_ids=("c-9", "c-1"))) == {
        FaultKind.DUPLICATE
    }
    assert plan.take("disconnect", sync=False, call_ids=("c-1", None)) == {}
    assert not plan


def test_fault_plan_one_fault_of_a_kind_per_webhook_first_added_first() -> None:
    """Two delays for the same webhook: the first added is used, the second keeps its count."""
    first, second = Fault.delay(1, times=1), Fault.delay(9, times=1)
    plan = FaultPlan([first, second])
    assert plan.take("disconnect", sync=False) == {FaultKind.DELAY: first}
    assert plan.take("disconnect", sync=False) == {FaultKind.DELAY: second}
    assert plan.take("disconnect", sync=False) == {}


def test_parse_faults_reads_the_option_and_names_what_is_wrong() -> None:
    """--ringback-faults: kinds, delay=SECONDS, errors that say what to write."""
    assert parse_faults("duplicate, fail-first,delay=2.5") == (
        Fault(FaultKind.DUPLICATE),
        Fault(FaultKind.FAIL_FIRST),
        Fault.delay(2.5),
    )
    assert parse_faults("") == ()
    with pytest.raises(FaultError, match="unknown fault 'dupe'; use duplicate, reorder"):
        parse_faults("dupe")
    with pytest.raises(FaultError, match="delay needs seconds"):
        parse_faults("delay")
    with pytest.raises(FaultError, match="takes no value"):
        parse_faults("duplicate=2")
    with pytest.raises(FaultError, match="more than 0"):
        Fault.delay(0)
    with pytest.raises(FaultError, match="times must be 1 or more"):
        Fault.duplicate(times=0)


def test_policy_drop_first_response_retries_once_and_the_retry_counts() -> None:
    """fail-first: the first answer is dropped as a broken connection; the retry is used."""
    request = WebhookRequest(
        "gather", b"{}", (), Target("http://app/menu", "POST"), sync=True, drop_first_response=True
    )
    delivery = Delivery(request)
    first = delivery.next_attempt()
    assert first is not None
    delivery.record(ResponseReceived(200, b"<Response><Hangup/></Response>"))
    retry = delivery.next_attempt()
    assert retry is not None
    assert retry.number == 2
    assert retry.url == first.url
    delivery.record(OK)
    result = delivery.result()
    assert result.ok
    assert result.body == b"<Response/>"
    dropped, used = result.attempts
    assert (dropped.error, dropped.status) == ("connect-error", None)
    assert dropped.note is not None
    assert dropped.note.startswith(DROPPED_RESPONSE)
    assert (used.status, used.error) == (200, None)
