"""`<Redirect>`: fetch new BXML from `redirectUrl` with a `redirect` webhook."""

from __future__ import annotations

from ringback.bxml import Redirect
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun
from ringback.events import RedirectEvent


@handles(Redirect)
class RedirectRun(VerbRun):
    """Send `redirect`; its answer replaces the program. It does not answer an inbound call."""

    ANSWERS_CALL = False

    def start(self) -> None:
        """Send the webhook."""
        callback = self.callback("redirect")
        assert callback is not None  # redirectUrl is required; the parser enforces it
        self.fetch(RedirectEvent, callback)
