"""render: a `Document` as canonical BXML text.

Canonical: attributes in the order of `attributes.ATTRIBUTES`, attributes equal to their default
or None left out, numbers written shortest (`5`, `0.25`), booleans `true`/`false`, one verb per
line. `parse(render(document)) == document` for every valid document.
"""

from __future__ import annotations

from ringback.bxml.attributes import ATTRIBUTES, CHILDREN, DEFAULTS, TEXT_CONTENT
from ringback.bxml.ssml import escape_attribute, escape_text
from ringback.bxml.verbs import Document, SpeakSentence

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
INDENT = "  "


def render(document: Document) -> str:
    """The document as canonical BXML, with an XML declaration."""
    if not document.verbs:
        return f"{XML_DECLARATION}<{document.root}/>\n"
    lines = [f"{XML_DECLARATION}<{document.root}>"]
    for verb in document.verbs:
        _element(verb, INDENT, lines)
    lines.append(f"</{document.root}>\n")
    return "\n".join(lines)


def wire_value(value: object) -> str:
    """A Python attribute value as written in BXML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _element(element: object, indent: str, lines: list[str]) -> None:
    tag = type(element).__name__
    defaults = DEFAULTS[tag]
    attrs = ""
    for attr in ATTRIBUTES[tag]:
        value = getattr(element, attr.field)
        if value is None or (attr.field in defaults and value == defaults[attr.field]):
            continue
        attrs += f' {attr.wire}="{escape_attribute(wire_value(value))}"'
    opening = f"{indent}<{tag}{attrs}"

    if isinstance(element, SpeakSentence):
        text = element.ssml
    elif tag in TEXT_CONTENT:
        text = escape_text(getattr(element, TEXT_CONTENT[tag].field))
    else:
        text = ""
    children: tuple[object, ...] = ()
    spec = CHILDREN.get(tag)
    if spec is not None:
        held = getattr(element, spec.field)
        children = (held,) if spec.single else held

    if text:
        lines.append(f"{opening}>{text}</{tag}>")
    elif children:
        lines.append(f"{opening}>")
        for child in children:
            _element(child, indent + INDENT, lines)
        lines.append(f"{indent}</{tag}>")
    else:
        lines.append(f"{opening}/>")
