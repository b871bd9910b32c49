"""Test a Bandwidth voice app from its own test suite: `ringback.testing`.

    from ringback.testing import Phone, Ringback

    with Ringback() as rb, rb.serve(app) as app_url:
        call = rb.call(f"{app_url}/answer", Phone().wait_for_gather().press("1").hang_up())
        assert call.events() == ["answer", "gather", "disconnect"]
        assert call.webhook("gather").digits == "1"

With pytest the plugin (installed with the package) gives the same objects as fixtures:
`ringback` (a `Ringback`, reset before each test) and `app_url` (the app of your `ringback_app`
fixture, served on loopback). Guide: docs/testing.md.

The stable API is what this module exports (`__all__`); everything else in `ringback.testing.*`
may change between releases.
"""

from ringback.delivery.faults import Fault
from ringback.testing.apps import serve_app
from ringback.testing.phone import Phone
from ringback.testing.platform import Ringback
from ringback.testing.result import CallResult, EventList, Recording, Webhook

__all__ = [
    "CallResult",
    "EventList",
    "Fault",
    "Phone",
    "Recording",
    "Ringback",
    "Webhook",
    "serve_app",
]
