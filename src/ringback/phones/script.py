"""Phone scripts: what the far end of a call does, as plain data (DESIGN.md, "phone scripts").

A script says how the phone answers (`answer`, `answerAfter`) and then lists steps that run in
order once the call is up: wait for something the platform does (`waitFor`), press digits, say
words, wait, hang up. When the steps run out the phone stays on the line, silent.

The same phone texts (DESIGN.md, "Where the second wave fits"): its texting steps run when the
first message reaches it — wait for a text (`{"waitFor": "text"}`, or `{"waitFor": {"text":
words}}`), reply (`{"text": ..., "media": [...]}`), stop answering (`{"unreachable": true}`: later
messages fail). `"unreachable": true` beside `answer` makes every message to it fail. A call skips
the texting steps and the messaging core skips the call's (`wait` counts for both).

`parse_script` and `parse_steps` turn the JSON form into frozen dataclasses and reject anything
malformed with a `PhoneScriptError` that says which key of which step is wrong.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ringback.errors import PhoneScriptError

DEFAULT_ANSWER_AFTER_S = 1.0
DTMF_CHARACTERS = frozenset("0123456789*#ABCDabcd")
# A person says about 150 words a minute; `say` without a duration lasts this long per word.
SPEECH_SECONDS_PER_WORD = 0.4
# Every duration a script gives (answerAfter, wait, say) is at most a day, as `<Pause>` is:
# far longer than any test needs, and short enough that the virtual clock, which jumps to the
# next timer, never leaves the years a timestamp can show (1e12 s once took it past 9999).
MAX_STEP_SECONDS = 86_400.0


class AnswerMode(StrEnum):
    """How the phone responds when it rings."""

    HUMAN = "human"
    MACHINE = "machine"
    BUSY = "busy"
    REJECT = "reject"
    NO_ANSWER = "no-answer"


class Condition(StrEnum):
    """What a `waitFor` step can wait for (besides `{"heard": text}`)."""

    ANSWER = "answer"
    GATHER = "gather"
    RECORD = "record"
    SPEAK = "speak"
    PLAYED = "played"  # a bidirectional media stream's app played audio, and has finished


@dataclass(frozen=True, slots=True)
class WaitFor:
    """Block until the platform answers, gathers, records, speaks, has said `heard`, or a
    media stream's app has played audio (`played`), or `played_s` seconds of it."""

    condition: Condition | None = None
    heard: str | None = None
    played_s: float | None = None

    def describe(self) -> str:
        """A short human form for the timeline."""
        if self.heard is not None:
            return f"waitFor heard {self.heard!r}"
        if self.played_s is not None:
            return f"waitFor {self.played_s:g} s played"
        return f"waitFor {self.condition}"


@dataclass(frozen=True, slots=True)
class Press:
    """Press DTMF digits, one after another."""

    digits: str


@dataclass(frozen=True, slots=True)
class Say:
    """Speak words for `duration` seconds (default: by the number of words)."""

    text: str
    duration_s: float

    @property
    def words(self) -> list[str]:
        """The spoken words."""
        return self.text.split()


@dataclass(frozen=True, slots=True)
class Wait:
    """Stay silent for `seconds`."""

    seconds: float


@dataclass(frozen=True, slots=True)
class HangUp:
    """Hang up the call."""


@dataclass(frozen=True, slots=True)
class WaitForText:
    """Block until a message reaches the phone (one whose text contains `contains`, if given)."""

    contains: str | None = None

    def describe(self) -> str:
        """A short human form for the timeline."""
        return "waitFor text" if self.contains is None else f"waitFor text {self.contains!r}"


@dataclass(frozen=True, slots=True)
class SendText:
    """Text back to whoever texted the phone last: words and/or media (URLs or file names)."""

    text: str
    media: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GoUnreachable:
    """From now on the phone is off: messages sent to it fail."""


Step = WaitFor | Press | Say | Wait | HangUp | WaitForText | SendText | GoUnreachable
TEXTING_STEPS = (WaitForText, SendText, GoUnreachable)


@dataclass(frozen=True, slots=True)
class PhoneScript:
    """The far end of a call: how it answers, then its steps."""

    answer: AnswerMode = AnswerMode.HUMAN
    answer_after_s: float = DEFAULT_ANSWER_AFTER_S
    steps: tuple[Step, ...] = ()
    unreachable: bool = False  # messages to this phone fail (it is off, or out of coverage)


SILENT_PHONE = PhoneScript()
"""A number with no script answers after 1 s and stays on the line in silence."""

_SCRIPT_KEYS = ("answer", "answerAfter", "steps", "unreachable")
_STEP_KEYS = ("waitFor", "press", "say", "wait", "hangup", "text", "unreachable")
MAX_TEXT_MEDIA = 10


