"""`<Hangup>`: end the call; an unanswered inbound call is rejected instead."""

from __future__ import annotations

from ringback.bxml import Hangup
from ringback.engine import flow
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun


@handles(Hangup)
class HangupRun(VerbRun):
    """Hang up: `disconnect` with cause `hangup` (`rejected` before an inbound call is answered)."""

    ANSWERS_CALL = False

    def start(self) -> None:
        """Hang up now; the verb is complete (not interrupted) when the call ends."""
        flow.complete_verb(self.engine, self.call, self)
        self.engine.hang_up(self.call)
