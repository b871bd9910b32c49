"""Playing one prompt (`<SpeakSentence>` or `<PlayAudio>`) on a call, for verbs and `<Gather>`.

A prompt takes time: speech by its words and SSML breaks, audio by the file's real duration
(fetched by the runtime). It is put on the call's media log, and the far end is told when it
starts (`waitFor: speak`) and when it has been heard (`waitFor: {"heard": ...}`).
"""

from __future__ import annotations

from collections.abc import Callable

from ringback.bxml import PlayAudio, SpeakSentence
from ringback.engine import farend
from ringback.engine.media import Segment, Side, Sound
from ringback.engine.verbs.base import VerbRun

# Text-to-speech speaks about 160 words a minute.
TTS_SECONDS_PER_WORD = 0.375


def speech_seconds(sentence: SpeakSentence) -> float:
    """How long a sentence takes to speak: its words at TTS pace plus its `<break>`s."""
    return len(sentence.words()) * TTS_SECONDS_PER_WORD + sentence.break_seconds()


class PromptPlayer:
    """Plays one prompt for a VerbRun and calls `on_done` when it has played to the end."""

    def __init__(
        self, run: VerbRun, prompt: SpeakSentence | PlayAudio, on_done: Callable[[], None]
    ) -> None:
        self.run = run
        self.prompt = prompt
        self.on_done = on_done
        self.segment: Segment | None = None
        self.timer: int | None = None
        self.cancelled = False  # cut before it began (audio still being fetched): never play it
        self.words = " ".join(prompt.words()) if isinstance(prompt, SpeakSentence) else ""

    def play(self) -> None:
        """Start playing (audio is measured first, through the runtime)."""
        prompt, engine, call = self.prompt, self.run.engine, self.run.call
        if isinstance(prompt, SpeakSentence):
            self._begin(speech_seconds(prompt), Sound.PROMPT, self.words)
            return
        program = call.program
        base = program.base_url if program is not None else call.base_url
        url = engine.resolve_url(prompt.url, base)

        def measured(seconds: float) -> None:
            if not self.run.finished and not self.cancelled:
                self._begin(seconds, Sound.AUDIO, url)

        def failed(message: str) -> None:
            if not self.run.finished and not self.cancelled:
                engine.end_call(call, "application-error", message)

        engine.fetch_media(call, url, prompt.username, prompt.password, measured, failed)

    def cut(self) -> None:
        """Stop the prompt now (barge-in, interruption); it counts as heard."""
        if self.segment is None:
            self.cancelled = True
            return
        engine = self.run.engine
        self.run.call.media.cut(self.segment, engine.now)
        if self.timer is not None:
            engine.cancel_timer(self.timer)
            self.timer = None
        self._heard()

    def _begin(self, seconds: float, sound: Sound, text: str) -> None:
        engine, call = self.run.engine, self.run.call
        self.segment = call.media.add(engine.now, engine.now + seconds, Side.PLATFORM, sound, text)
        farend.prompt_started(engine, call)
        self.timer = self.run.after(seconds, self._ended)

    def _ended(self) -> None:
        self.timer = None
        self._heard()
        self.on_done()

    def _heard(self) -> None:
        self.segment = None
        farend.prompt_ended(self.run.engine, self.run.call, self.words)
