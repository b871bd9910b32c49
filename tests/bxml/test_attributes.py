"""The one attribute table covers every dataclass field, and nothing else."""

from __future__ import annotations

import dataclasses

import pytest

from ringback.bxml.attributes import ATTRIBUTES, CHILDREN, ELEMENT_CLASSES, TEXT_CONTENT


@pytest.mark.parametrize("tag", sorted(ELEMENT_CLASSES))
def test_attributes_table_covers_every_field_once(tag: str) -> None:
    """Each field is filled by exactly one attribute, the text, the children or the SSML."""
    fields = [f.name for f in dataclasses.fields(ELEMENT_CLASSES[tag])]
    sources = [attr.field for attr in ATTRIBUTES[tag]]
    if tag in TEXT_CONTENT:
        sources.append(TEXT_CONTENT[tag].field)
    if tag in CHILDREN:
        sources.append(CHILDREN[tag].field)
    if tag == "SpeakSentence":
        sources.append("ssml")
    assert sorted(sources) == sorted(fields)


def test_attributes_wire_names_are_camel_case_of_fields() -> None:
    """Wire names are the camelCase of the field (from_ is the Python spelling of `from`)."""
    for tag, attrs in ATTRIBUTES.items():
        for attr in attrs:
            head, *rest = attr.field.rstrip("_").split("_")
            assert attr.wire == head + "".join(part.title() for part in rest), (tag, attr)


def test_attributes_element_classes_are_named_after_their_tag() -> None:
    """Every class carries its exact XML tag as its name."""
    assert all(cls.__name__ == tag for tag, cls in ELEMENT_CLASSES.items())
    assert len(ELEMENT_CLASSES) == 31
