"""`<Ring>`: ringback tone for `duration` seconds; answers the call unless `answerCall="false"`."""

from __future__ import annotations

from typing import Any

from ringback.bxml import Ring
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun


@handles(Ring)
class RingRun(VerbRun):
    """Play ringback, then go on; with answerCall=false an inbound call stays unanswered."""

    @classmethod
    def answers_call(cls, verb: Any) -> bool:
        """Only `answerCall="true"` (the default) answers the call."""
        return bool(verb.answer_call)

    def start(self) -> None:
        """Start the ring's timer."""
        self.after(self.verb.duration, self.done)
