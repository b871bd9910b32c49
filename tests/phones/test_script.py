"""Phone scripts: the JSON form of DESIGN.md, parsed and checked."""

from __future__ import annotations

from typing import Any

import pytest

from ringback.errors import PhoneScriptError
from ringback.phones.script import (
    SILENT_PHONE,
    AnswerMode,
    Condition,
    HangUp,
    PhoneScript,
    Press,
    Say,
    Wait,
    WaitFor,
    parse_script,
    parse_steps,
)


def test_script_design_example_parses() -> None:
    """The example of DESIGN.md parses step by step."""
    script = parse_script(
        {
            "answer": "human",
            "answerAfter": 1.0,
            "steps": [
                {"waitFor": "gather"},
                {"press": "1234#"},
                {"wait": 2.5},
                {"waitFor": {"heard": "after the tone"}},
                {"say": "please call me back", "duration": 3},
                {"hangup": True},
            ],
        }
    )
    assert script == PhoneScript(
        answer=AnswerMode.HUMAN,
        answer_after_s=1.0,
        steps=(
            WaitFor(condition=Condition.GATHER),
            Press("1234#"),
            Wait(2.5),
            WaitFor(heard="after the tone"),
            Say("please call me back", 3.0),
            HangUp(),
        ),
    )


def test_script_none_is_the_silent_phone() -> None:
    """No script: answers after 1 s and stays silent."""
    assert parse_script(None) == SILENT_PHONE
    assert SILENT_PHONE.answer is AnswerMode.HUMAN
    assert SILENT_PHONE.answer_after_s == 1.0
    assert SILENT_PHONE.steps == ()


def test_script_say_without_duration_lasts_by_its_words() -> None:
    """`say` with no duration takes 0.4 s a word."""
    (step,) = parse_steps({"say": "one two three"})
    assert step == Say("one two three", pytest.approx(1.2))


def test_script_steps_accept_a_single_step() -> None:
    """The control API may send one step rather than a list."""
    assert parse_steps({"press": "5"}) == (Press("5"),)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"answer": "robot"}, "answer: must be one of human, machine, busy, reject, no-answer"),
        ({"answerAfter": -1}, "answerAfter: must be from 0 to 86400 seconds (a day), got -1"),
        ({"answerAfter": "soon"}, "answerAfter: must be a number of seconds, got 'soon'"),
        (
            {"answr": "human"},
            "unknown key 'answr' (did you mean 'answer'?); expected one of answer, answerAfter",
        ),
        ({"steps": [{"press": "12x"}]}, "steps[0].press: 'x' not DTMF; use 0-9, *, #, A-D"),
        ({"steps": [{"presss": "1"}]}, "steps[0]: unknown key 'presss' (did you mean 'press'?)"),
        ({"steps": [{}]}, "steps[0]: a step needs exactly one of waitFor, press"),
        ({"answer": "bussy"}, "got 'bussy' (did you mean 'busy'?)"),
        ({"steps": [{"press": "1", "wait": 1}]}, "found press, wait"),
        ({"steps": [{"waitFor": "dance"}]}, "steps[0].waitFor: must be one of answer, gather"),
        ({"steps": [{"waitFor": {"heard": ""}}]}, "steps[0].waitFor: `heard` must be a non-empty"),
        ({"steps": [{"waitFor": {"played": 0}}]}, "waitFor.played: must be greater than 0"),
        ({"steps": [{"waitFor": {"played": "1s"}}]}, "steps[0].waitFor.played: must be a number"),
        (
            {"steps": [{"waitFor": {"played": 1, "heard": "x"}}]},
            'steps[0].waitFor: needs exactly one of "heard", "played"',
        ),
        ({"steps": [{"hangup": False}]}, "steps[0].hangup: must be true, got False"),
        ({"steps": [{"say": "hi", "duration": 0}]}, "steps[0].duration: must be greater than 0"),
        ({"steps": [{"say": "hi", "loud": True}]}, "steps[0]: unknown key 'loud'"),
        ({"steps": "press 1"}, "steps: must be a step or a list of steps, got str"),
        ({"steps": [3]}, "steps[0]: a step must be an object, got int"),
    ],
)
def test_script_malformed_is_refused_with_where(data: dict[str, Any], message: str) -> None:
    """Every malformed script names the key and step that are wrong."""
    with pytest.raises(PhoneScriptError) as caught:
        parse_script(data)
    assert message in str(caught.value)


def test_script_press_upper_cases_letters() -> None:
    """DTMF letters A-D are accepted in either case."""
    assert parse_steps([{"press": "ab#"}]) == (Press("AB#"),)


def test_script_wire_form_round_trips() -> None:
    """script_to_wire is the inverse of parse_script."""
    from ringback.phones.script import script_to_wire

    data = {
        "answer": "machine",
        "answerAfter": 2.5,
        "steps": [
            {"waitFor": "record"},
            {"waitFor": {"heard": "beep"}},
            {"waitFor": "played"},
            {"waitFor": {"played": 2.5}},
            {"press": "12#"},
            {"say": "hello there", "duration": 1.5},
            {"wait": 3.0},
            {"hangup": True},
        ],
    }
    assert script_to_wire(parse_script(data)) == data
    assert parse_script(script_to_wire(parse_script(data))) == parse_script(data)


@pytest.mark.parametrize(
    "data",
    [
        {"steps": [{"wait": 1e12}, {"hangup": True}]},
        {"steps": [{"wait": 1e308}]},
        {"steps": [{"wait": float("inf")}]},
        {"steps": [{"wait": float("nan")}]},
        {"steps": [{"wait": 10**5000}]},
        {"steps": [{"say": "hello", "duration": 1e308}]},
        {"steps": [{"say": "hello", "duration": float("nan")}]},
        {"answerAfter": float("inf")},
        {"answerAfter": 86_401},
    ],
)
def test_script_durations_are_bounded_to_a_day(data: dict[str, Any]) -> None:
    """Every duration is finite and at most a day: 1e12 s once pushed the virtual clock past
    the year 9999 and killed its driver (issue 9, item 2)."""
    with pytest.raises(PhoneScriptError, match=r"must be from 0 to 86400 seconds"):
        parse_script(data)


def test_script_errors_show_huge_values_briefly() -> None:
    """A 5,000-digit integer is named by its size (its repr raises past 4,300 digits)."""
    with pytest.raises(PhoneScriptError, match="an integer of 16610 bits"):
        parse_script({"answer": 10**5000})


def test_script_day_long_wait_is_accepted() -> None:
    """The bound itself is allowed."""
    assert parse_script({"steps": [{"wait": 86_400}]}).steps == (Wait(86_400.0),)
