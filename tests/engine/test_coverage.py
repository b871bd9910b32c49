"""The coverage table: generated from the code, complete, and committed up to date."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from ringback.bxml import VERB_CLASSES, StartStream
from ringback.bxml.attributes import ATTRIBUTES, CHILDREN
from ringback.engine import coverage
from ringback.engine.verbs import HANDLERS
from ringback.engine.verbs.forward import ForwardRun
from ringback.engine.verbs.redirect import RedirectRun
from ringback.engine.verbs.stream import StartStreamRun, StopStreamRun
from ringback.events import EVENT_TYPES

COVERAGE_MD = Path(__file__).resolve().parents[2] / "docs" / "coverage.md"


def _section(document: str, tag: str) -> str:
    """The `### <tag>` section of the document."""
    match = re.search(rf"^### `<{tag}>`\n(.*?)(?=^## |^### |\Z)", document, re.M | re.S)
    assert match is not None, tag
    return match.group(1)


def test_coverage_committed_document_is_up_to_date() -> None:
    """docs/coverage.md is exactly what the code generates (regenerate it when this fails)."""
    committed = COVERAGE_MD.read_text(encoding="utf-8") if COVERAGE_MD.exists() else ""
    assert committed == coverage.coverage_markdown(), (
        f"docs/coverage.md is out of date: run `{coverage.COMMAND}` and commit the result"
    )


def test_coverage_lists_every_verb_attribute_and_event() -> None:
    """Each verb has a section naming each of its attributes (and its children's); every event."""
    document = coverage.coverage_markdown()
    for tag in VERB_CLASSES:
        section = _section(document, tag)
        children = CHILDREN[tag].tags if tag in CHILDREN else ()
        for element in (tag, *children):
            for attr in ATTRIBUTES[element]:
                assert f"| `{attr.wire}` |" in section, (tag, attr.wire)
    for event_type in EVENT_TYPES:
        assert f"| `{event_type}` |" in document


def test_coverage_verb_without_handler_is_not_implemented() -> None:
    """A verb whose handler is missing shows as not implemented, in the table and its section."""
    handlers = {verb: run for verb, run in HANDLERS.items() if verb is not StartStream}
    document = coverage.coverage_markdown(handlers)
    assert "| `<StartStream>` | not implemented | — | — |" in document
    assert "**not implemented**" in _section(document, "StartStream")
    assert "`<StartStream>`" in next(line for line in document.splitlines() if "Not impl" in line)
    # Without <StartStream> no stream ever starts: its events are only sent by <StopStream>.
    assert "| `mediaStreamStarted` | async | not sent yet |" in document
    assert "| `mediaStreamStopped` | async | `<StopStream>` |" in document


def test_coverage_quotes_handler_docstrings() -> None:
    """An implemented verb's section quotes its handler's class docstring line by line."""
    section = _section(coverage.coverage_markdown(), "StartStream")
    assert "Handler: `ringback.engine.verbs.stream.StartStreamRun`." in section
    assert "> Simplifications: the four-track limit counts media streams only" in section


@pytest.mark.parametrize(
    ("handler", "events"),
    [
        (RedirectRun, ["redirect"]),
        (ForwardRun, []),
        (StopStreamRun, ["mediaStreamStopped"]),
        (StartStreamRun, ["mediaStreamStarted", "mediaStreamRejected", "mediaStreamStopped"]),
    ],
)
def test_coverage_handler_events_follow_the_code(handler: type, events: list[str]) -> None:
    """Events are those the handler's code reaches, including hooks such as on_call_end."""
    assert coverage.handler_events(handler) == events


def test_coverage_engine_modules_send_lifecycle_events() -> None:
    """Non-verb engine modules send the events they import: disconnect from the core."""
    senders = coverage.event_senders(HANDLERS, coverage.engine_modules())
    assert senders["disconnect"] == ["`core.py`"]
    assert senders["initiate"] == ["`lifecycle.py`"]
    assert senders["redirect"] == ["`<Redirect>`", "`lifecycle.py`"]  # and a redirect by the API


def test_coverage_every_handler_has_docstrings() -> None:
    """Every handler class and its module have a docstring for the table to quote."""
    missing = [
        run.__qualname__
        for run in HANDLERS.values()
        if not run.__doc__ or not sys.modules[run.__module__].__doc__
    ]
    assert missing == []


def test_coverage_main_prints_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m ringback.engine.coverage` prints the document as it is built."""
    coverage.main()
    assert capsys.readouterr().out == coverage.coverage_markdown()
