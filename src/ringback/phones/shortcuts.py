"""The command line's phone shortcuts (`--answer`, `--press`, `--say`, ...) as a phone script.

`ringback call` and `ringback inbound` take a JSON phone script (`--phone FILE`) and, on top of
it or instead of it, a few flags for the common cases. Each shortcut waits for the verb that
takes its input, so a flag does the right thing whatever the app says first:

    --answer MODE, --answer-after S   replace the script's `answer` / `answerAfter`
    --press DIGITS (repeatable)       waitFor gather, then press DIGITS
    --say TEXT (repeatable)           waitFor record, then say TEXT
    --hangup-after S                  wait S seconds, then hang up

They are appended to the script's own steps in that order: presses, then words, then the hangup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ringback.errors import PhoneScriptError
from ringback.phones.script import (
    SPEECH_SECONDS_PER_WORD,
    AnswerMode,
    Condition,
    HangUp,
    PhoneScript,
    Press,
    Say,
    Step,
    Wait,
    WaitFor,
    parse_step,
    seconds_value,
)


@dataclass(frozen=True, slots=True)
class PhoneShortcuts:
    """The shortcut flags as given; empty means "use the script (or the silent phone) as is"."""

    answer: str | None = None
    answer_after_s: float | None = None
    press: Sequence[str] = field(default_factory=tuple)
    say: Sequence[str] = field(default_factory=tuple)
    hangup_after_s: float | None = None

    @property
    def empty(self) -> bool:
        """True when no shortcut flag was given."""
        return (
            self.answer is None
            and self.answer_after_s is None
            and not self.press
            and not self.say
            and self.hangup_after_s is None
        )


def apply_shortcuts(script: PhoneScript | None, shortcuts: PhoneShortcuts) -> PhoneScript | None:
    """`script` with the shortcuts applied; None when there is neither (the platform's default).

    Raises PhoneScriptError naming the flag (`--press`, `--say`, ...) for a bad value.
    """
    if shortcuts.empty:
        return script
    result = script or PhoneScript()
    if shortcuts.answer is not None:
        try:
            result = replace(result, answer=AnswerMode(shortcuts.answer))
        except ValueError:
            choices = ", ".join(m.value for m in AnswerMode)
            raise PhoneScriptError(
                f"must be one of {choices}, got {shortcuts.answer!r}", "--answer"
            ) from None
    if shortcuts.answer_after_s is not None:
        result = replace(
            result, answer_after_s=seconds_value(shortcuts.answer_after_s, "--answer-after")
        )
    steps: list[Step] = list(result.steps)
    for digits in shortcuts.press:
        steps += [WaitFor(condition=Condition.GATHER), _press(digits)]
    for text in shortcuts.say:
        steps += [WaitFor(condition=Condition.RECORD), _say(text)]
    if shortcuts.hangup_after_s is not None:
        steps += [Wait(seconds_value(shortcuts.hangup_after_s, "--hangup-after")), HangUp()]
    return replace(result, steps=tuple(steps))


def _press(digits: str) -> Press:
    try:
        step = parse_step({"press": digits}, "--press")
    except PhoneScriptError as error:
        raise PhoneScriptError(error.message, f"--press {digits!r}") from None
    assert isinstance(step, Press)
    return step


def _say(text: str) -> Say:
    words = text.split()
    if not words:
        raise PhoneScriptError("must be a non-empty string of words", "--say")
    return Say(" ".join(words), len(words) * SPEECH_SECONDS_PER_WORD)
