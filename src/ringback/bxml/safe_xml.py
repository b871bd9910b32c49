"""Read untrusted XML into a small tree of nodes, safely, with the line and column of each element.

How this works: the raw input is measured first, so an oversized document is refused before any
parsing. The text then goes through expat (the standard library's C parser, the same one
ElementTree uses) with callbacks that build `Node`s. Expat reports the line and column of each
start tag, which lxml does not. A DOCTYPE is refused the moment it starts, so no DTD is ever read:
no internal entities (billion laughs), no external entities, no network. Undeclared entities are
then a plain well-formedness error. Nesting is capped so later recursive walks stay bounded.
"""

from __future__ import annotations

from xml.etree import ElementTree
from xml.parsers import expat

from ringback.errors import BxmlSyntaxError

MAX_DOCUMENT_BYTES = 64 * 1024  # spec §3.6: BXML documents are limited to 64 KB
MAX_DEPTH = 64  # far deeper than any real BXML + SSML; bounds recursion on hostile input
# Larger documents skip `read_tree_fast`: a document with an error is read twice, and this keeps
# that second reading off the worst case (a full 64 KB of hostile markup; real BXML is < 2 KB).
MAX_FAST_BYTES = 8 * 1024


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

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        node = Node(tag, attrs, self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1)
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


def read_tree_fast(text: str | bytes) -> Node | None:
    """The tree of an ordinary document built by ElementTree's C parser, or None.

    Nodes come back without positions (line and column 0): the caller uses this tree only while
    the document has no error, and parses again with `read_tree` to report one. None means "use
    `read_tree`": over MAX_FAST_BYTES, unusual markup (`<!`: DOCTYPE, comment or CDATA;
    `xmlns` or `xml:`: namespaces, which ElementTree resolves to `{uri}tag` where
    `read_tree` keeps names as written), too deep, or not well-formed.
    """
    if len(text) > MAX_FAST_BYTES:
        return None
    try:
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    except UnicodeEncodeError:
        return None
    if len(data) > MAX_FAST_BYTES or b"<!" in data or b"xmlns" in data or b"xml:" in data:
        return None
    parser = ElementTree.XMLParser(encoding="utf-8" if isinstance(text, str) else None)
    try:
        parser.feed(data)
        root = parser.close()
    except Exception:  # any refusal (syntax, encoding) is reported by the careful path
        return None
    return _node(root, 1)


def _node(element: ElementTree.Element, depth: int) -> Node | None:
    node = Node(element.tag, element.attrib, 0, 0)  # nothing modifies a node's attrs
    children = node.children
    if element.text:
        children.append(element.text)
    if len(element):
        if depth >= MAX_DEPTH:
            return None
        elements = node._elements
        for sub in element:
            child = _node(sub, depth + 1)
            if child is None:
                return None
            children.append(child)
            elements.append(child)
            if sub.tail:
                children.append(sub.tail)
    return node


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
