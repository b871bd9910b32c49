"""`<Redirect>`: fetches new BXML; method, credentials and fallback pass through."""

from __future__ import annotations

from bandwidth.models.bxml import Hangup, Redirect

from ringback.engine.actions import SendWebhook
from ringback.engine.requests import Callback
from ringback.engine.sim import Routes, Simulation

from ..documents import response


def test_redirect_callback_carries_method_credentials_and_fallback() -> None:
    """Every redirect attribute reaches the webhook's callback, URLs resolved."""
    verb = Redirect(
        "/next",
        redirect_method="GET",
        redirect_fallback_url="fb",
        redirect_fallback_method="GET",
        username="u",
        password="p",
        fallback_username="fu",
        fallback_password="fp",
    )
    sim = Simulation(Routes({"/a/answer": response(verb), "/next": response(Hangup())}))
    sim.place_call("http://app.test/a/answer")
    sim.run()
    sent = [a for a in sim.actions if isinstance(a, SendWebhook)]
    assert sent[1].callback == Callback(
        url="http://app.test/next",
        method="GET",
        username="u",
        password="p",
        fallback_url="http://app.test/a/fb",
        fallback_method="GET",
        fallback_username="fu",
        fallback_password="fp",
    )
