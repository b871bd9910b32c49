"""The SSML allowed inside `<SpeakSentence>`: validate it, write it canonically, read its words.

A `<SpeakSentence>` keeps its mixed content as one canonical string (`SpeakSentence.ssml`):
attributes sorted, empty elements self-closed, text escaped the same way every time, outer
whitespace trimmed. Canonical means parsing a rendered sentence gives back the same string.

`<break>` durations: `time` wins over `strength` (as in SSML 1.1); a `<break/>` with neither is
`medium`. Strengths map to fixed durations, `BREAK_STRENGTH_S`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from ringback.bxml.safe_xml import MAX_DEPTH, Node, read_tree
from ringback.errors import BxmlError

MAX_BREAK_S = 10.0
BREAK_STRENGTH_S = {
    "none": 0.0,
    "x-weak": 0.1,
    "weak": 0.25,
    "medium": 0.5,
    "strong": 1.0,
    "x-strong": 2.0,
}
DEFAULT_BREAK_STRENGTH = "medium"

# element -> (allowed attributes, required attributes)
SSML_ELEMENTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "break": (frozenset({"strength", "time"}), frozenset()),
    "emphasis": (frozenset({"level"}), frozenset()),
    "lang": (frozenset({"xml:lang"}), frozenset({"xml:lang"})),
    "p": (frozenset(), frozenset()),
    "phoneme": (frozenset({"ph", "alphabet"}), frozenset({"ph"})),
    "prosody": (frozenset({"pitch", "rate", "volume"}), frozenset()),
    "s": (frozenset(), frozenset()),
    "say-as": (frozenset({"interpret-as", "format"}), frozenset({"interpret-as"})),
    "sub": (frozenset({"alias"}), frozenset({"alias"})),
}
EMPHASIS_LEVELS = ("strong", "moderate", "none", "reduced")
_BREAK_TIME = re.compile(r"(\d+(?:\.\d+)?|\.\d+)(ms|s)")
_XML_SPACE = " \t\n\r"
_MAX_BREAK_TIME_CHARS = 40

_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)


def escape_text(text: str) -> str:
    """Escape character data so that re-parsing gives back exactly `text`."""
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        return text.translate(_TEXT_ESCAPES)
    return text  # nothing to escape, the common case: a translate walk costs a microsecond


def escape_attribute(value: str) -> str:
    """Escape a double-quoted attribute value so that re-parsing gives back exactly `value`."""
    return value.translate(_ATTR_ESCAPES)


def break_time_seconds(value: str) -> float | None:
    """`"1.5s"` -> 1.5, `"250ms"` -> 0.25; None when the value is not a duration."""
    value = value.strip()
    if len(value) > _MAX_BREAK_TIME_CHARS:  # no such duration is in range; skip the regex
        return None
    match = _BREAK_TIME.fullmatch(value)
    if match is None:
        return None
    number = float(match.group(1))
    return number / 1000 if match.group(2) == "ms" else number


def ssml_errors(sentence: Node) -> Iterator[tuple[Node, str]]:
    """Every SSML rule broken inside a `<SpeakSentence>` node, as (element, message) pairs, in
    document order; each message reads on from `<SpeakSentence> `. A generator, so that a caller
    wanting only the first stops the walk there."""
    pending = sentence.elements()[::-1]  # a stack, in document order
    while pending:
        node = pending.pop()
        rule = SSML_ELEMENTS.get(node.tag)
        if rule is None:
            allowed = ", ".join(f"<{name}>" for name in SSML_ELEMENTS)
            yield node, f"cannot contain <{node.tag}>; the SSML it allows: {allowed}"
            continue
        allowed_attrs, required_attrs = rule
        for name, value in node.attrs.items():
            if name not in allowed_attrs:
                known = ", ".join(sorted(allowed_attrs)) or "none"
                yield node, f"SSML <{node.tag}> has no attribute {name} (known: {known})"
            elif not value.strip():
                yield node, f"SSML <{node.tag}> {name} must not be empty"
        for name in sorted(required_attrs - node.attrs.keys()):
            yield node, f"SSML <{node.tag}> requires {name}"
        for message in _value_errors(node):
            yield node, message
        pending.extend(node.elements()[::-1])


def _value_errors(node: Node) -> list[str]:
    messages: list[str] = []
    if node.tag == "break":
        if node.children:
            messages.append("SSML <break> must be empty")
        time = node.attrs.get("time")
        if time is not None:
            seconds = break_time_seconds(time)
            if seconds is None:
                messages.append(f"SSML <break> time must look like 500ms or 2s, got {time!r}")
            elif seconds > MAX_BREAK_S:
                messages.append(f"SSML <break> time must be at most 10s, got {time!r}")
        strength = node.attrs.get("strength")
        if strength is not None and strength not in BREAK_STRENGTH_S:
            choices = ", ".join(BREAK_STRENGTH_S)
            messages.append(f"SSML <break> strength must be one of {choices}, got {strength!r}")
    elif node.tag == "emphasis":
        level = node.attrs.get("level")
        if level is not None and level not in EMPHASIS_LEVELS:
            choices = ", ".join(EMPHASIS_LEVELS)
            messages.append(f"SSML <emphasis> level must be one of {choices}, got {level!r}")
    return messages


def canonical_markup(sentence: Node) -> str:
    """The inner markup of a `<SpeakSentence>` node in canonical form, trimmed."""
    children = list(sentence.children)
    if children and isinstance(children[0], str):
        children[0] = children[0].lstrip(_XML_SPACE)
    if children and isinstance(children[-1], str):
        children[-1] = children[-1].rstrip(_XML_SPACE)
    parts: list[str] = []
    for child in children:
        _write(child, parts)
    return "".join(parts)


def _write(child: Node | str, parts: list[str]) -> None:
    if isinstance(child, str):
        parts.append(escape_text(child))
        return
    attrs = "".join(
        f' {name}="{escape_attribute(child.attrs[name])}"' for name in sorted(child.attrs)
    )
    if not child.children:
        parts.append(f"<{child.tag}{attrs}/>")
        return
    parts.append(f"<{child.tag}{attrs}>")
    for grandchild in child.children:
        _write(grandchild, parts)
    parts.append(f"</{child.tag}>")


def quick_markup(sentence: Element, depth: int) -> tuple[str, str] | None:
    """The canonical markup and the spoken text of a `<SpeakSentence>` element of ElementTree's
    tree (at `depth`, the root's being 1) in one pass, or None when anything is to be reported:
    what `ssml_errors`, `canonical_markup` and `spoken_text` give for its `Node`, for the fast
    path of `bxml/fast_path.py` (a test holds the two to the same answers)."""
    parts: list[str] = []
    spoken: list[str] = []
    text = sentence.text
    if text:
        text = text.lstrip(_XML_SPACE)
        parts.append(escape_text(text))
        spoken.append(text)
    last = len(sentence) - 1
    for index, child in enumerate(sentence):
        if not _quick_element(child, depth + 1, parts, spoken):
            return None
        tail = child.tail
        if tail:
            if index == last:
                tail = tail.rstrip(_XML_SPACE)
            parts.append(escape_text(tail))
            spoken.append(tail)
    return "".join(parts), "".join(spoken)


def _quick_element(element: Element, depth: int, parts: list[str], spoken: list[str]) -> bool:
    tag = element.tag
    rule = SSML_ELEMENTS.get(tag)
    if rule is None or depth > MAX_DEPTH:
        return False
    allowed_attrs, required_attrs = rule
    attrib = element.attrib
    attrs = ""
    if attrib:
        for name, value in attrib.items():
            if name not in allowed_attrs or not value.strip():
                return False
        attrs = "".join(f' {name}="{escape_attribute(attrib[name])}"' for name in sorted(attrib))
    if required_attrs and not required_attrs <= attrib.keys():
        return False
    text = element.text
    if tag == "break":
        if text or len(element):
            return False
        time = attrib.get("time")
        if time is not None:
            seconds = break_time_seconds(time)
            if seconds is None or seconds > MAX_BREAK_S:
                return False
        if attrib.get("strength", "medium") not in BREAK_STRENGTH_S:
            return False
    elif tag == "emphasis" and attrib.get("level", "none") not in EMPHASIS_LEVELS:
        return False
    if not text and not len(element):
        parts.append(f"<{tag}{attrs}/>")
        spoken.append(f" {attrib.get('alias', '')} " if tag == "sub" else "  ")
        return True
    parts.append(f"<{tag}{attrs}>")
    inner = [] if tag == "sub" else spoken  # a <sub> speaks its alias, not its content
    spoken.append(f" {attrib.get('alias', '')} " if tag == "sub" else " ")
    if text:
        parts.append(escape_text(text))
        inner.append(text)
    for child in element:
        if not _quick_element(child, depth + 1, parts, inner):
            return False
        tail = child.tail
        if tail:
            parts.append(escape_text(tail))
            inner.append(tail)
    parts.append(f"</{tag}>")
    if tag != "sub":
        spoken.append(" ")
    return True


def _sentence_tree(ssml: str) -> Node | None:
    try:
        return read_tree(f"<speak>{ssml}</speak>")
    except BxmlError:
        return None  # hand-built plain text with a stray `<` or `&`: read it as text


def spoken_words(ssml: str) -> list[str]:
    """The words a listener hears: text with markup removed, `<sub>` replaced by its alias."""
    root = _sentence_tree(ssml)
    if root is None:
        return ssml.split()
    return spoken_text(root).split()


def spoken_text(node: Node) -> str:
    """The text a listener hears inside `node`, markup removed, `<sub>` replaced by its alias."""
    pieces: list[str] = []
    _spoken_text(node, pieces)
    return "".join(pieces)


def _spoken_text(node: Node, pieces: list[str]) -> None:
    for child in node.children:
        if isinstance(child, str):
            pieces.append(child)
        elif child.tag == "sub":
            pieces.append(f" {child.attrs.get('alias', '')} ")
        else:
            # Element edges separate words: `<lang>bonjour</lang><s>hi</s>` is two words.
            pieces.append(" ")
            _spoken_text(child, pieces)
            pieces.append(" ")


def break_total_seconds(ssml: str) -> float:
    """The sum of every `<break>`'s duration, in seconds."""
    root = _sentence_tree(ssml)
    if root is None:
        return 0.0
    total = 0.0
    pending = list(root.elements())
    while pending:
        node = pending.pop()
        pending.extend(node.elements())
        if node.tag != "break":
            continue
        seconds = break_time_seconds(node.attrs.get("time", ""))
        if seconds is None:
            strength = node.attrs.get("strength", DEFAULT_BREAK_STRENGTH)
            seconds = BREAK_STRENGTH_S.get(strength, BREAK_STRENGTH_S[DEFAULT_BREAK_STRENGTH])
        total += seconds
    return total
