"""`<PlayAudio>`: play a WAV or MP3 file; lasts as long as the file. No webhooks."""

from __future__ import annotations

from ringback.bxml import PlayAudio
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun
from ringback.engine.verbs.prompt import PromptPlayer


@handles(PlayAudio)
class PlayAudioRun(VerbRun):
    """Fetch the file (through the runtime), play it for its duration, then go on.

     Media that cannot be fetched or is not WAV/MP3 ends the call with `application-error`
    ; the runtime decides which, from the file itself.
    """

    def start(self) -> None:
        """Fetch and play the file as a prompt."""
        self.player = PromptPlayer(self, self.verb, self.done)
        self.player.play()

    def stop(self) -> None:
        """Cut the audio short."""
        self.player.cut()
        super().stop()
