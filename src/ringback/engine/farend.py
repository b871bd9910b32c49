"""The far end of a call, running its phone script against the engine's timers.

A phone runs its script's steps in order once it starts (when the call is answered, or at once
for the caller of an inbound call). Steps injected through the control API run "now": in a
sequence of their own, alongside whatever the script is waiting for.

`waitFor` is met by something the platform is doing at that moment or starts later: the call is
answered, a `<Gather>`/`<StartGather>` is collecting, a `<Record>` is recording, a prompt is
playing (`speak`). `{"heard": text}` is met when a prompt whose words contain the text has been
played to its end (or cut), so the next step happens after the caller heard it. `played` is met
once a bidirectional media stream's app has played audio since the step began and has nothing
more playing; `{"played": seconds}` once that much of its audio has played since then (checked
at the end of each chunk the app sent).
"""

from __future__ import annotations

import re
from collections import deque
from functools import partial
from typing import TYPE_CHECKING

from ringback.engine.media import Side, Sound
from ringback.phones.script import (
    SILENT_PHONE,
    Condition,
    HangUp,
    PhoneScript,
    Press,
    Say,
    Step,
    Wait,
    WaitFor,
    step_to_wire,
)

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.core import Engine

# A DTMF digit sounds for this long, then a gap, before the next one (common dialer timings).
DTMF_TONE_S = 0.1
DTMF_GAP_S = 0.1

_NOT_WORD = re.compile(r"[^\w']+")


def normalize_words(text: str) -> str:
    """Lower-case words separated by single spaces, punctuation dropped (for `heard` matching)."""
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def played_since(call: Call, since: float, now: float) -> float:
    """Seconds of audio a media stream's app played into the call between `since` and `now`."""
    return sum(
        max(0.0, min(segment.end, now) - max(segment.start, since)) for segment in call.played
    )


class _Sequence:
    """One list of steps being run; blocked on at most one `waitFor` at a time."""

    def __init__(self, phone: FarEnd, steps: tuple[Step, ...]) -> None:
        self.phone = phone
        self.steps: deque[Step] = deque(steps)
        self.blocked: WaitFor | None = None
        self.since = phone.engine.now

    def run(self) -> None:
        engine, call = self.phone.engine, self.phone.call
        while self.steps and not call.ended:
            step = self.steps.popleft()
            match step:
                case WaitFor():
                    if not self.phone.met(step, self.since):
                        self.blocked = step
                        engine.note(call, "far-end", step.describe())
                        return
                case Press(digits=digits):
                    self._press(digits)
                    return
                case Say(text=text, duration_s=seconds):
                    said(engine, call, text, seconds)
                    self._resume_after(seconds)
                    return
                case Wait(seconds=seconds):
                    engine.note(call, "far-end", f"waits {seconds:g} s", seconds=seconds)
                    self._resume_after(seconds)
                    return
                case HangUp():
                    hung_up(engine, call)
                    return
                case _:  # a texting step: the messaging core runs those, a call skips them
                    engine.note(call, "far-end", f"skips {step_to_wire(step)} (a texting step)")

    def wake(self) -> None:
        """Re-check the blocking `waitFor` after the platform did something."""
        if self.blocked is not None and self.phone.met(self.blocked, self.since):
            self.blocked = None
            self.since = self.phone.engine.now
            self.run()

    def _resume_after(self, seconds: float) -> None:
        def resume() -> None:
            self.since = self.phone.engine.now
            self.run()

        self.phone.engine.set_timer(self.phone.call, seconds, resume)

    def _press(self, digits: str) -> None:
        engine, call = self.phone.engine, self.phone.call
        engine.note(call, "far-end", f"presses {digits}", digits=digits)
        step_s = DTMF_TONE_S + DTMF_GAP_S
        for i, digit in enumerate(digits):
            # The tones go on the line now, each at its own time, so audio sent out as it
            # happens (a media stream) carries every tone from its start.
            tone_start = engine.now + i * step_s
            call.media.add(tone_start, tone_start + DTMF_TONE_S, Side.FAR, Sound.DTMF, digit)
            press = partial(pressed, engine, call, digit)
            engine.set_timer(call, i * step_s + DTMF_TONE_S, press)
        self._resume_after(len(digits) * step_s)


