"""Hostile and malformed input is refused as BxmlSyntaxError, before any expensive work."""

from __future__ import annotations

import pytest

from ringback.bxml import BxmlSyntaxError, Document, Hangup, check, parse
from ringback.bxml.safe_xml import MAX_DEPTH, MAX_DOCUMENT_BYTES, read_tree

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Response><SpeakSentence>&lol9;</SpeakSentence></Response>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Response><SpeakSentence>&xxe;</SpeakSentence></Response>"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE Response SYSTEM "http://example.invalid/bxml.dtd">
<Response/>"""


@pytest.mark.parametrize(
    "text", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD], ids=["bomb", "xxe", "dtd"]
)
def test_safe_xml_doctype_is_refused_where_it_starts(text: str) -> None:
    """Any DOCTYPE (entity bomb, external entity, external DTD) is refused at its position."""
    with pytest.raises(BxmlSyntaxError) as caught:
        parse(text)
    assert (
        caught.value.message == "DOCTYPE is not allowed in BXML (no DTDs, no entity declarations)"
    )
    assert (caught.value.line, caught.value.column) == (2, 1)


def test_safe_xml_undeclared_entity_is_a_syntax_error() -> None:
    """An entity reference with no DTD is not expanded: it is a well-formedness error."""
    with pytest.raises(BxmlSyntaxError, match="undefined entity"):
        parse("<Response><SpeakSentence>&xxe;</SpeakSentence></Response>")


def test_safe_xml_hundred_megabytes_refused_by_size() -> None:
    """A 100 MB document is refused by its size alone (str and bytes)."""
    huge = "<Response>" + "<Hangup/>" * (100 * 1024 * 1024 // 9) + "</Response>"
    for text in (huge, huge.encode()):
        with pytest.raises(BxmlSyntaxError, match="BXML is limited to 64 KB"):
            parse(text)


def test_safe_xml_limit_is_64_kib_of_raw_input() -> None:
    """Exactly 65536 bytes parses; one byte more is refused, before XML parsing."""
    head, tail = "<Response><Hangup/>", "</Response>"
    exact = head + " " * (MAX_DOCUMENT_BYTES - len(head) - len(tail)) + tail
    assert parse(exact) == Document((Hangup(),))
    with pytest.raises(BxmlSyntaxError) as caught:
        parse(exact + " ")
    assert caught.value.message == "document is 65537 bytes; BXML is limited to 64 KB (65536 bytes)"


def test_safe_xml_limit_counts_utf8_bytes_not_characters() -> None:
    """A str under 64 K characters but over 64 KB in UTF-8 is refused."""
    text = "<Response><Tag>" + "é" * 40000 + "</Tag></Response>"
    with pytest.raises(BxmlSyntaxError, match="limited to 64 KB"):
        parse(text)


def test_safe_xml_deep_nesting_refused() -> None:
    """Thousands of nested elements (a recursion bomb) are refused, not walked."""
    text = (
        "<Response><SpeakSentence>"
        + "<s>" * 5000
        + "x"
        + "</s>" * 5000
        + "</SpeakSentence></Response>"
    )
    with pytest.raises(BxmlSyntaxError, match=f"nested more than {MAX_DEPTH} deep"):
        parse(text)


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("", "not well-formed XML: no element found", 1, 1),
        ("<Response>", "not well-formed XML: no element found", 1, 11),
        ("<Response>\n  <Hangup>\n</Response>", "not well-formed XML: mismatched tag", 3, 3),
        ("<Response/><Response/>", "not well-formed XML: junk after document element", 1, 12),
        (
            '<Response><Pause duration="1" duration="2"/></Response>',
            "not well-formed XML: duplicate attribute",
            1,
            31,
        ),
        ("invalidBXML", "not well-formed XML: syntax error", 1, 1),
    ],
)
def test_safe_xml_not_well_formed_reports_position(
    text: str, message: str, line: int, column: int
) -> None:
    """Malformed XML is a BxmlSyntaxError with expat's reason and 1-based position."""
    errors = check(text)
    assert [(e.message, e.line, e.column) for e in errors] == [(message, line, column)]
    assert isinstance(errors[0], BxmlSyntaxError)


def test_safe_xml_lone_surrogate_is_a_syntax_error() -> None:
    """A str that cannot be encoded (lone surrogate) is refused, not crashed on."""
    with pytest.raises(BxmlSyntaxError, match="not valid Unicode"):
        parse("<Response><Tag>\ud800</Tag></Response>")


@pytest.mark.parametrize(
    "declaration",
    [
        "<?xml version='1.0' encoding='UTF-8'?>\n",
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<?xml version="1.0"?>',
        "",
    ],
)
def test_safe_xml_declaration_single_or_double_quotes(declaration: str) -> None:
    """The XML declaration may use either quote style (the SDK uses single), or be absent."""
    assert parse(declaration + "<Response><Hangup/></Response>") == Document((Hangup(),))


def test_safe_xml_bytes_follow_declared_encoding() -> None:
    """Bytes are decoded by their declaration (UTF-16, Latin-1); a str ignores it."""
    text = '<?xml version="1.0" encoding="UTF-16"?><Response><Tag>café</Tag></Response>'
    assert parse(text.encode("utf-16")).verbs[0] == parse(text).verbs[0]
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><Response><Tag>café</Tag></Response>'
    assert parse(latin.encode("latin-1")).verbs == parse(latin).verbs


def test_safe_xml_positions_are_one_based() -> None:
    """Nodes carry the 1-based line and column of their start tag."""
    root = read_tree("<Response>\n\t<Hangup/></Response>")
    hangup = root.elements()[0]
    assert (root.line, root.column, hangup.line, hangup.column) == (1, 1, 2, 2)


@pytest.mark.parametrize("encoding", ["no-such-encoding", "Shift_JIS", "UTF-32", "GB18030"])
def test_safe_xml_unsupported_declared_encoding_is_a_syntax_error(encoding: str) -> None:
    """Bytes declaring an encoding expat cannot take give BxmlSyntaxError, not LookupError or
    ValueError (issue 9, item 9)."""
    data = f'<?xml version="1.0" encoding="{encoding}"?><Response><Hangup/></Response>'.encode()
    with pytest.raises(BxmlSyntaxError, match="unsupported encoding"):
        parse(data)


def test_safe_xml_callback_errors_are_not_rewrapped_as_encoding_errors() -> None:
    """A refusal raised inside expat's callbacks (a ValueError too) keeps its own message."""
    with pytest.raises(BxmlSyntaxError, match="DOCTYPE is not allowed"):
        parse(EXTERNAL_DTD.encode())