def parse_script(data: Mapping[str, Any] | None) -> PhoneScript:
    """Build a PhoneScript from its JSON form; None gives the silent phone."""
    if data is None:
        return SILENT_PHONE
    if not isinstance(data, Mapping):
        raise PhoneScriptError(f"a phone script must be an object, got {_kind(data)}")
    _reject_unknown_keys(data, _SCRIPT_KEYS, where=None)
    answer = data.get("answer", AnswerMode.HUMAN.value)
    try:
        mode = AnswerMode(answer)
    except ValueError:
        choices = [m.value for m in AnswerMode]
        raise PhoneScriptError(
            f"must be one of {', '.join(choices)}, got {_shown(answer)}"
            f"{_did_you_mean(answer, choices)}",
            "answer",
        ) from None
    after = seconds_value(data.get("answerAfter", DEFAULT_ANSWER_AFTER_S), "answerAfter")
    steps = parse_steps(data.get("steps", []), prefix="steps")
    unreachable = data.get("unreachable", False)
    if not isinstance(unreachable, bool):
        raise PhoneScriptError(f"must be true or false, got {_shown(unreachable)}", "unreachable")
    return PhoneScript(answer=mode, answer_after_s=after, steps=steps, unreachable=unreachable)


def parse_steps(data: Any, prefix: str = "steps") -> tuple[Step, ...]:
    """Build steps from one step object or a list of them."""
    if isinstance(data, Mapping):
        return (parse_step(data, prefix),)
    if not isinstance(data, Sequence) or isinstance(data, str):
        raise PhoneScriptError(f"must be a step or a list of steps, got {_kind(data)}", prefix)
    return tuple(parse_step(item, f"{prefix}[{i}]") for i, item in enumerate(data))


def parse_step(data: Any, where: str) -> Step:
    """Build one step; exactly one of the step keys must be present."""
    if not isinstance(data, Mapping):
        raise PhoneScriptError(f"a step must be an object, got {_kind(data)}", where)
    action_keys = [key for key in _STEP_KEYS if key in data]
    if not action_keys:  # most likely a misspelt key: name it, with what it was meant to be
        _reject_unknown_keys(data, (*_STEP_KEYS, "duration"), where)
    if len(action_keys) != 1:
        found = ", ".join(action_keys) or "none"
        raise PhoneScriptError(
            f"a step needs exactly one of {', '.join(_STEP_KEYS)}; found {found}", where
        )
    key = action_keys[0]
    allowed = {"say": ("say", "duration"), "text": ("text", "media")}.get(key, (key,))
    _reject_unknown_keys(data, allowed, where)
    value = data[key]
    here = f"{where}.{key}"
    if key == "waitFor":
        return _wait_for(value, here)
    if key == "press":
        return Press(_digits(value, here))
    if key == "say":
        if not isinstance(value, str) or not value.strip():
            raise PhoneScriptError("must be a non-empty string of words", here)
        default = len(value.split()) * SPEECH_SECONDS_PER_WORD
        duration = seconds_value(data.get("duration", default), f"{where}.duration")
        if duration <= 0:
            raise PhoneScriptError("must be greater than 0", f"{where}.duration")
        return Say(value.strip(), duration)
    if key == "wait":
        return Wait(seconds_value(value, here))
    if key == "text":
        return _send_text(value, data.get("media", []), where)
    if value is not True:
        raise PhoneScriptError(f"must be true, got {_shown(value)}", here)
    return GoUnreachable() if key == "unreachable" else HangUp()


def _send_text(text: Any, media: Any, where: str) -> SendText:
    if not isinstance(text, str):
        raise PhoneScriptError(f"must be a string, got {_kind(text)}", f"{where}.text")
    if not isinstance(media, Sequence) or isinstance(media, str):
        raise PhoneScriptError(
            f"must be a list of URLs or file names, got {_kind(media)}", f"{where}.media"
        )
    if len(media) > MAX_TEXT_MEDIA:
        raise PhoneScriptError(
            f"at most {MAX_TEXT_MEDIA} items, got {len(media)}", f"{where}.media"
        )
    for i, item in enumerate(media):
        if not isinstance(item, str) or not item.strip() or len(item) > 4096:
            raise PhoneScriptError(
                "must be a URL or a file name (1 to 4096 characters)", f"{where}.media[{i}]"
            )
    if not text and not media:
        raise PhoneScriptError("a text needs words or media", f"{where}.text")
    return SendText(text, tuple(item.strip() for item in media))