class FarEnd:
    """The phone at the far end of one call leg."""

    def __init__(self, engine: Engine, call: Call, script: PhoneScript) -> None:
        self.engine = engine
        self.call = call
        self.script = script
        self.started = False
        self.sequences: list[_Sequence] = []

    def start(self) -> None:
        """Begin the script's steps (once)."""
        if self.started:
            return
        self.started = True
        self._run(self.script.steps)

    def add_steps(self, steps: tuple[Step, ...]) -> None:
        """Run steps now, alongside the script."""
        self._run(steps)

    def observe(self) -> None:
        """The platform did something a `waitFor` may be waiting for."""
        for sequence in list(self.sequences):
            sequence.wake()

    def met(self, wait: WaitFor, since: float) -> bool:
        """Whether a `waitFor` is satisfied now."""
        if wait.heard is not None:
            wanted = normalize_words(wait.heard)
            return any(
                at >= since and wanted in normalize_words(words) for at, words in self.call.heard
            )
        if wait.played_s is not None:
            return played_since(self.call, since, self.engine.now) >= wait.played_s - 1e-9
        assert wait.condition is not None
        if wait.condition is Condition.ANSWER:
            return self.call.answer_time is not None
        if wait.condition is Condition.PLAYED:
            now = self.engine.now
            playing = any(s.start <= now < s.end for s in self.call.played)
            return not playing and played_since(self.call, since, now) > 0
        return wait.condition.value in self.call.activities

    def _run(self, steps: tuple[Step, ...]) -> None:
        if not steps or self.call.ended:
            return
        sequence = _Sequence(self, steps)
        self.sequences.append(sequence)
        sequence.run()


# ---- between the platform and the far end ---------------------------------------------------


def far_end(engine: Engine, call: Call) -> FarEnd:
    """The phone at the other end of the call (a silent one if none was given)."""
    if call.far_end is None:
        call.far_end = FarEnd(engine, call, SILENT_PHONE)
    return call.far_end


def phone_for(engine: Engine, number: str) -> PhoneScript:
    """The script registered for a number, or the silent phone."""
    return engine.phones.get(number, SILENT_PHONE)


def prompt_started(engine: Engine, call: Call) -> None:
    """A prompt began playing: the far end may be waiting for any speech."""
    call.activities.add(Condition.SPEAK.value)
    far_end(engine, call).observe()


def prompt_ended(engine: Engine, call: Call, words: str) -> None:
    """A prompt finished (or was cut): the far end has heard its words."""
    call.activities.discard(Condition.SPEAK.value)
    call.heard.append((engine.now, words))
    far_end(engine, call).observe()


def begin_activity(engine: Engine, call: Call, activity: Condition) -> None:
    """The platform started collecting digits or recording: wake a waiting far end."""
    call.activities.add(activity.value)
    far_end(engine, call).observe()


def end_activity(call: Call, activity: Condition) -> None:
    """The platform stopped collecting digits or recording."""
    call.activities.discard(activity.value)


def pressed(engine: Engine, call: Call, digit: str) -> None:
    """The far end pressed a digit (heard at the end of its tone, already on the media log)."""
    engine.note(call, "far-end", f"pressed {digit}", digit=digit)
    if call.observer is not None:
        call.observer.digit_pressed(engine, call, digit, DTMF_TONE_S)
    # Background features hear the digit first, as things stood when it was pressed: the verb
    # may end on this digit and start others (a `<StartGather>` started next must not get it,
    # and one paused by the `<Gather>` that takes it must still see that Gather running).
    for feature in list(call.features.values()):
        feature.on_digit(digit)
    if call.run is not None and not call.ended:
        call.run.on_digit(digit)


def said(engine: Engine, call: Call, text: str, duration_s: float) -> None:
    """The far end starts speaking for `duration_s` seconds."""
    call.media.add(engine.now, engine.now + duration_s, Side.FAR, Sound.SPEECH, text)
    engine.note(call, "far-end", f"says {text!r}", text=text, duration=duration_s)
    if call.run is not None:
        call.run.on_speech(duration_s)


def hung_up(engine: Engine, call: Call) -> None:
    """The far end hung up."""
    engine.note(call, "far-end", "hung up")
    engine.end_call(call, "hangup")
