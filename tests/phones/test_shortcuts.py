"""The command line's phone shortcuts, as phone script steps."""

from __future__ import annotations

import pytest

from ringback.errors import PhoneScriptError
from ringback.phones.script import (
    AnswerMode,
    Condition,
    Press,
    Wait,
    WaitFor,
    parse_script,
)
from ringback.phones.shortcuts import PhoneShortcuts, apply_shortcuts


def test_shortcuts_none_keep_the_script() -> None:
    """No flag: the script as given, or None (the platform's default phone)."""
    script = parse_script({"answer": "machine"})
    assert apply_shortcuts(script, PhoneShortcuts()) is script
    assert apply_shortcuts(None, PhoneShortcuts()) is None


def test_shortcuts_each_waits_for_its_verb() -> None:
    """--press waits for a gather, --say for a record, --hangup-after waits then hangs up."""
    shortcuts = PhoneShortcuts(press=("12", "#"), say=("call me back",), hangup_after_s=2)
    expected = parse_script(
        {
            "steps": [
                {"waitFor": "gather"},
                {"press": "12"},
                {"waitFor": "gather"},
                {"press": "#"},
                {"waitFor": "record"},
                {"say": "call me back"},
                {"wait": 2},
                {"hangup": True},
            ]
        }
    )
    assert apply_shortcuts(None, shortcuts) == expected


def test_shortcuts_extend_a_script_file() -> None:
    """Flags override answer and answerAfter and append steps after the file's own."""
    script = parse_script({"answer": "human", "answerAfter": 3, "steps": [{"wait": 1}]})
    result = apply_shortcuts(
        script, PhoneShortcuts(answer="busy", answer_after_s=0.5, press=("9",))
    )
    assert result is not None
    assert (result.answer, result.answer_after_s) == (AnswerMode.BUSY, 0.5)
    assert result.steps == (Wait(1.0), WaitFor(condition=Condition.GATHER), Press("9"))


@pytest.mark.parametrize(
    ("shortcuts", "flag"),
    [
        (PhoneShortcuts(press=("1x",)), "--press '1x'"),
        (PhoneShortcuts(say=("   ",)), "--say"),
        (PhoneShortcuts(answer="maybe"), "--answer"),
        (PhoneShortcuts(answer_after_s=-1), "--answer-after"),
        (PhoneShortcuts(hangup_after_s=-2), "--hangup-after"),
    ],
)
def test_shortcuts_errors_name_the_flag(shortcuts: PhoneShortcuts, flag: str) -> None:
    """A bad value is a PhoneScriptError whose `where` is the flag."""
    with pytest.raises(PhoneScriptError) as caught:
        apply_shortcuts(None, shortcuts)
    assert caught.value.where == flag