def _wait_for(value: Any, where: str) -> WaitFor | WaitForText:
    if value == "text":
        return WaitForText()
    if isinstance(value, Mapping) and "text" in value:
        _reject_unknown_keys(value, ("text",), where)
        words = value.get("text")
        if not isinstance(words, str) or not words.strip():
            raise PhoneScriptError("`text` must be a non-empty string", where)
        return WaitForText(words.strip())
    if isinstance(value, Mapping):
        _reject_unknown_keys(value, ("heard", "played"), where)
        if len(value) != 1:
            raise PhoneScriptError('needs exactly one of "heard", "played"', where)
        if "played" in value:
            played = seconds_value(value["played"], f"{where}.played")
            if played <= 0:
                raise PhoneScriptError("must be greater than 0", f"{where}.played")
            return WaitFor(played_s=played)
        heard = value.get("heard")
        if not isinstance(heard, str) or not heard.strip():
            raise PhoneScriptError("`heard` must be a non-empty string", where)
        return WaitFor(heard=heard.strip())
    try:
        return WaitFor(condition=Condition(value))
    except ValueError:
        choices = [c.value for c in Condition]
        raise PhoneScriptError(
            f'must be one of {", ".join(choices)}, text, {{"heard": words}},'
            f' {{"played": seconds}} or {{"text": words}}, got {_shown(value)}'
            f"{_did_you_mean(value, [*choices, 'text'])}",
            where,
        ) from None


def _digits(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise PhoneScriptError("must be a non-empty string of digits", where)
    bad = sorted({ch for ch in value if ch not in DTMF_CHARACTERS})
    if bad:
        raise PhoneScriptError(f"{''.join(bad)!r} not DTMF; use 0-9, *, #, A-D", where)
    return value.upper()


def seconds_value(value: Any, where: str) -> float:
    """A duration a client gave, in [0, MAX_STEP_SECONDS]; PhoneScriptError names `where`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PhoneScriptError(f"must be a number of seconds, got {_shown(value)}", where)
    # Compared before float(): a huge JSON integer does not fit a float, NaN compares false.
    if not 0 <= value <= MAX_STEP_SECONDS:
        raise PhoneScriptError(
            f"must be from 0 to {MAX_STEP_SECONDS:g} seconds (a day), got {_shown(value)}", where
        )
    return float(value)


def _shown(value: Any) -> str:
    """A client's value for a message, short whatever it is (repr of a huge int even raises)."""
    if isinstance(value, int) and value.bit_length() > 64:
        return f"an integer of {value.bit_length()} bits"
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:40]}... ({len(text)} characters)"


def _reject_unknown_keys(
    data: Mapping[str, Any], allowed: Sequence[str], where: str | None
) -> None:
    unknown = [key for key in data if key not in allowed]
    if unknown:
        raise PhoneScriptError(
            f"unknown key {_shown(unknown[0])}{_did_you_mean(unknown[0], allowed)};"
            f" expected one of {', '.join(allowed)}",
            where,
        )


def _did_you_mean(value: Any, known: Iterable[str]) -> str:
    """` (did you mean 'press'?)` for a value close to a known one, else nothing."""
    if not isinstance(value, str) or len(value) > 100:
        return ""
    by_folded = {name.casefold(): name for name in known}
    close = difflib.get_close_matches(value.casefold(), list(by_folded), n=1, cutoff=0.6)
    return f" (did you mean {by_folded[close[0]]!r}?)" if close else ""


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def script_to_wire(script: PhoneScript) -> dict[str, Any]:
    """The JSON form of a script (the inverse of `parse_script`), for storing and showing it."""
    wire: dict[str, Any] = {
        "answer": script.answer.value,
        "answerAfter": script.answer_after_s,
        "steps": [step_to_wire(step) for step in script.steps],
    }
    if script.unreachable:
        wire["unreachable"] = True
    return wire


def step_to_wire(step: Step) -> dict[str, Any]:
    """The JSON form of one step."""
    match step:
        case WaitFor(heard=heard) if heard is not None:
            return {"waitFor": {"heard": heard}}
        case WaitFor(played_s=played) if played is not None:
            return {"waitFor": {"played": played}}
        case WaitFor(condition=condition):
            assert condition is not None
            return {"waitFor": condition.value}
        case Press(digits=digits):
            return {"press": digits}
        case Say(text=text, duration_s=duration):
            return {"say": text, "duration": duration}
        case Wait(seconds=seconds):
            return {"wait": seconds}
        case HangUp():
            return {"hangup": True}
        case WaitForText(contains=None):
            return {"waitFor": "text"}
        case WaitForText(contains=contains):
            return {"waitFor": {"text": contains}}
        case SendText(text=text, media=media):
            return {"text": text, "media": list(media)} if media else {"text": text}
        case GoUnreachable():
            return {"unreachable": True}
    raise AssertionError(step)  # pragma: no cover - the Step union is closed
