"""`<Gather>`: play nested prompts and collect DTMF digits; blocking.

How this works. Collecting starts with the verb, before the first prompt, so the far end can
barge in: `begin_activity(GATHER)` wakes a phone waiting `{"waitFor": "gather"}` at once. The
nested prompts play in order; when the last has played, the first-digit timer runs. With no
digit by then the prompts play again, `repeatCount` times in all, each round followed by its own
first-digit wait; the `gather` goes out after the last round's wait. The first digit cuts the
prompt playing (barge-in) and cancels every prompt and round still to come.

A digit then either ends the gather (a terminating digit, not kept in `digits` but reported as
`terminatingDigit`; or the `maxDigits`-th digit, `terminatingDigit` "") or starts the
inter-digit timer, which ends the gather when it runs out. With `gatherUrl`, `gather` is sent
(sync) and its BXML replaces the rest of the program; without it the digits are discarded and
the program goes on with the next verb.
"""

from __future__ import annotations

from ringback.bxml import Gather, PlayAudio, SpeakSentence
from ringback.engine import farend
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun
from ringback.engine.verbs.prompt import PromptPlayer
from ringback.events import GatherEvent
from ringback.phones.script import Condition

# The key under which `<StartGather>` keeps its feature in `call.features` (start_gather.py):
# while it is there, the call is still collecting digits after a `<Gather>` ends.
START_GATHER_FEATURE = "StartGather"


@handles(Gather)
class GatherRun(VerbRun):
    """Collect digits as Bandwidth does; every termination rule Bandwidth documents (above).

    Simplifications, stated:
    - DTMF only. The speech attributes (`input`, `hints`, `language`, `partialResultCallback`,
      `partialResultCallbackMethod`, `profanityFilter`, `speechModel`, `speechTimeout`) are
      accepted and ignored: whatever `input` says, digits are collected and speech is not
      recognised, so `gather` carries `digits` and `terminatingDigit` only. A
      non-`dtmf` input is noted on the timeline.
    - A digit counts when its tone ends (when it is detected): digits that ended before the
      Gather started are not collected, and the far end hears the rest of a cut prompt as
      silence.
    - With no nested prompt there is nothing to repeat: `repeatCount` is ignored and the gather
      waits `firstDigitTimeout` once.
    - While a `<StartGather>` is active it is paused (no `dtmf` for digits the Gather takes).
    """

    def start(self) -> None:
        """Start collecting, then play the first prompt (or wait for the first digit)."""
        verb = self.verb
        self.digits = ""
        self.next_prompt = 0
        self.rounds = max(1, verb.repeat_count) if verb.prompts else 1
        self.rounds_played = 0
        self.player: PromptPlayer | None = None
        self.timeout: int | None = None
        # Why it ended, in v1's words (`max-digits`, `terminating-digit`, `inter-digit-timeout`);
        # None while running or when interrupted. The v1 `gather` event reports it.
        self.reason: str | None = None
        if verb.input != "dtmf":
            self.engine.note(
                self.call,
                "verb",
                f'<Gather input="{verb.input}">: speech is not recognised; collecting DTMF only',
            )
        farend.begin_activity(self.engine, self.call, Condition.GATHER)
        self._play_next()

    def on_digit(self, digit: str) -> None:
        """Barge in, then end the gather on this digit or wait for the next one."""
        if self.finished:
            return
        self._silence_prompts()
        if self.finished:  # the far end, having heard the cut prompt, hung up
            return
        self._cancel_timeout()
        if digit in self.verb.terminating_digits:
            self._finish(terminating_digit=digit, reason="terminating-digit")
            return
        self.digits += digit
        if len(self.digits) >= self.verb.max_digits:
            self._finish(terminating_digit="", reason="max-digits")
            return
        self.timeout = self.after(self.verb.inter_digit_timeout, self._timed_out)

    def stop(self) -> None:
        """Interrupted (redirect, new BXML, hangup): cut the prompt, stop collecting."""
        self._silence_prompts()
        self._stop_collecting()
        super().stop()

    # ---- prompts and timers ----------------------------------------------------------------

    def _play_next(self) -> None:
        if self.finished:
            return
        prompts: tuple[SpeakSentence | PlayAudio, ...] = self.verb.prompts
        if self.next_prompt < len(prompts):
            prompt = prompts[self.next_prompt]
            self.next_prompt += 1
            self.player = PromptPlayer(self, prompt, self._play_next)
            self.player.play()
            return
        self.player = None
        self.rounds_played += 1
        self.timeout = self.after(self.verb.first_digit_timeout, self._no_first_digit)

    def _no_first_digit(self) -> None:
        self.timeout = None
        if self.rounds_played < self.rounds:
            self.next_prompt = 0
            self._play_next()
        else:
            self._finish(terminating_digit="", reason="inter-digit-timeout")

    def _timed_out(self) -> None:
        self.timeout = None
        self._finish(terminating_digit="", reason="inter-digit-timeout")

    def _silence_prompts(self) -> None:
        """Cut the prompt playing (barge-in).

        Nothing plays after it: the next prompt, or the next round, starts when a prompt reaches
        its end, which a cut prompt never does.
        """
        player, self.player = self.player, None
        if player is not None:
            player.cut()

    def _cancel_timeout(self) -> None:
        if self.timeout is not None:
            self.engine.cancel_timer(self.timeout)
            self.timers.discard(self.timeout)
            self.timeout = None

    def _stop_collecting(self) -> None:
        if START_GATHER_FEATURE not in self.call.features:
            farend.end_activity(self.call, Condition.GATHER)

    # ---- the end ---------------------------------------------------------------------------

    def _finish(self, terminating_digit: str, reason: str) -> None:
        if self.finished:
            return
        self._silence_prompts()
        if self.finished:
            return
        self.reason = reason
        self._stop_collecting()
        self.engine.note(
            self.call,
            "gather",
            f"collected {self.digits!r}, terminating digit {terminating_digit!r}",
            digits=self.digits,
            terminatingDigit=terminating_digit,
        )
        callback = self.callback("gather")
        if callback is None:
            self.engine.note(self.call, "gather", "no gatherUrl: digits discarded")
            self.done()
            return
        self.fetch(GatherEvent, callback, digits=self.digits, terminating_digit=terminating_digit)
