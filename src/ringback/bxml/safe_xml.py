"""Read untrusted XML into a small tree of nodes, safely, with the line and column of each element.

How this works: the raw input is measured first, so an oversized document is refused before any
parsing. The text then goes through expat (the standard library's C parser, the same one
ElementTree uses) with callbacks that build `Node`s. Expat reports the line and column of each
start tag, which lxml does not. A DOCTYPE is refused the moment it starts, so no DTD is ever read:
no internal entities (billion laughs), no external entities, no network. Undeclared entities are
then a plain well-formedness error. Nesting is capped so later recursive walks stay bounded, and
so is the number of elements, so that the Python work per document is bounded too (issue 9).

`read_tree_fast` is the quick way in for an ordinary document: ElementTree's C parser, no
positions, no callbacks into Python; `fast_path.py` validates that tree directly.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree
from xml.parsers import expat

from ringback.errors import BxmlSyntaxError

MAX_DOCUMENT_BYTES = 64 * 1024  # spec §3.6: BXML documents are limited to 64 KB
MAX_DEPTH = 64  # far deeper than any real BXML + SSML; bounds recursion on hostile input
# Elements (verbs, nested elements and SSML alike) inside the root. A real reply has tens; 64 KB
# of `<Pause/>` is 8,000, and each costs Python work to check and build, on the event loop: the
# limit keeps the worst document to a few milliseconds (bench/parse_worst.py).
MAX_ELEMENTS = 500


class Node:
    """One XML element: tag, attributes in source order, 1-based position, and mixed children."""

    __slots__ = ("_elements", "attrs", "children", "column", "line", "tag")

    def __init__(self, tag: str, attrs: dict[str, str], line: int, column: int) -> None:
        self.tag = tag
        self.attrs = attrs
        self.line = line
        self.column = column
        self.children: list[Node | str] = []
        self._elements: list[Node] = []  # kept alongside: validation asks for it often

    def elements(self) -> list[Node]:
        """The child elements, without the text between them (do not modify the list)."""
        return self._elements

    def text(self) -> str:
        """The text directly inside this element (not inside its children)."""
        children = self.children
        if not self._elements:  # no child elements: at most one merged piece of text
            return children[0] if children else ""  # type: ignore[return-value]
        return "".join(child for child in children if isinstance(child, str))


class _TreeBuilder:
    """Expat callbacks that assemble `Node`s; the first finished root is the result."""

    def __init__(self, parser: expat.XMLParserType, data: bytes) -> None:
        self.parser = parser
        self.data = data
        self.stack: list[Node] = []
        self.root: Node | None = None
        self.count = 0  # elements, the root's included

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        node = Node(tag, attrs, self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1)
        self.count += 1
        if self.count > MAX_ELEMENTS + 1:
            raise BxmlSyntaxError(
                f"more than {MAX_ELEMENTS} elements in one document; refused"
                f" (Ringback's limit: {MAX_ELEMENTS} verbs, nested and SSML elements together)",
                node.line,
                node.column,
                tag,
            )
        if self.stack:
            if len(self.stack) >= MAX_DEPTH:
                raise BxmlSyntaxError(
                    f"elements nested more than {MAX_DEPTH} deep; refused",
                    node.line,
                    node.column,
                    tag,
                )
            self.stack[-1].children.append(node)
            self.stack[-1]._elements.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, _tag: str) -> None:
        self.stack.pop()

    def characters(self, data: str) -> None:
        if not self.stack:
            return
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)

    def refuse_doctype(self, *_args: object) -> None:
        # Expat calls this after reading the DOCTYPE's name; point at `<!DOCTYPE` itself.
        line, column = self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1
        start = self.data.find(b"<!DOCTYPE", 0, self.parser.CurrentByteIndex + 1)
        if start >= 0:
            line = self.data.count(b"\n", 0, start) + 1
            column = start - self.data.rfind(b"\n", 0, start)
        raise BxmlSyntaxError(
            "DOCTYPE is not allowed in BXML (no DTDs, no entity declarations)", line, column
        )

    def refuse_entity(self, *_args: object) -> int:
        raise BxmlSyntaxError(
            "entities are not allowed in BXML",
            self.parser.CurrentLineNumber,
            self.parser.CurrentColumnNumber + 1,
        )


def read_tree_fast(text: str | bytes) -> ElementTree.Element | None:
    """The ElementTree tree of an ordinary document, or None.

    The tree has no positions: the caller uses it only while the document has no error, and
    parses again with `read_tree` to report one. None means "use `read_tree`": over 64 KB, a
    DOCTYPE (never given to ElementTree, which would read its entities), bytes in an encoding
    other than UTF-8, ASCII or Latin-1 (where looking for `<!DOCTYPE` in the bytes would not
    find it), namespaces (`xmlns`, `xml:`: ElementTree resolves them to `{uri}tag` where
    `read_tree` keeps names as written), more than MAX_ELEMENTS elements, or not well-formed.
    Comments, CDATA and processing instructions read alike both ways. Depth is left to the
    caller (`fast_path.py` checks it where elements can nest).
    """
    if len(text) > MAX_DOCUMENT_BYTES:
        return None
    if isinstance(text, str):
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return None
    else:
        data = text if type(text) is bytes else bytes(text)
        if b"\x00" in data or not _ascii_compatible(data):  # UTF-16 and -32 have NULs
            return None
    if len(data) > MAX_DOCUMENT_BYTES or b"<!DOCTYPE" in data:
        return None
    if b"xmlns" in data or b"xml:" in data:
        return None
    # Each element takes one `<` (`<a/>`) or two (`<a></a>`), and so does nothing else but a
    # processing instruction (`<?`) or a comment or CDATA (`<!`): past twice the limit, the
    # careful path refuses the document without this parse.
    opening = data.count(b"<")
    too_many = 2 * (MAX_ELEMENTS + 1)
    if opening > too_many and opening - data.count(b"<?") - data.count(b"<!") > too_many:
        return None
    parser = ElementTree.XMLParser(encoding="utf-8" if isinstance(text, str) else None)
    try:
        parser.feed(data)
        root = parser.close()
    except Exception:  # any refusal (syntax, encoding) is reported by the careful path
        return None
    # Each element takes at least one `<`: counting them (in C) spares the count of most trees.
    if opening > MAX_ELEMENTS + 1 and sum(1 for _ in root.iter()) > MAX_ELEMENTS + 1:
        return None
    return root


_DECLARED_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")
_ASCII_COMPATIBLE = frozenset({"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1"})


def _ascii_compatible(data: bytes) -> bool:
    """Whether the bytes' XML declaration, if any, names an encoding in which `<!DOCTYPE` and
    `xmlns` are the bytes searched for (EBCDIC, say, switches after the declaration)."""
    if not data.startswith((b"<?xml", b"\xef\xbb\xbf<?xml")):
        return True  # no declaration: UTF-8 (UTF-16 and -32 were refused for their NULs)
    head = data[3:259] if data.startswith(b"\xef\xbb\xbf") else data[:256]
    match = _DECLARED_ENCODING.match(head)
    return match is None or match.group(1).decode("ascii", "replace").lower() in _ASCII_COMPATIBLE


def _too_large(size: int) -> BxmlSyntaxError:
    return BxmlSyntaxError(
        f"document is {size} bytes; BXML is limited to 64 KB ({MAX_DOCUMENT_BYTES} bytes)", 1, 1
    )


def read_tree(text: str | bytes) -> Node:
    """Parse `text` into its root `Node`, or raise BxmlSyntaxError (never anything else)."""
    if isinstance(text, str):
        if len(text) > MAX_DOCUMENT_BYTES:  # each character is at least one byte
            raise _too_large(len(text.encode("utf-8", "surrogatepass")))
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BxmlSyntaxError(
                f"text is not valid Unicode (lone surrogate at character {exc.start})", 1, 1
            ) from None
        # A str is already decoded: its XML declaration must not re-decode it.
        parser = expat.ParserCreate(encoding="utf-8")
    else:
        data = bytes(text)
        parser = expat.ParserCreate()
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _too_large(len(data))

    builder = _TreeBuilder(parser, data)
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.characters
    parser.StartDoctypeDeclHandler = builder.refuse_doctype
    parser.EntityDeclHandler = builder.refuse_entity
    parser.ExternalEntityRefHandler = builder.refuse_entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code) or "not well-formed"
        raise BxmlSyntaxError(
            f"not well-formed XML: {message}", exc.lineno, exc.offset + 1
        ) from None
    except BxmlSyntaxError:  # a ValueError too: raised by the callbacks above
        raise
    except (LookupError, ValueError) as exc:
        # pyexpat raises these for the encoding an XML declaration names: LookupError for one
        # Python does not know, ValueError for a multi-byte one expat cannot take (Shift_JIS).
        raise BxmlSyntaxError(
            f"unsupported encoding in the XML declaration ({exc}); send UTF-8", 1, 1
        ) from None
    if builder.root is None:  # pragma: no cover - expat reports "no element found" first
        raise BxmlSyntaxError("not well-formed XML: no element found", 1, 1)
    return builder.root
