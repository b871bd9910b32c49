"""The fast path: validate an ordinary document's ElementTree tree and build its verbs in one pass.

How this works: every rule of `attributes.py` is compiled once, at import, into one table entry
per element (its class, a reader per attribute from `values.py`, its required attributes, text
and children), and the walk below reads ElementTree's elements directly: no `Node`s, no
positions, no messages. It only answers "valid, here is the Document" or "something to report,
at the top-level element numbered N"; `parsing.py` then has the positions of the elements from
that one on found (`positions.py`) and its careful walk writes the message. So a rule lives
twice, once here as a yes/no and once in `parsing.py` with its words: the Hypothesis tests in
tests/bxml/test_fast_path.py hold the two to the same answers, errors and positions on valid,
broken and mixed documents. The careful walk also uses `read_node` here for each verb of a
document the fast path could not take, so that only a verb with something to report costs it
its own, slower checks.

A verb is built without its `__init__`: a blank instance gets only the values the document gave,
and every other field reads its default from the class (verbs.py keeps no slots for this).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple
from xml.etree.ElementTree import Element

from ringback.bxml import ssml
from ringback.bxml.attributes import (
    ATTRIBUTE_ALIASES,
    ATTRIBUTES,
    CHILDREN,
    ELEMENT_CLASSES,
    ROOT_TAGS,
    TEXT_CONTENT,
    Children,
)
from ringback.bxml.element import Verb
from ringback.bxml.safe_xml import Node
from ringback.bxml.values import BadValue, Kind, reader
from ringback.bxml.verbs import VERB_CLASSES, Document

_SPACE = " \t\n\r"
# Bandwidth's Python SDKs before 17 write an attribute left unset as the string `None`
# (`interDigitTimeout="None"`), and apps built on them ran against Bandwidth: read it as absent,
# with a note for the timeline that names where it was (`unset_note`).
UNSET_LITERAL = "None"
Unset = list[tuple[Element, str]]  # (element, attribute name) of each `None` read as absent


def unset_note(line: int, column: int, tag: str, name: str) -> str:
    """The document's note for an attribute written as the literal `None`."""
    return (
        f'line {line}, col {column}: <{tag}> {name}="None" read as absent'
        " (SDKs before 17 write an unset attribute as None)"
    )


MAX_GATHER_PLAYS = 20  # repeatCount × nested prompts (spec §4.6 Gather)

Converter = Callable[[str], Any]


class _Spec(NamedTuple):
    """One element's compiled rules."""

    cls: type
    # wire name (or alias) -> (field, converter or None for the raw text, the wire name an alias
    # stands for or None); a None field is Conference's `name`, read with the text.
    attributes: dict[str, tuple[str | None, Converter | None, str | None]]
    required: frozenset[str]
    speech: bool  # SpeakSentence: its text is SSML
    text: tuple[str, Converter | None, bool] | None  # field, converter, required
    children: Children | None


# What a refused value raises: a reader's BadValue, an unknown attribute's KeyError.
_FAILED = (BadValue, KeyError)


def _converter(
    kind: Kind,
    choices: tuple[str, ...] = (),
    low: float | None = None,
    high: float | None = None,
) -> Converter | None:
    """The kind's reader (values.py), or None where the value is the raw text itself."""
    return None if kind is Kind.TEXT else reader(kind, choices, low, high)


def _compile(tag: str) -> _Spec:
    attributes: dict[str, tuple[str | None, Converter | None, str | None]] = {
        attr.wire: (attr.field, _converter(attr.kind, attr.choices, attr.low, attr.high), None)
        for attr in ATTRIBUTES[tag]
    }
    for alias, wire in ATTRIBUTE_ALIASES.get(tag, {}).items():
        field, convert_value, _ = attributes[wire]
        attributes[alias] = (field, convert_value, wire)
    if tag == "Conference":
        attributes["name"] = (None, None, None)  # an SDK's form of the name: read with the text
    content = TEXT_CONTENT.get(tag)
    return _Spec(
        cls=ELEMENT_CLASSES[tag],
        attributes=attributes,
        required=frozenset(attr.wire for attr in ATTRIBUTES[tag] if attr.required),
        speech=tag == "SpeakSentence",
        text=None
        if content is None
        else (content.field, _converter(content.kind), content.required),
        children=CHILDREN.get(tag),
    )


_SPECS = {tag: _compile(tag) for tag in ELEMENT_CLASSES}
_VERB_SPECS = {tag: spec for tag, spec in _SPECS.items() if tag in VERB_CLASSES}
_new = object.__new__


