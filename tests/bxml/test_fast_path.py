"""The fast path (ElementTree's C parser, no positions) gives exactly what the careful path gives.

`parse` and `check` read an ordinary document through `read_tree_fast` and fall back to the
expat `read_tree` (which knows each element's line and column) whenever there is anything to
report. These tests pin that the two trees validate to the same result and that everything the
fast path cannot judge alike goes the careful way.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from ringback.bxml import Document, check, parse, render
from ringback.bxml.attributes import CONTEXTS
from ringback.bxml.parsing import _DocumentReader
from ringback.bxml.safe_xml import MAX_DEPTH, MAX_FAST_BYTES, read_tree, read_tree_fast
from ringback.errors import BxmlInvalidError

from .strategies import documents


def _careful(text: str | bytes) -> Document:
    reader = _DocumentReader("call", CONTEXTS["call"], 1)
    document = reader.document(read_tree(text))
    assert not reader.errors
    return document


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_fast_and_careful_trees_validate_alike(document: Document) -> None:
    """Generated documents (every verb, attribute and awkward character) as str and bytes."""
    text = render(document)
    assert read_tree_fast(text) is not None or "<!" in text or "xml" in text
    assert parse(text) == _careful(text) == document
    assert parse(text.encode()) == _careful(text.encode()) == document


def test_ordinary_document_takes_the_fast_path_without_positions() -> None:
    text = '<?xml version="1.0"?>\n<Response><Pause duration="2"/> <Hangup/></Response>'
    root = read_tree_fast(text)
    assert root is not None
    assert [child.tag for child in root.elements()] == ["Pause", "Hangup"]
    assert (root.line, root.column) == (0, 0)
    assert root.children[1] == " "


@pytest.mark.parametrize(
    "text",
    [
        '<!DOCTYPE r [<!ENTITY a "b">]><Response/>',
        "<Response><!-- note --></Response>",
        "<Response><SpeakSentence><![CDATA[hi]]></SpeakSentence></Response>",
        '<Response xmlns="urn:x"/>',
        '<Response xmlns:p="urn:x"/>',
        '<Response><SpeakSentence xml:lang="en">hi</SpeakSentence></Response>',
        "<Response><Pause></Response>",
        "<Response>&nbsp;</Response>",
        "<Response>" + " " * MAX_FAST_BYTES + "</Response>",
        "<a>" * (MAX_DEPTH + 1) + "</a>" * (MAX_DEPTH + 1),
        "\ud800",
    ],
)
def test_unusual_documents_go_the_careful_way(text: str) -> None:
    assert read_tree_fast(text) is None


def test_namespace_declaration_is_still_an_unknown_attribute() -> None:
    """ElementTree drops `xmlns:p`; the careful tree keeps it, and BXML refuses it."""
    with pytest.raises(BxmlInvalidError, match="takes no attributes, got xmlns:p"):
        parse('<Response xmlns:p="urn:x"><Hangup/></Response>')


def test_errors_in_fast_path_documents_keep_line_and_column() -> None:
    text = '<Response>\n  <Pause duration="soon"/>\n  <Gather maxDigits="0"/>\n</Response>'
    with pytest.raises(BxmlInvalidError) as raised:
        parse(text)
    assert (raised.value.line, raised.value.column) == (2, 3)
    assert [(e.line, e.column) for e in check(text)] == [(2, 3), (3, 3)]


def test_none_literal_note_keeps_its_position() -> None:
    document = parse('<Response>\n <Gather maxDigits="None"/></Response>')
    assert document.notes
    assert document.notes[0].startswith("line 2, col 2:")
