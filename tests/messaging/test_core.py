"""The messaging core without a loop or a socket: facts in, actions out (sans-IO)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringback.delivery.retries import MESSAGING_V2_RETRIES, NO_RETRIES
from ringback.engine.actions import StartTimer
from ringback.engine.requests import Callback
from ringback.messaging import (
    InboundRequest,
    MessageIds,
    MessagingAction,
    MessagingApplication,
    MessagingConfig,
    MessagingCore,
    SendCallback,
    SendRequest,
    Status,
)
from ringback.messaging.limits import segment_count
from ringback.phones.script import PhoneScript, parse_script

APP = "app"
NUMBER = "+15550001111"
T0 = 1_700_000_000.0


class Driver:
    """Runs a core the way the runtime does: timers in order, every callback answered."""

    def __init__(self, phones: dict[str, PhoneScript] | None = None, ok: bool = True) -> None:
        self.core = MessagingCore(MessagingConfig(), MessageIds("t"), {NUMBER: APP}, phones or {})
        self.core.applications[APP] = MessagingApplication(
            APP, inbound=Callback("http://app/in"), outbound=Callback("http://app/out")
        )
        self.ok = ok
        self.timers: list[tuple[float, int]] = []
        self.sent: list[tuple[float, SendCallback]] = []
        self.now = T0

    def take(self, actions: list[MessagingAction]) -> None:
        for action in actions:
            if isinstance(action, StartTimer):
                self.timers.append((action.at, action.timer_id))
            elif isinstance(action, SendCallback):
                self.sent.append((self.now, action))
                self.take(self.core.callback_done(self.now, action.delivery_id, self.ok))

    def run(self) -> None:
        while self.timers:
            self.timers.sort()
            at, timer_id = self.timers.pop(0)
            self.now = at
            self.take(self.core.timer_fired(at, timer_id))

    def types(self) -> list[str]:
        return [action.event_type for _, action in self.sent]


def send(driver: Driver, **fields: object) -> str:
    request = SendRequest(
        **{"application_id": APP, "to": ("+15552223333",), "from_": NUMBER, "text": "hi", **fields}
    )  # type: ignore[arg-type]
    message, actions = driver.core.send(driver.now, request)
    driver.take(actions)
    driver.run()
    return message.message_id


def test_core_sms_is_delivered_after_a_second() -> None:
    """One message-delivered, at +1 s; the recipient DELIVERED; the core idle."""
    driver = Driver()
    message_id = send(driver)
    assert driver.types() == ["message-delivered"]
    assert driver.sent[0][0] == T0 + 1
    assert driver.core.messages[message_id].recipients["+15552223333"].status is Status.DELIVERED
    assert driver.core.idle(message_id)


def test_core_ids_have_bandwidths_shapes() -> None:
    """v2: 29 characters starting with the epoch milliseconds; v1: m- and 23 base32."""
    ids = MessageIds("seed")
    v2 = ids.v2(T0)
    assert len(v2) == 29
    assert v2.startswith(str(int(T0 * 1000)))
    v1 = ids.v1()
    assert v1.startswith("m-")
    assert len(v1) == 25
    assert set(v1[2:]) <= set("abcdefghijklmnopqrstuvwxyz234567")
    assert MessageIds("seed").v2(T0) == v2  # deterministic


def test_core_callbacks_of_a_message_wait_for_the_retried_one() -> None:
    """A failing app: message-sending is retried (1 s, 2 s, ...) and delivered holds back."""
    driver = Driver(ok=False)
    send(driver, media=())
    driver_group = Driver(ok=False)
    send(driver_group, to=("+15552223333", "+15552224444"))
    types = driver_group.types()
    first_delivered = types.index("message-delivered")
    assert all(t == "message-sending" for t in types[:first_delivered])
    assert first_delivered > 2  # the first sending was retried before anything else went


def test_core_unreachable_phone_fails_4701_and_v1_has_no_retries() -> None:
    """An unreachable phone fails the message; a v1 callback is tried once."""
    phones = {"+15552223333": parse_script({"unreachable": True})}
    driver = Driver(phones)
    send(driver)
    (failed,) = [json.loads(a.body)[0] for _, a in driver.sent]
    assert (failed["type"], failed["errorCode"]) == ("message-failed", 4701)
    assert NO_RETRIES.delay_after(1, 0) is None
    assert MESSAGING_V2_RETRIES.delay_after(1, 0) == 1
    assert MESSAGING_V2_RETRIES.delay_after(13, 0) == 3600
    assert MESSAGING_V2_RETRIES.delay_after(5, 86_390) is None


def test_core_phone_replies_after_its_wait() -> None:
    """The phone reads, waits 3 s, replies: an inbound message with its own message-received."""
    phones = {
        "+15552223333": parse_script({"steps": [{"waitFor": "text"}, {"wait": 3}, {"text": "ok"}]})
    }
    driver = Driver(phones)
    send(driver)
    assert driver.types() == ["message-delivered", "message-received"]
    at, received = driver.sent[1]
    assert at == T0 + 4
    assert json.loads(received.body)[0]["message"]["text"] == "ok"


def test_core_inbound_to_an_unserved_number_makes_nothing() -> None:
    """Only numbers an application serves get a message."""
    driver = Driver()
    made, actions = driver.core.receive(T0, InboundRequest("+15552223333", ("+15559999999",), "x"))
    assert made == []
    assert actions == []


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("{" * 80, 1),  # extension characters cost two septets
        ("{" * 81, 2),
        ("ж" * 70, 1),  # outside GSM-7: UTF-16 code units
        ("ж" * 71, 2),
        ("😀" * 35, 1),  # two code units each
        ("😀" * 36, 2),
        ("", 1),
    ],
)
def test_core_segments_follow_the_encoding(text: str, segments: int) -> None:
    """1 segment up to 160 GSM-7 septets or 70 UCS-2 units, then 153 or 67 a part (§2.5)."""
    assert segment_count(text) == segments
    assert segment_count(text, media=("http://x/y.png",)) == 1


@given(st.lists(st.booleans(), min_size=1, max_size=4))
def test_core_every_recipient_ends_delivered_or_failed(unreachable: list[bool]) -> None:
    """Whatever the phones do, each recipient gets exactly one delivered-or-failed callback."""
    numbers = [f"+1555222{i:04d}" for i in range(len(unreachable))]
    phones = {
        n: parse_script({"unreachable": u}) for n, u in zip(numbers, unreachable, strict=True)
    }
    driver = Driver(phones)
    message_id = send(driver, to=tuple(numbers))
    finals = [
        json.loads(a.body)[0]
        for _, a in driver.sent
        if a.event_type in ("message-delivered", "message-failed")
    ]
    assert sorted(f["to"] for f in finals) == sorted(numbers)
    for final in finals:
        expected = "message-failed" if phones[final["to"]].unreachable else "message-delivered"
        assert final["type"] == expected
    assert driver.core.idle(message_id)
