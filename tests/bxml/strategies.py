"""Hypothesis strategies for BXML documents, derived from the attribute table: valid ones
(`documents`) and hostile elements (`hostile_element`)."""

from __future__ import annotations

from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from ringback import bxml
from ringback.bxml.attributes import ATTRIBUTES, CHILDREN, DEFAULTS, ROOT_TAGS, TEXT_CONTENT, Attr
from ringback.bxml.ssml import SSML_ELEMENTS, escape_attribute, escape_text
from ringback.bxml.values import PRIVATE_CALLER_IDS, Kind

XML_SPACE = " \t\n\r"
# Every character XML 1.0 allows, with the awkward ones (escapes, whitespace) made common.
xml_chars = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0xFFFD, exclude_categories=("Cs",)),
    st.sampled_from("\t\n\r&<>\"' "),
)
any_text = st.text(xml_chars, max_size=30)
trimmed_text = any_text.map(lambda s: s.strip(XML_SPACE))
non_blank = trimmed_text.filter(bool)
e164 = st.from_regex(r"\+[1-9][0-9]{1,14}", fullmatch=True)
sip_uri = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1).map(
    lambda s: f"sip:{s}"
)


def _number(attr: Attr) -> st.SearchStrategy[Any]:
    if attr.kind is Kind.INT:
        return st.integers(int(attr.low or 0), int(attr.high or 1000))
    return st.floats(attr.low, attr.high, allow_nan=False, allow_infinity=False)


def value_of(kind: Kind, attr: Attr | None = None) -> st.SearchStrategy[Any]:
    """Valid Python values of one kind (already in the form parse produces).

    Never the literal `None`: the parser reads an attribute written so as absent (SDKs before
    17 write unset attributes that way), so it cannot round-trip as a value.
    """
    return _value_of(kind, attr).filter(lambda value: value != "None")


def _value_of(kind: Kind, attr: Attr | None = None) -> st.SearchStrategy[Any]:
    simple: dict[Kind, st.SearchStrategy[Any]] = {
        Kind.TEXT: any_text,
        Kind.URL: non_blank,
        Kind.CALL_ID: non_blank,
        Kind.NAME: non_blank,
        Kind.METHOD: st.sampled_from(["GET", "POST"]),
        Kind.BOOL: st.booleans(),
        Kind.TAG: st.text(xml_chars, max_size=256),
        Kind.TERMINATING_DIGITS: st.text(st.sampled_from("0123456789*#"), max_size=4),
        Kind.CALLER_ID: st.one_of(e164, st.sampled_from(PRIVATE_CALLER_IDS)),
        Kind.E164: e164,
        Kind.SIP_URI: sip_uri,
        Kind.PHONE_OR_SIP: st.one_of(e164, sip_uri),
        Kind.UUI: st.tuples(
            st.text(st.sampled_from("ABCxyz0123+/="), min_size=1, max_size=40),
            st.sampled_from(["base64", "jwt"]),
        ).map(lambda pair: f"{pair[0]};encoding={pair[1]}"),
        Kind.DISPLAY_NAME: trimmed_text.filter(
            lambda s: not any(ord(c) < 32 or ord(c) == 127 for c in s)
        ),
        Kind.DTMF: st.text(st.sampled_from("0123456789*#abcdABCD,wW"), min_size=1, max_size=50),
        Kind.CONFERENCE_NAME: st.from_regex(r"[A-Za-z0-9_.-]{1,100}", fullmatch=True),
    }
    if kind in simple:
        return simple[kind]
    assert attr is not None
    if kind in (Kind.ENUM, Kind.VOICE):
        return st.sampled_from(attr.choices)
    return _number(attr)


_word = st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True)
_ssml_element = st.one_of(
    st.sampled_from(['<break time="500ms"/>', '<break strength="weak"/>', "<break/>"]),
    _word.map(lambda w: f'<emphasis level="strong">{w}</emphasis>'),
    st.tuples(_word, _word).map(lambda p: f'<sub alias="{escape_attribute(p[0])}">{p[1]}</sub>'),
    _word.map(lambda w: f'<say-as interpret-as="telephone">{w}</say-as>'),
)


@st.composite
def ssml_markup(draw: st.DrawFn) -> str:
    """Canonical SpeakSentence content: escaped text and SSML, trimmed, with words in it."""
    pieces = draw(st.lists(st.one_of(any_text.map(escape_text), _ssml_element), max_size=5))
    pieces.insert(draw(st.integers(0, len(pieces))), escape_text(draw(non_blank)))
    markup = "".join(pieces).strip(XML_SPACE)
    # A carriage return is written escaped (&#13;), so it survives the trim above; parsing reads
    # it back as white space and trims it: canonical markup never starts or ends with one.
    assume(not markup.startswith("&#13;") and not markup.endswith("&#13;"))
    return markup


def element(cls: type, extra: dict[str, st.SearchStrategy[Any]] | None = None) -> Any:
    """A valid instance of one element class: each attribute drawn, defaults sometimes."""
    tag = cls.__name__
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for attr in ATTRIBUTES[tag]:
        # An attribute written as the literal `None` reads as absent (SDKs before 17 write so).
        value = value_of(attr.kind, attr).filter(lambda v: v != "None")
        if DEFAULTS[tag].get(attr.field, ...) is None:
            value = st.one_of(st.none(), value)
        fields[attr.field] = value
    if tag in TEXT_CONTENT:
        spec = TEXT_CONTENT[tag]
        fields[spec.field] = trimmed_text if spec.kind is Kind.TEXT else value_of(spec.kind)
    fields.update(extra or {})
    return st.builds(cls, **fields)


