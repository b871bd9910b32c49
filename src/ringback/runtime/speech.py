"""Real words: the far end's `say` steps and `<SpeakSentence>` prompts spoken by a synthesiser.

How this works. `Speech` finds a text-to-speech program on the machine: Flite (Debian `flite`)
first, then eSpeak NG (`espeak-ng`); docs/streams.md has the measurements behind the order (a
recogniser understands Flite's telephone voice far better). It runs it as a subprocess for each
new sentence, decodes the WAV to 8 kHz (`media.decode`) and fits the words to the time the
sound has on the call: faster when they would run over (Flite's `duration_stretch`, eSpeak's
words per minute), then padded with silence or, past the fastest rate, cut. Results are cached
by sentence, voice and length, so a sentence is synthesised once however many frames and
recordings carry it.

`voices()` is the table of sound makers the runtime hands to stream frames and recordings:
speech by the synthesiser when there is one (else the voice-band signal of `media.synth`), and
`<PlayAudio>` files as decoded (else the melody). Without a synthesiser everything still works;
the timeline says so once per stream.

On the real clock a synthesiser run on the event loop (30-100 ms, twice when the words are
fitted faster) would hold back the frames of every stream. `background_voices()` is the table
for frames paced on the real clock: a new sentence is synthesised in a worker thread, and until
it is ready, asking for it raises `SoundNotReadyError`: the frames that need it wait, the loop
and every other socket go on. Recordings (rendered in a worker thread) and the virtual clock
(where waiting costs no call time) use `voices()`.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from array import array
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache, partial

from ringback.engine.media import Sound
from ringback.errors import SoundNotReadyError
from ringback.media.decode import DecodedAudio, decode_audio
from ringback.media.render import SOUNDS, Voices
from ringback.media.synth import far_voice, melody, prompt_voice, silence

SYNTHESISERS = ("flite", "espeak-ng")
# Voices: the two Flite voices a recogniser understood best (docs/streams.md, "Speech"), one
# for each side so they sound apart: the far end `rms`, the platform's prompts `kal`.
FAR_VOICES = {"flite": "rms", "espeak-ng": "en-us"}
PROMPT_VOICES = {"flite": "kal", "espeak-ng": "en-us+f3"}
ESPEAK_WPM = 165
FASTEST_STRETCH = 0.5  # at most twice the normal rate; beyond it, the words are cut
SYNTH_TIMEOUT_S = 10.0
MAX_WORDS = 400  # a longer text is spoken in part (the sound is cut to its time anyway)
KEPT_SENTENCES = 256  # sentences made in the background kept for the frames still to take them
Key = tuple[str, int, bool]  # a sentence made in the background: text, samples, far end
NO_SYNTHESISER_NOTE = (
    "no speech synthesiser (flite or espeak-ng) is installed: spoken words are a voice-band "
    "signal, not speech (docs/streams.md)"
)


class Speech:
    """The machine's speech synthesiser, or none (`engine` is None)."""

    def __init__(self, engine: str | None = None, *, search: bool = True) -> None:
        if engine is None and search:
            engine = next((name for name in SYNTHESISERS if shutil.which(name)), None)
        self.engine = engine

    def say(self, text: str, samples: int, *, far_end: bool) -> array[int] | None:
        """`text` spoken in exactly `samples` samples at 8 kHz; None without a synthesiser."""
        if self.engine is None or samples <= 0:
            return None
        voices = FAR_VOICES if far_end else PROMPT_VOICES
        return _fitted(
            self.engine, voices[self.engine], " ".join(text.split()[:MAX_WORDS]), samples
        )


@lru_cache(maxsize=256)
def _fitted(engine: str, voice: str, text: str, samples: int) -> array[int] | None:
    spoken = _synthesise(engine, voice, text, 1.0)
    if spoken is None:
        return None
    if len(spoken) > samples:
        stretch = max(FASTEST_STRETCH, samples / len(spoken) * 0.97)
        spoken = _synthesise(engine, voice, text, stretch) or spoken
    out = spoken[:samples]
    if len(out) < samples:
        out += silence(samples - len(out))
    return out


@lru_cache(maxsize=256)
def _synthesise(engine: str, voice: str, text: str, stretch: float) -> array[int] | None:
    """The text spoken at a rate (stretch < 1 is faster), 8 kHz; None if the program failed."""
    if engine == "flite":
        command = ["flite", "-voice", voice, "--setf", f"duration_stretch={stretch:.3f}"]
        command += ["-o", "/dev/stdout", "-t", text]
    else:
        wpm = round(ESPEAK_WPM / stretch)
        command = ["espeak-ng", "-v", voice, "-s", str(wpm), "--stdout", "--", text]
    try:
        wav = subprocess.run(
            command, capture_output=True, check=True, timeout=SYNTH_TIMEOUT_S
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    audio = decode_audio(wav, 0.0)
    if audio is None:
        return None
    samples = array("h")
    samples.frombytes(audio)
    return samples


def voices(speech: Speech, decoded: DecodedAudio) -> Voices:
    """How the runtime makes each sound: real speech and real files where it can."""

    def spoken(
        far_end: bool, fallback: Callable[[str, int], array[int]]
    ) -> Callable[[str, int], array[int]]:
        def make(text: str, samples: int) -> array[int]:
            return speech.say(text, samples, far_end=far_end) or fallback(text, samples)

        return make

    def played(url: str, samples: int) -> array[int]:
        audio = decoded.get(url)
        if audio is None:
            return melody(url, samples)
        sound = array("h")
        sound.frombytes(audio[: 2 * samples])
        if len(sound) < samples:
            sound += silence(samples - len(sound))
        return sound

    table = dict(SOUNDS)
    table[Sound.SPEECH] = spoken(True, far_voice)
    table[Sound.PROMPT] = spoken(False, prompt_voice)
    table[Sound.AUDIO] = played
    return table


def background_voices(speech: Speech, decoded: DecodedAudio) -> Voices:
    """`voices()`, with each new sentence synthesised in a worker thread: until it is ready,
    asking for it raises SoundNotReadyError (for frames paced on the real clock)."""
    table = dict(voices(speech, decoded))
    made: OrderedDict[Key, array[int] | None] = OrderedDict()  # None: the synthesiser failed
    making: set[Key] = set()

    def landed(key: Key, future: asyncio.Future[array[int] | None]) -> None:
        making.discard(key)
        failed = future.cancelled() or future.exception() is not None
        made[key] = None if failed else future.result()
        while len(made) > KEPT_SENTENCES:
            made.popitem(last=False)

    def spoken(
        far_end: bool, fallback: Callable[[str, int], array[int]]
    ) -> Callable[[str, int], array[int]]:
        def make(text: str, samples: int) -> array[int]:
            key = (text, samples, far_end)
            if speech.engine is None:
                return fallback(text, samples)
            if key not in made:
                if key not in making:
                    making.add(key)
                    say = partial(speech.say, text, samples, far_end=far_end)
                    future = asyncio.get_running_loop().run_in_executor(None, say)
                    future.add_done_callback(partial(landed, key))
                raise SoundNotReadyError(f"still synthesising {text[:40]!r}")
            return made[key] or fallback(text, samples)

        return make

    table[Sound.SPEECH] = spoken(True, far_voice)
    table[Sound.PROMPT] = spoken(False, prompt_voice)
    return table
