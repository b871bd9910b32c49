"""The fast path (ElementTree's C parser, `fast_path.py`) answers exactly as the careful path does.

`parse` and `check` read an ordinary document through `read_tree_fast` and `fast_path`, and
read it again with the expat `read_tree` (which knows each element's line and column) only when
there is something to report, walking it from the first top-level element the fast path did not
accept. These tests pin that the two paths agree on every document: the same Document for a
valid one, the same errors, in the same order and at the same positions, for an invalid one.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ringback.bxml import Document, check, parse, render
from ringback.bxml.attributes import CONTEXTS
from ringback.bxml.fast_path import read_document
from ringback.bxml.parsing import MAX_CHECK_ERRORS, _DocumentReader, _Enough
from ringback.bxml.safe_xml import MAX_DEPTH, MAX_DOCUMENT_BYTES, read_tree, read_tree_fast
from ringback.errors import BxmlError, BxmlInvalidError, BxmlSyntaxError

from .strategies import documents, hostile_element, ssml_sentences, verb


def _careful(text: str | bytes, context: str = "call") -> tuple[Document, list[BxmlError]]:
    """The careful path alone, over the whole document, without its fast try of each verb."""
    reader = _DocumentReader(context, CONTEXTS[context], MAX_CHECK_ERRORS, quick=False)
    try:
        root = read_tree(text)
    except BxmlSyntaxError as error:
        return Document(), [error]
    try:
        document = reader.document(root)
    except _Enough:
        document = Document()
    return document, reader.errors


def _key(error: BxmlError) -> tuple[str, str, int, int]:
    return (type(error).__name__, str(error), error.line, error.column)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_fast_and_careful_paths_build_the_same_document(document: Document) -> None:
    """Generated valid documents (every verb, attribute and awkward character), str and bytes."""
    text = render(document)
    root = read_tree_fast(text)
    assert root is not None or "<!" in text or "xml" in text
    if root is not None:
        assert read_document(root, CONTEXTS["call"], []) == document
    assert parse(text) == _careful(text)[0] == document
    assert parse(text.encode()) == _careful(text.encode())[0] == document


def _inner(verb_object: object) -> str:
    """One verb as canonical markup, without the declaration and root."""
    lines = render(Document((verb_object,))).splitlines()  # type: ignore[arg-type]
    return "\n".join(lines[2:-1])


# Things only the careful path reads (notes, aliases, an SDK's Conference name) or only it words.
_AWKWARD = st.sampled_from(
    [
        '<Gather maxDigits="None"/>',
        '<Pause duration=" None"/>',
        '<Record recordCompleteFallback_url="https://a/b"/>',
        '<Record recordCompleteFallback_url="u" recordCompleteFallbackUrl="v"/>',
        '<Conference name="room"/>',
        '<Conference name="room">room</Conference>',
        '<Conference name="room">hall</Conference>',
        "<Tag>   </Tag>",
        '<Refer><SipUri uui="x">sip:a@b</SipUri></Refer>',
        "<Gather repeatCount='5'><SpeakSentence>a</SpeakSentence>"
        + "<PlayAudio>u</PlayAudio>" * 4
        + "</Gather>",
        '<SpeakSentence>a<break time="20s"/></SpeakSentence>',
        "<SpeakSentence>\u00a0</SpeakSentence>",
        "<Tag>xmlns</Tag>",  # sends the whole document the careful way
        "\u00a0",
        "text",
        "\n  ",
    ]
)
mixed_documents = st.lists(
    st.one_of(verb.map(_inner), hostile_element(), ssml_sentences, _AWKWARD), max_size=6
).map(lambda parts: "<Response>" + "".join(parts) + "</Response>")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_documents, st.sampled_from(sorted(CONTEXTS)), st.booleans())
def test_fast_and_careful_paths_report_the_same_errors(
    text: str, context: str, as_bytes: bool
) -> None:
    """Valid verbs mixed with broken ones, as str or bytes: `check` lists what the careful walk
    over the whole document lists, and `parse` raises its first error or gives its document."""
    document: str | bytes = text.encode() if as_bytes else text
    expected, errors = _careful(document, context)
    assert [_key(error) for error in check(document, context)] == [_key(e) for e in errors]
    if errors:
        with pytest.raises(BxmlError) as raised:
            parse(document, context)
        assert _key(raised.value) == _key(errors[0])
    else:
        parsed = parse(document, context)
        assert parsed == expected
        assert parsed.notes == expected.notes


def test_latin1_declared_bytes_take_the_fast_path() -> None:
    text = '<?xml version="1.0" encoding="ISO-8859-1"?><Response><Tag>caf\u00e9</Tag></Response>'
    data = text.encode("latin-1")
    root = read_tree_fast(data)
    assert root is not None
    assert read_document(root, CONTEXTS["call"], []) == _careful(data)[0] == parse(data)
    assert parse(data).verbs[0].text == "caf\u00e9"  # type: ignore[attr-defined]


def test_ordinary_document_takes_the_fast_path() -> None:
    text = '<?xml version="1.0"?>\n<Response><Pause duration="2"/> <Hangup/></Response>'
    root = read_tree_fast(text)
    assert root is not None
    assert [child.tag for child in root] == ["Pause", "Hangup"]
    assert read_document(root, CONTEXTS["call"], []) == parse(text)


def test_fast_path_names_the_first_top_level_element_to_report() -> None:
    root = read_tree_fast("<Response><Hangup/><Hangup/>x<Pause duration='0'/></Response>")
    assert root is not None
    assert read_document(root, CONTEXTS["call"], []) == 2  # the text before the third element


@pytest.mark.parametrize(
    "text",
    [
        '<!DOCTYPE r [<!ENTITY a "b">]><Response/>',
        '<!DOCTYPE r [<!ENTITY a "b">]><Response><Tag>&a;</Tag></Response>'.encode("utf-16"),
        '<?xml version="1.0" encoding="utf-16"?><Response/>'.encode("utf-16"),
        b'<?xml version="1.0" encoding="cp500"?><Response/>',
        '<Response xmlns="urn:x"/>',
        '<Response xmlns:p="urn:x"/>',
        '<Response><SpeakSentence xml:lang="en">hi</SpeakSentence></Response>',
        "<Response><Pause></Response>",
        "<Response>&nbsp;</Response>",
        "<Response>" + " " * MAX_DOCUMENT_BYTES + "</Response>",
        "<Response>" + "<Hangup/>" * 1001 + "</Response>",
        "\ud800",
    ],
)
def test_unusual_documents_go_the_careful_way(text: str) -> None:
    assert read_tree_fast(text) is None


def test_comments_cdata_and_processing_instructions_take_the_fast_path() -> None:
    text = "<Response><!-- a --><SpeakSentence>a<![CDATA[<b>]]>c<?pi x?></SpeakSentence></Response>"
    root = read_tree_fast(text)
    assert root is not None
    assert read_document(root, CONTEXTS["call"], []) == _careful(text)[0] == parse(text)


def test_utf16_document_with_entities_is_refused_as_any_doctype_is() -> None:
    """The fast path once gave a UTF-16 document to ElementTree, which read its DTD."""
    text = '<!DOCTYPE r [<!ENTITY a "b">]><Response><Tag>&a;</Tag></Response>'
    with pytest.raises(BxmlSyntaxError, match="DOCTYPE is not allowed"):
        parse(text.encode("utf-16"))
    with pytest.raises(BxmlInvalidError, match="takes no attributes, got xmlns:p"):
        parse('<Response xmlns:p="urn:x"><Hangup/></Response>'.encode("utf-16"))


def test_deep_ssml_goes_the_careful_way() -> None:
    depth = MAX_DEPTH - 1  # <s> elements inside Response > SpeakSentence: one too many
    text = "<Response><SpeakSentence>" + "<s>" * depth + "x" + "</s>" * depth
    text += "</SpeakSentence></Response>"
    root = read_tree_fast(text)
    assert root is not None
    assert read_document(root, CONTEXTS["call"], []) == 0
    with pytest.raises(BxmlError, match="nested more than 64 deep"):
        parse(text)


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


def test_error_after_a_long_valid_prefix_keeps_its_position() -> None:
    """The careful walk starts where the fast path stopped; lines still count from the top."""
    text = "<Response>\n" + "<Pause/>\n" * 400 + '<Pause duration="soon"/>\n</Response>'
    with pytest.raises(BxmlInvalidError) as raised:
        parse(text)
    assert (raised.value.line, raised.value.column) == (402, 1)


def test_none_literal_after_a_valid_prefix_keeps_every_verb_and_the_note() -> None:
    document = parse('<Response><Hangup/>\n <Gather maxDigits="None"/></Response>')
    assert [type(verb).__name__ for verb in document.verbs] == ["Hangup", "Gather"]
    assert document.notes
    assert document.notes[0].startswith("line 2, col 2:")
