"""`<SpeakSentence>`: text-to-speech; lasts as long as its words and breaks take. No webhooks."""

from __future__ import annotations

from ringback.bxml import SpeakSentence
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun
from ringback.engine.verbs.prompt import PromptPlayer


@handles(SpeakSentence)
class SpeakSentenceRun(VerbRun):
    """Speak the sentence, then go on.

    Simplification: the voice, gender and locale do not change the timing; speech lasts
    `TTS_SECONDS_PER_WORD` per word plus the SSML `<break>` times.
    """

    def start(self) -> None:
        """Play the sentence as a prompt."""
        self.player = PromptPlayer(self, self.verb, self.done)
        self.player.play()

    def stop(self) -> None:
        """Cut the sentence short."""
        self.player.cut()
        super().stop()