@st.composite
def gather(draw: st.DrawFn) -> bxml.Gather:
    """A Gather whose repeatCount × prompts stays within 20."""
    prompts = draw(st.lists(prompt, max_size=5))
    repeat = draw(st.integers(1, 20 // max(1, len(prompts))))
    return draw(
        element(bxml.Gather, {"prompts": st.just(tuple(prompts)), "repeat_count": st.just(repeat)})
    )


def _tuples(strategy: st.SearchStrategy[Any], low: int, high: int) -> st.SearchStrategy[Any]:
    return st.lists(strategy, min_size=low, max_size=high).map(tuple)


speak = element(bxml.SpeakSentence, {"ssml": ssml_markup()})
play = element(bxml.PlayAudio)
prompt = st.one_of(speak, play)
destination = st.one_of(element(bxml.PhoneNumber), element(bxml.SipUri))
NESTED_STRATEGIES: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "Transfer": {"destinations": _tuples(destination, 1, 8)},
    "StartStream": {"params": _tuples(element(bxml.StreamParam), 0, 12)},
    "StartTranscription": {"params": _tuples(element(bxml.CustomParam), 0, 12)},
    "Connect": {"endpoints": _tuples(element(bxml.Endpoint), 1, 3)},
    "Refer": {"sip_uri": st.builds(bxml.SipUri, sip_uri)},
}
assert set(NESTED_STRATEGIES) | {"Gather"} == set(CHILDREN)

verb: st.SearchStrategy[bxml.Verb] = st.one_of(
    speak,
    play,
    gather(),
    *(
        element(cls, NESTED_STRATEGIES.get(tag))
        for tag, cls in bxml.VERB_CLASSES.items()
        if tag not in ("SpeakSentence", "PlayAudio", "Gather")
    ),
)
documents = st.builds(
    bxml.Document, st.lists(verb, max_size=5).map(tuple), st.sampled_from(ROOT_TAGS)
)


# ---- hostile elements: mostly invalid, some valid, some costly ---------------------------------

TAGS = sorted({*ATTRIBUTES, *(tag for spec in CHILDREN.values() for tag in spec.tags)})
ATTRIBUTE_NAMES = sorted({attr.wire for attrs in ATTRIBUTES.values() for attr in attrs})
# Values that once hurt (long digit runs) beside ordinary ones and raw noise.
hostile_values = st.one_of(
    st.integers(0, 5000).map(lambda n: "1" * n + "x"),
    st.integers(0, 5000).map(lambda n: "9" * n + ".5e"),
    st.sampled_from(["", " ", "1", "-1", "NaN", "Infinity", "1e308", "0.1", "true", "GET"]),
    st.text(max_size=40),
)


@st.composite
def hostile_element(draw: st.DrawFn, depth: int = 0) -> str:
    """A random element: known or unknown tag, known or unknown attributes, nested children."""
    tag = draw(
        st.one_of(st.sampled_from(TAGS), st.from_regex(r"[A-Za-z][\w-]{0,12}", fullmatch=True))
    )
    names = draw(st.lists(st.sampled_from(ATTRIBUTE_NAMES), max_size=4, unique=True))
    attributes = "".join(f' {name}="{_escape(draw(hostile_values))}"' for name in names)
    children = ""
    if depth < 3:
        children = "".join(draw(st.lists(hostile_element(depth + 1), max_size=3)))
    text = _escape(draw(st.text(max_size=20)))
    return f"<{tag}{attributes}>{text}{children}</{tag}>"


def _escape(text: str) -> str:
    cleaned = "".join(c for c in text if c in "\t\n\r" or 0x20 <= ord(c) < 0xD800)
    return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


# ---- SSML of every shape: valid, misspelt, out of range, nested ----------------------------------

_SSML_ATTRIBUTES = ["time", "strength", "level", "alias", "ph", "interpret-as", "rate", "xml:lang"]
_ssml_values = st.one_of(
    st.sampled_from(["500ms", "2s", "11s", "1x", "", " ", "weak", "medium", "bogus", "strong"]),
    st.sampled_from(["none", "reduced", "telephone", "ipa", "slow", "x-strong", "0.5s"]),
    st.text(max_size=8),
)


@st.composite
def ssml_element(draw: st.DrawFn, depth: int = 0) -> str:
    """An SSML element (known or not) with attributes (known or not) and nested content."""
    tag = draw(st.sampled_from([*SSML_ELEMENTS, "lang", "voice", "audio"]))
    names = draw(st.lists(st.sampled_from(_SSML_ATTRIBUTES), max_size=3, unique=True))
    attributes = "".join(f' {name}="{_escape(draw(_ssml_values))}"' for name in names)
    inner = [_escape(draw(st.text(max_size=6)))]
    if depth < 2:
        inner += draw(st.lists(ssml_element(depth + 1), max_size=2))
    content = "".join(inner)
    return f"<{tag}{attributes}>{content}</{tag}>" if content else f"<{tag}{attributes}/>"


ssml_sentences = st.lists(
    st.one_of(ssml_element(), st.text(max_size=8).map(_escape)), min_size=1, max_size=4
).map(lambda parts: "<SpeakSentence>" + "".join(parts) + "</SpeakSentence>")
