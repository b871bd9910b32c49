"""parse and check: turn BXML text into a `Document`, or into every error it contains.

How this works: `safe_xml.read_tree` does the hostile-input work (size limit, no DTD) and gives
nodes with positions; a syntax error stops there. `_DocumentReader` then walks the nodes once,
driven by the tables of `attributes.py`, converting each value and recording every broken rule
instead of stopping at the first, so `check` can report them all (up to `MAX_CHECK_ERRORS`).
`parse` needs only the first, so its walk stops there: a hostile document of thousands of bad
elements would otherwise cost a "did you mean" search each (a quarter of a second at 64 KB).

An ordinary document is first read by `safe_xml.read_tree_fast` (ElementTree's C parser, no
positions) and checked and built by `fast_path.py`, which says only "valid" or "something to
report from top-level element N on". Only then are positions found (`positions.py`) and the
careful walk run from element N (everything before it was valid), so every message keeps its
line and column and a long valid prefix is not walked twice. A document the fast path cannot
read (a DOCTYPE, namespaces, not well-formed...) is read whole by `safe_xml.read_tree`, and
its walk still builds each valid verb the fast way (`fast_path.read_node`).
"""

from __future__ import annotations

import contextlib
import difflib
import functools
from collections.abc import Iterable
from typing import Any

from ringback.bxml import fast_path, ssml
from ringback.bxml.attributes import (
    ATTRIBUTE_ALIASES,
    BY_WIRE,
    CHILDREN,
    CONTEXTS,
    ELEMENT_CLASSES,
    ROOT_TAGS,
    TEXT_CONTENT,
    Children,
)
from ringback.bxml.element import Verb
from ringback.bxml.fast_path import MAX_GATHER_PLAYS, UNSET_LITERAL, Unset, unset_note
from ringback.bxml.positions import element_positions, region_tree
from ringback.bxml.safe_xml import Node, read_tree, read_tree_fast
from ringback.bxml.values import BadValue, convert
from ringback.bxml.verbs import NESTED_CLASSES, VERB_CLASSES, Document
from ringback.errors import BxmlError, BxmlInvalidError, BxmlSyntaxError

# Each element's required attributes, in table order (read once per element parsed).
_REQUIRED = {
    tag: tuple(attr.wire for attr in table.values() if attr.required)
    for tag, table in BY_WIRE.items()
}
# Each container's allowed children as messages name them (`<SpeakSentence>/<PlayAudio>`).
_CHILD_NAMES = {tag: "/".join(f"<{name}>" for name in spec.tags) for tag, spec in CHILDREN.items()}
_XML_SPACE = " \t\n\r"
_QUOTED_TEXT_CHARS = 40
_MAX_SUGGESTED_NAME_CHARS = 64  # longer than any real name: no "did you mean"
MAX_CHECK_ERRORS = 100  # `check` reports at most this many; the rest of the walk is skipped


class _Enough(Exception):
    """Raised inside the walk once the reader holds as many errors as its caller wants."""


def parse(text: str | bytes, context: str = "call") -> Document:
    """Parse and validate a BXML document for `context`; raise the first BxmlError found."""
    document, errors = _read(text, context, max_errors=1)
    if errors or document is None:
        raise errors[0]
    return document


# A reply read before is read from memory: an app answers every call with the same few documents,
# and a parsed Document is immutable (frozen verbs, tuples), so one can serve every call. Only
# short documents are kept, so the cache holds at most about 128 × 4 KB of text and their trees.
REPLY_CACHE_SIZE = 128
REPLY_CACHE_MAX_CHARS = 4096


def parse_reply(text: str, context: str = "call") -> Document:
    """`parse`, remembering the documents most recently read (a webhook's BXML reply)."""
    if len(text) > REPLY_CACHE_MAX_CHARS:
        return parse(text, context)
    return _parse_remembered(text, context)


@functools.lru_cache(maxsize=REPLY_CACHE_SIZE)
def _parse_remembered(text: str, context: str) -> Document:
    return parse(text, context)  # an error is raised, not remembered


def check(text: str | bytes, context: str = "call") -> list[BxmlError]:
    """Every error in a BXML document for `context`, in document order; [] when it is valid."""
    try:
        return _read(text, context, max_errors=MAX_CHECK_ERRORS)[1]
    except BxmlSyntaxError as error:
        return [error]


def _read(
    text: str | bytes, context: str, max_errors: int
) -> tuple[Document | None, list[BxmlError]]:
    allowed = CONTEXTS.get(context)
    if allowed is None:
        raise ValueError(f"unknown BXML context {context!r}; use one of {', '.join(CONTEXTS)}")
    tree = read_tree_fast(text)
    if tree is not None:
        unset: Unset = []
        outcome = fast_path.read_document(tree, allowed, unset)
        if isinstance(outcome, Document):
            if unset:
                where = element_positions(text, tree, [element for element, _ in unset])
                notes = [
                    unset_note(line, column, element.tag, name)
                    for (line, column), (element, name) in zip(where, unset, strict=True)
                ]
                outcome = Document(outcome.verbs, outcome.root, tuple(notes))
            return outcome, []
        # The careful walk over the elements from the one the fast path refused, positioned.
        region = region_tree(text, tree, outcome, whole=max_errors > 1)
        if region is not None:
            reader = _DocumentReader(context, allowed, max_errors)
            with contextlib.suppress(_Enough):
                reader.document(region, refused=True)
            if reader.errors:
                return None, reader.errors
        # No error there (nesting too deep, which read_tree reports): the whole document the
        # careful way.
    root = read_tree(text)
    reader = _DocumentReader(context, allowed, max_errors)
    try:
        document = reader.document(root)
    except _Enough:
        return None, reader.errors
    return (None if reader.errors else document), reader.errors


