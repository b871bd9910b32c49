"""`<Tag>`: set the call's tag for later webhooks; empty text clears it."""

from __future__ import annotations

from ringback.bxml import Tag
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun


@handles(Tag)
class TagRun(VerbRun):
    """Set or clear the tag; takes no time and answers nothing."""

    ANSWERS_CALL = False

    def start(self) -> None:
        """Apply the tag and go on."""
        self.call.tag = self.verb.text or None
        self.done()
