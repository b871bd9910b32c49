"""`<Pause>`: silence for `duration` seconds. No webhooks."""

from __future__ import annotations

from ringback.bxml import Pause
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun


@handles(Pause)
class PauseRun(VerbRun):
    """Wait `duration` seconds, then go on. It answers an inbound call (it is media: silence)."""

    def start(self) -> None:
        """Start the pause's timer."""
        self.after(self.verb.duration, self.done)