def _quote(text: str) -> str:
    text = text.strip(_XML_SPACE)
    if len(text) > _QUOTED_TEXT_CHARS:
        text = text[: _QUOTED_TEXT_CHARS - 1] + "…"
    return repr(text)


def suggestion(name: str, known: Iterable[str]) -> str | None:
    """The known name `name` was probably meant to be: same letters in another case or with
    `_`/`-` (`gatherURL`, `gather_url` -> `gatherUrl`), else the closest spelling."""
    if len(name) > _MAX_SUGGESTED_NAME_CHARS:  # difflib's cost grows with the name's length
        return None
    known = list(known)
    squashed = {k.lower().replace("_", "").replace("-", ""): k for k in known}
    exact = squashed.get(name.lower().replace("_", "").replace("-", ""))
    if exact is not None:
        return exact
    by_lower = {k.lower(): k for k in known}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.75)
    return by_lower[close[0]] if close else None


def _did_you_mean(name: str, known: Iterable[str], wrap: str = "{}") -> str:
    guess = suggestion(name, known)
    return f"; did you mean {wrap.format(guess)}?" if guess else ""


class _DocumentReader:
    """One walk over the node tree, collecting values and errors."""

    def __init__(
        self, context: str, allowed: frozenset[str], max_errors: int, quick: bool = True
    ) -> None:
        self.context = context
        self.quick = quick  # try each verb the fast way first (tests turn it off to compare)
        self.known_bad = False  # the verb at hand is one the fast path refused: no second try
        self.allowed = allowed
        self.max_errors = max_errors
        self.errors: list[BxmlError] = []
        self.notes: list[str] = []

    def fail(self, node: Node, message: str, verb: str | None = None) -> None:
        self.errors.append(BxmlInvalidError(message, node.line, node.column, verb or node.tag))
        if len(self.errors) >= self.max_errors:
            raise _Enough

    def document(self, root: Node, refused: bool = False) -> Document:
        """The document's verbs; `refused`: the fast path refused the first of them."""
        if root.tag not in ROOT_TAGS:
            self.fail(root, f"the root element must be <Response> or <Bxml>, got <{root.tag}>")
            return Document()
        for name in root.attrs:
            self.fail(root, f"<{root.tag}> takes no attributes, got {name}")
        verbs: list[Verb] = []
        for child in root.children:
            if isinstance(child, str):
                if child.strip(_XML_SPACE):
                    self.fail(root, f"<{root.tag}> has text {_quote(child)} outside any verb")
                continue
            self.known_bad, refused = refused, False
            verb = self.verb(child, root.tag)
            if verb is not None:
                verbs.append(verb)
        return Document(tuple(verbs), root.tag, tuple(self.notes))

    def verb(self, node: Node, root_tag: str) -> Verb | None:
        tag = node.tag
        if tag not in VERB_CLASSES:
            if tag in NESTED_CLASSES:
                parents = [p for p, spec in CHILDREN.items() if tag in spec.tags]
                where = " or ".join(f"<{p}>" for p in parents)
                self.fail(node, f"<{tag}> belongs inside {where}, not directly in <{root_tag}>")
            else:
                hint = _did_you_mean(tag, VERB_CLASSES, "<{}>")
                self.fail(node, f"<{tag}> is not a BXML verb{hint}")
            return None
        if tag not in self.allowed:
            message = f"<{tag}> is not allowed in {self.context} BXML"
            if self.context == "conference":
                message += "; it allows only " + ", ".join(sorted(self.allowed))
            self.fail(node, message)
        elif self.quick and not self.known_bad:
            quick = fast_path.read_node(node, self.notes)
            if quick is not None:
                return quick  # type: ignore[return-value]  # a verb's tag builds a Verb
        built = self.element(node)
        return built if isinstance(built, Verb) else None

    def element(self, node: Node) -> object | None:
        """Build any known element (verb or nested); None when it broke a rule."""
        tag = node.tag
        errors_before = len(self.errors)
        values = self.attributes(node)
        if tag == "SpeakSentence":
            self.speech(node, values)
        elif tag in TEXT_CONTENT:
            self.text_value(node, values)
        elif node.text().strip(_XML_SPACE):
            self.fail(node, f"<{tag}> takes no text, got {_quote(node.text())}")
        spec = CHILDREN.get(tag)
        if spec is not None:
            self.children(node, spec, values)
        elif tag != "SpeakSentence":
            for child in node.elements():
                self.fail(child, f"<{tag}> cannot contain <{child.tag}>", tag)
        if len(self.errors) > errors_before:
            return None
        built: object = ELEMENT_CLASSES[tag](**values)
        return built

    def attributes(self, node: Node) -> dict[str, Any]:
        tag = node.tag
        table = BY_WIRE[tag]
        aliases = ATTRIBUTE_ALIASES.get(tag)
        values: dict[str, Any] = {}
        if not node.attrs:  # common for nested prompts: skip the bookkeeping below
            for wire in _REQUIRED[tag]:
                self.fail(node, f"<{tag}> requires the {wire} attribute")
            return values
        present: set[str] = set()
        for name, raw in node.attrs.items():
            wire = aliases.get(name, name) if aliases else name
            attr = table.get(wire)
            if attr is None:
                if not (tag == "Conference" and name == "name"):  # SDK quirk, read with the text
                    self.unknown_attribute(node, name)
                continue
            if raw == UNSET_LITERAL:
                self.notes.append(unset_note(node.line, node.column, tag, name))
                continue
            if wire != name and wire in node.attrs:
                self.fail(node, f"<{tag}> has both {name} and {wire}; they are the same attribute")
                continue
            present.add(wire)
            try:
                values[attr.field] = convert(attr.kind, raw, attr.choices, attr.low, attr.high)
            except BadValue as problem:
                self.fail(node, f"<{tag}> {name} {problem}")
        for wire in _REQUIRED[tag]:
            if wire not in present:
                self.fail(node, f"<{tag}> requires the {wire} attribute")
        return values

    def unknown_attribute(self, node: Node, name: str) -> None:
        known = list(BY_WIRE[node.tag])
        if node.tag == "Conference":
            known.append("name")
        if not known:
            self.fail(node, f"<{node.tag}> takes no attributes, got {name}")
            return
        self.fail(node, f"<{node.tag}> has no attribute {name}{_did_you_mean(name, known)}")

    def speech(self, node: Node, values: dict[str, Any]) -> None:
        if not node.elements():
            # Plain text, the common case: no SSML to check, and its canonical markup is the
            # trimmed text escaped (what the general path below gives for a lone text child).
            text = node.text().strip(_XML_SPACE)
            if not text:
                self.fail(node, "<SpeakSentence> needs text to speak")
            values["ssml"] = ssml.escape_text(text)
            return
        for element, message in ssml.ssml_errors(node):
            self.fail(element, f"<SpeakSentence> {message}", "SpeakSentence")
        if not ssml.spoken_text(node).strip(_XML_SPACE):
            self.fail(node, "<SpeakSentence> needs text to speak")
        values["ssml"] = ssml.canonical_markup(node)

    def text_value(self, node: Node, values: dict[str, Any]) -> None:
        tag = node.tag
        spec = TEXT_CONTENT[tag]
        raw = node.text().strip(_XML_SPACE)
        if tag == "Conference" and "name" in node.attrs:
            attribute = node.attrs["name"].strip(_XML_SPACE)
            if raw and raw != attribute:
                self.fail(node, f"<Conference> is named both {raw!r} (text) and {attribute!r}")
                return
            raw = attribute
        if not raw:
            if spec.required:
                self.fail(node, f"<{tag}> needs the {spec.what} as its text")
            else:
                values[spec.field] = ""
            return
        try:
            values[spec.field] = convert(spec.kind, raw)
        except BadValue as problem:
            self.fail(node, f"<{tag}> {spec.what} {problem}")

    def children(self, node: Node, spec: Children, values: dict[str, Any]) -> None:
        tag = node.tag
        names = _CHILD_NAMES[tag]
        items: list[object] = []
        count = 0
        for child in node.elements():
            if child.tag not in spec.tags:
                self.fail(child, f"<{tag}> can only contain {names}, not <{child.tag}>", tag)
                continue
            count += 1
            if tag == "Refer" and child.attrs:
                attributes = ", ".join(child.attrs)
                self.fail(child, f"<SipUri> inside <Refer> takes no attributes, got {attributes}")
                continue
            item = self.element(child)
            if item is not None:
                items.append(item)
        self.check_count(node, spec, names, count)
        if tag == "Gather" and count:
            repeat = values.get("repeat_count", 1)
            if repeat * count > MAX_GATHER_PLAYS:
                self.fail(
                    node,
                    f"<Gather> repeatCount × nested prompts must be at most {MAX_GATHER_PLAYS}, "
                    f"got {repeat} × {count} = {repeat * count}",
                )
        if spec.single:
            if items:
                values[spec.field] = items[0]
        else:
            values[spec.field] = tuple(items)

    def check_count(self, node: Node, spec: Children, names: str, count: int) -> None:
        low, high = spec.minimum, spec.maximum
        if low <= count and (high is None or count <= high):
            return
        if spec.single:
            message = f"needs exactly one {names}, got {count}"
        elif high is None:
            message = f"needs at least {low} {names}, got {count}"
        elif low:
            message = f"needs {low}–{high} {names}, got {count}"
        else:
            message = f"allows at most {high} nested {names}, got {count}"
        self.fail(node, f"<{node.tag}> {message}")