def read_document(root: Element, allowed: frozenset[str], unset: Unset) -> Document | int:
    """The valid document's `Document`, or the index of the top-level element at whose text or
    self the first thing to report is (the number of elements when it is the text after the
    last; 0 for the root itself). `unset` gets each attribute read as absent, for the notes
    (which need positions: the caller's to find)."""
    if root.tag not in ROOT_TAGS or root.attrib:
        return 0
    text = root.text
    if text and text.strip(_SPACE):
        return 0
    verbs: list[Verb] = []
    for index, child in enumerate(root):
        tag = child.tag
        spec = _VERB_SPECS.get(tag)
        if spec is None or tag not in allowed:
            return index
        verb = _element(child, spec, 2, unset)
        if verb is None:
            return index
        verbs.append(verb)  # type: ignore[arg-type]  # a verb's tag builds a Verb
        tail = child.tail
        if tail and tail.strip(_SPACE):
            return index + 1
    return Document(tuple(verbs), root.tag)


def read_node(node: Node, notes: list[str]) -> object | None:
    """A top-level verb of the careful path's tree built the fast way, or None when the careful
    walk has something to say about it: that walk's own checks cost several times more (a
    message's worth of work per value), and a valid verb needs none of them. The notes of the
    attributes it read as absent are added to `notes`, with the nodes' positions."""
    nodes: dict[int, Node] = {}
    unset: Unset = []
    built = _element(_element_of(node, nodes), _SPECS[node.tag], 2, unset)
    if built is not None:
        for element, name in unset:
            where = nodes[id(element)]
            notes.append(unset_note(where.line, where.column, element.tag, name))
    return built


def _element_of(node: Node, nodes: dict[int, Node]) -> Element:
    element = Element(node.tag, node.attrs)
    nodes[id(element)] = node
    last: Element | None = None
    for child in node.children:  # text pieces are merged: never two in a row
        if isinstance(child, str):
            if last is None:
                element.text = child
            else:
                last.tail = child
        else:
            last = _element_of(child, nodes)
            element.append(last)
    return element


def _element(element: Element, spec: _Spec, depth: int, unset: Unset) -> object | None:
    """The element built, or None when the careful path has something to say about it."""
    values: dict[str, Any] = {}
    attrib = element.attrib
    if attrib:
        table = spec.attributes
        lenient = False
        try:
            for name, raw in attrib.items():
                field, convert_value, canonical = table[name]
                if field is None:  # Conference's `name`, read with the text
                    continue
                if raw == UNSET_LITERAL:
                    unset.append((element, name))
                    lenient = True
                elif canonical is not None and canonical in attrib:
                    return None  # an alias beside the name it stands for
                else:
                    values[field] = raw if convert_value is None else convert_value(raw)
        except _FAILED:
            return None
        required = spec.required
        if required and not (
            required <= attrib.keys()
            and not (lenient and any(attrib[wire] == UNSET_LITERAL for wire in required))
        ):
            return None
    elif spec.required:
        return None
    text = element.text
    if spec.speech:
        if not _speech(element, values, depth):
            return None
    elif spec.text is not None:
        if len(element) or not _text_value(element, spec.text, values):
            return None
    else:
        if text and text.strip(_SPACE):
            return None
        if spec.children is not None:
            if len(element):
                if not _children(element, spec.children, values, depth, unset):
                    return None
            elif spec.children.minimum:
                return None
        elif len(element):
            return None
    built: object = _new(spec.cls)
    if values:
        built.__dict__.update(values)
    return built


def _speech(element: Element, values: dict[str, Any], depth: int) -> bool:
    if not len(element):
        text = element.text.strip(_SPACE) if element.text else ""
        if not text:
            return False
        values["ssml"] = ssml.escape_text(text)
        return True
    read = ssml.quick_markup(element, depth)
    if read is None or not read[1].strip(_SPACE):
        return False
    values["ssml"] = read[0]
    return True


def _text_value(
    element: Element, content: tuple[str, Converter | None, bool], values: dict[str, Any]
) -> bool:
    field, convert_value, required = content
    raw = element.text.strip(_SPACE) if element.text else ""
    if "name" in element.attrib and element.tag == "Conference":
        attribute = element.attrib["name"].strip(_SPACE)
        if raw and raw != attribute:
            return False
        raw = attribute
    if not raw:
        if required:
            return False
        values[field] = ""
        return True
    try:
        values[field] = raw if convert_value is None else convert_value(raw)
    except _FAILED:
        return False
    return True


def _children(
    element: Element, rules: Children, values: dict[str, Any], depth: int, unset: Unset
) -> bool:
    items = []
    tags = rules.tags
    bare = element.tag == "Refer"  # <Refer>'s <SipUri> takes no attributes
    for child in element:
        tail = child.tail
        if tail and tail.strip(_SPACE):
            return False
        tag = child.tag
        if tag not in tags or (bare and child.attrib):
            return False
        item = _element(child, _SPECS[tag], depth + 1, unset)
        if item is None:
            return False
        items.append(item)
    count = len(items)
    if count < rules.minimum or (rules.maximum is not None and count > rules.maximum):
        return False
    if (
        element.tag == "Gather"
        and count
        and values.get("repeat_count", 1) * count > (MAX_GATHER_PLAYS)
    ):
        return False
    values[rules.field] = items[0] if rules.single else tuple(items)
    return True
