"""The control API's body readers: any JSON a client sends is accepted or refused by name."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ringback.api import control_bodies as bodies
from ringback.errors import RequestValidationError

KEYS = st.sampled_from(
    [*bodies.APPLICATION_KEYS, "from", "to", "phone", "seconds", "steps", "press", "userId", "x"]
)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
JSON = st.recursive(
    SCALARS | st.sampled_from(["http://app.test/x", "+15550001111", "GET", "gather", "12#"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)
READERS = [
    lambda body: bodies.read_application("app-1", body),
    lambda body: bodies.read_number_route("+15550001111", body),
    bodies.read_inbound_call,
    lambda body: bodies.read_phone(body, ""),
    bodies.read_steps,
    bodies.read_advance,
]


@settings(max_examples=200)
@given(body=JSON, reader=st.sampled_from(READERS))
def test_control_bodies_refuse_only_with_validation_errors(body: Any, reader: Any) -> None:
    """A reader returns a value or raises RequestValidationError with a description; no crash."""
    description = "accepted"
    try:
        reader(body)
    except RequestValidationError as exc:
        description = exc.description
    assert description


def test_control_bodies_application_defaults() -> None:
    """Only callInitiatedCallbackUrl is required; the rest take Bandwidth's defaults."""
    app = bodies.read_application("a", {"callInitiatedCallbackUrl": "https://app.test/i"})
    assert (app.call_initiated.method, app.call_status, app.callback_timeout_s) == (
        "POST",
        None,
        15.0,
    )
    assert bodies.application_settings(app)["callbackCreds"] is None
