"""Phone scripts' texting steps: waitFor a text, text back with media, become unreachable."""

from __future__ import annotations

from typing import Any

import pytest

from ringback.errors import PhoneScriptError
from ringback.phones.script import (
    GoUnreachable,
    SendText,
    WaitForText,
    parse_script,
    parse_steps,
    script_to_wire,
)


def test_texting_steps_parse() -> None:
    """Each texting step, and `unreachable` beside `answer`."""
    script = parse_script(
        {
            "unreachable": True,
            "steps": [
                {"waitFor": "text"},
                {"waitFor": {"text": " your code "}},
                {"text": "1234"},
                {"text": "", "media": ["cat.png", "https://x.test/a.gif"]},
                {"unreachable": True},
            ],
        }
    )
    assert script.unreachable
    assert script.steps == (
        WaitForText(),
        WaitForText("your code"),
        SendText("1234"),
        SendText("", ("cat.png", "https://x.test/a.gif")),
        GoUnreachable(),
    )


def test_texting_steps_wire_form_round_trips() -> None:
    """script_to_wire gives back what parse_script takes."""
    wire = {
        "answer": "human",
        "answerAfter": 1.0,
        "unreachable": True,
        "steps": [
            {"waitFor": "text"},
            {"waitFor": {"text": "code"}},
            {"text": "hi", "media": ["a.png"]},
            {"text": "bye"},
            {"unreachable": True},
        ],
    }
    assert script_to_wire(parse_script(wire)) == wire


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ({"text": "", "media": []}, "steps[0].text: a text needs words or media"),
        ({"text": 5}, "steps[0].text: must be a string"),
        ({"text": "x", "media": "cat.png"}, "steps[0].media: must be a list"),
        ({"text": "x", "media": [""]}, "steps[0].media[0]: must be a URL or a file name"),
        ({"text": "x", "media": ["a.png"] * 11}, "steps[0].media: at most 10 items"),
        ({"waitFor": {"text": ""}}, "`text` must be a non-empty string"),
        ({"waitFor": {"text": "a", "x": 1}}, "unknown key 'x'"),
        ({"unreachable": False}, "steps[0].unreachable: must be true"),
        ({"text": "x", "loud": True}, "steps[0]: unknown key 'loud'"),
    ],
)
def test_texting_steps_malformed_name_the_key(step: dict[str, Any], message: str) -> None:
    """A malformed texting step names its step and key."""
    with pytest.raises(PhoneScriptError) as caught:
        parse_steps([step])
    assert message in str(caught.value)


def test_texting_unreachable_must_be_a_boolean() -> None:
    """`unreachable` beside `answer` is true or false."""
    with pytest.raises(PhoneScriptError, match="unreachable: must be true or false"):
        parse_script({"unreachable": "yes"})
