"""Lines and columns for the fast path's tree, found only once there is something to report.

How this works: `fast_path.py` reads ElementTree's tree, which has no positions, and names the
first top-level element with something to report. Rather than read the whole document again
with a Python callback building a `Node` per element (`safe_xml.read_tree`), expat runs once
more with no start-tag handler, so that each start tag reaches a small default handler as raw
text (no attribute dictionary is built) and only its position is kept. The careful walk then
gets `Node`s for the elements from the reported one on, built from ElementTree's elements with
those positions. A thousand-attribute start tag or five hundred valid verbs before the bad one
so cost one C pass, not a second tree.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterable
from xml.etree.ElementTree import Element
from xml.parsers import expat

from ringback.bxml.safe_xml import MAX_DEPTH, Node

Position = tuple[int, int]


class _Found(Exception):
    """Raised inside expat once every wanted position is known."""


def region_tree(text: str | bytes, root: Element, start: int, whole: bool) -> Node | None:
    """The root as a positioned `Node` holding the top-level elements from number `start` on
    (only that one, and the text around it, unless `whole`) and the text just before them;
    None when `root` nests deeper than read_tree allows (read_tree then refuses it) or expat
    does not find every element (read_tree then reads it all).

    `root` must be ElementTree's tree of `text`, a document ElementTree read (well-formed, no
    DOCTYPE, within the element limit)."""
    if _too_deep(root):
        return None
    children = list(root)
    region = children[start:] if whole else children[start : start + 1]
    first = 1 + sum(_size(child) for child in children[:start])  # `start`'s rank among elements
    wanted = first + sum(_size(child) for child in region)
    positions = _positions(text, wanted)
    if len(positions) < wanted:  # pragma: no cover - expat reads what ElementTree read
        return None
    node = Node(root.tag, root.attrib, *positions[0])
    before = root.text if start == 0 else children[start - 1].tail
    if before:
        node.children.append(before)
    _add_children(node, region, positions, first)
    return node


def element_positions(text: str | bytes, root: Element, elements: list[Element]) -> list[Position]:
    """The line and column of each of `elements` (in `root`, ElementTree's tree of `text`)."""
    ranks = {id(element): rank for rank, element in enumerate(root.iter())}
    wanted = [ranks[id(element)] for element in elements]
    found = _positions(text, max(wanted) + 1)
    return [found[rank] for rank in wanted]


def _size(element: Element) -> int:
    return sum(1 for _ in element.iter())


def _too_deep(root: Element) -> bool:
    pending = [(root, 1)]
    while pending:
        element, depth = pending.pop()
        if len(element):
            if depth >= MAX_DEPTH:
                return True
            pending.extend((child, depth + 1) for child in element)
    return False


def _node(element: Element, positions: list[Position], rank: int) -> tuple[Node, int]:
    """`element` and its subtree as `Node`s; `rank` is its place among all elements."""
    node = Node(element.tag, element.attrib, *positions[rank])
    if element.text:
        node.children.append(element.text)
    return node, _add_children(node, element, positions, rank + 1)


def _add_children(
    node: Node, children: Iterable[Element], positions: list[Position], rank: int
) -> int:
    """Append `children` (and the text after each) to `node`; the rank after the last one."""
    for child in children:
        built, rank = _node(child, positions, rank)
        node.children.append(built)
        node._elements.append(built)
        if child.tail:
            node.children.append(child.tail)
    return rank


def _positions(text: str | bytes, count: int) -> list[Position]:
    """The line and column of the first `count` start tags, as `read_tree` gives them."""
    if isinstance(text, str):
        data = text.encode("utf-8")
        parser = expat.ParserCreate(encoding="utf-8")  # as read_tree reads a str
    else:
        data = bytes(text)
        parser = expat.ParserCreate()
    found: list[Position] = []

    def markup(raw: str) -> None:
        # Start tags, and what else has no handler below: end tags, the XML declaration,
        # processing instructions, whitespace outside the root.
        if raw[:1] == "<" and raw[1:2] not in ("/", "?", "!"):
            found.append((parser.CurrentLineNumber, parser.CurrentColumnNumber + 1))
            if len(found) >= count:
                raise _Found

    discard = deque[str](maxlen=0).append  # C callables: text and comments cost no Python call
    parser.DefaultHandler = markup
    parser.CharacterDataHandler = discard
    parser.CommentHandler = discard
    with contextlib.suppress(_Found):
        parser.Parse(data, True)
    return found
