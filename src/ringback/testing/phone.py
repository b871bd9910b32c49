"""A fluent builder for phone scripts: the far end of a call, step by step.

`Phone()` builds exactly the phone-script format of docs/control-api.md (the same JSON the
control API's `PUT /_ringback/phones/{number}` and `POST /_ringback/calls` take): every method
returns a new Phone, so a base phone can be shared and extended. Each step is checked by the
same parser the control API uses the moment it is added, so a bad digit fails on the line that
wrote it, naming the step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from ringback.phones.script import PhoneScript, parse_script, parse_step

AnswerAs = Literal["human", "machine", "busy", "reject", "no-answer"]


@dataclass(frozen=True, slots=True)
class Phone:
    """The far end of a call: how it answers (`answer`, `answer_after` seconds), then its steps.

    >>> Phone().wait_for_gather().press("1").wait(30).hang_up().to_script()["steps"][1]
    {'press': '1'}
    """

    answer: AnswerAs = "human"
    answer_after: float = 1.0
    steps: tuple[dict[str, Any], ...] = ()

    def __post_init__(self) -> None:
        self.script()  # the answer mode and delay are checked as the steps are

    # ---- how it answers --------------------------------------------------------------------

    def answers_after(self, seconds: float) -> Phone:
        """Ring for `seconds` before answering."""
        return replace(self, answer_after=seconds)

    def machine(self) -> Phone:
        """An answering machine answers (for machine detection)."""
        return replace(self, answer="machine")

    def busy(self) -> Phone:
        """The line is busy: the call ends with cause `busy`."""
        return replace(self, answer="busy")

    def reject(self) -> Phone:
        """The call is rejected: cause `rejected`."""
        return replace(self, answer="reject")

    def no_answer(self) -> Phone:
        """Nobody answers: the call rings until its `callTimeout`, cause `timeout`."""
        return replace(self, answer="no-answer")

    # ---- steps -----------------------------------------------------------------------------

    def wait_for_answer(self) -> Phone:
        """Until the call is answered."""
        return self._step({"waitFor": "answer"})

    def wait_for_gather(self) -> Phone:
        """Until a `<Gather>` or `<StartGather>` is collecting digits."""
        return self._step({"waitFor": "gather"})

    def wait_for_record(self) -> Phone:
        """Until a recording starts."""
        return self._step({"waitFor": "record"})

    def wait_for_speak(self) -> Phone:
        """Until any prompt starts (`<SpeakSentence>`, `<PlayAudio>`)."""
        return self._step({"waitFor": "speak"})

    def wait_for_heard(self, text: str) -> Phone:
        """Until a prompt whose words contain `text` (case-insensitive)."""
        return self._step({"waitFor": {"heard": text}})

    def press(self, digits: str) -> Phone:
        """Press DTMF digits (0-9, *, #, A-D), one after another."""
        return self._step({"press": digits})

    def say(self, words: str, duration: float | None = None) -> Phone:
        """Speak `words`; `duration` in seconds (default 0.4 s a word)."""
        step: dict[str, Any] = {"say": words}
        if duration is not None:
            step["duration"] = duration
        return self._step(step)

    def wait(self, seconds: float) -> Phone:
        """Stay silent for `seconds`."""
        return self._step({"wait": seconds})

    def hang_up(self) -> Phone:
        """Hang up."""
        return self._step({"hangup": True})

    def _step(self, step: dict[str, Any]) -> Phone:
        parse_step(step, f"steps[{len(self.steps)}]")
        return replace(self, steps=(*self.steps, step))

    # ---- the script ------------------------------------------------------------------------

    def to_script(self) -> dict[str, Any]:
        """The phone script's JSON form (docs/control-api.md, "Phone scripts")."""
        return {
            "answer": self.answer,
            "answerAfter": self.answer_after,
            "steps": [dict(step) for step in self.steps],
        }

    def script(self) -> PhoneScript:
        """The checked script, as the platform runs it."""
        return parse_script(self.to_script())

    @classmethod
    def from_script(cls, data: dict[str, Any]) -> Phone:
        """A Phone from a phone script's JSON form (checked)."""
        script = parse_script(data)
        return cls(
            answer=script.answer.value,
            answer_after=script.answer_after_s,
            steps=tuple(dict(step) for step in data.get("steps", [])),
        )
