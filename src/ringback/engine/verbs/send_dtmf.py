"""`<SendDtmf>`: play DTMF tones to the far end. No webhooks."""

from __future__ import annotations

from ringback.bxml import SendDtmf
from ringback.engine.media import Side, Sound
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun

PAUSE_S = {",": 0.5, "w": 0.5, "W": 1.0}
MS_PER_S = 1000.0


def tone_schedule(verb: SendDtmf) -> tuple[list[tuple[float, float, str]], float]:
    """When each tone starts and ends (seconds from the verb's start), and the total length.

    A pause character replaces the interval after the tone before it.
    """
    tone_s = verb.tone_duration / MS_PER_S
    interval_s = verb.tone_interval / MS_PER_S
    tones: list[tuple[float, float, str]] = []
    at = 0.0
    after_tone = False
    for char in verb.digits:
        if char in PAUSE_S:
            if after_tone:
                at -= interval_s
                after_tone = False
            at += PAUSE_S[char]
            continue
        tones.append((at, at + tone_s, char))
        at += tone_s + interval_s
        after_tone = True
    if after_tone:
        at -= interval_s  # the verb ends when the last tone does
    return tones, at


@handles(SendDtmf)
class SendDtmfRun(VerbRun):
    """Play each tone in turn (on the call's media log), then go on."""

    def start(self) -> None:
        """Log the tones and wait for them to finish."""
        tones, total = tone_schedule(self.verb)
        now, media = self.engine.now, self.call.media
        for start, end, digit in tones:
            media.add(now + start, now + end, Side.PLATFORM, Sound.DTMF, digit)
        self.after(total, self.done)
