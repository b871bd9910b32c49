"""Figure: the worst-case BXML parse time of adversarial documents, beside ElementTree's.

An app's reply is parsed on the event loop, so one slow document stalls every call. Each
document below is built to find super-linear work in some part of `ringback.bxml.parse` (a
regex that backtracks, text joined piece by piece, a walk per attribute) and sits just under
the 64 KB limit; the figure is the slowest of them (best of five timings each), against
`xml.etree.ElementTree.fromstring` of the same bytes (parsing only, no checks). The test suite
parses the same documents (tests/bxml/test_hostile.py) with a generous bound.

Target: a few milliseconds for any document (issue 9): ≤ 5 ms.
"""

from __future__ import annotations

import contextlib
import timeit
from xml.etree import ElementTree

from bench.harness import Figure
from ringback import bxml
from ringback.bxml.safe_xml import MAX_DOCUMENT_BYTES, MAX_ELEMENTS
from ringback.errors import BxmlError

TARGET_WORST_MS = 5.0
ROOM = MAX_DOCUMENT_BYTES - 200  # what the wrapping tags leave of the 64 KB


def _repeat(unit: str, prefix: str = "<Response>", suffix: str = "</Response>") -> str:
    """`unit` repeated to fill the document."""
    count = (ROOM - len(prefix) - len(suffix)) // len(unit)
    return prefix + unit * count + suffix


def _long_value(tag: str, attribute: str, filler: str, tail: str = "x") -> str:
    """One attribute whose value fills the document: `<Pause duration="1111…1x"/>`."""
    head = f'<Response><{tag} {attribute}="'
    end = f'{tail}"/></Response>'
    return head + filler * (ROOM - len(head) - len(end)) + end


def _at_limit(unit: str, last: str, prefix: str = "<Response>", suffix: str = "</Response>") -> str:
    """`unit` as often as the element limit allows, then `last`: the most a document may make
    Ringback check and build (a bad `last` makes it check everything, then report). `unit` and
    `last` are one element each; `prefix` holds at most one element inside the root."""
    count = MAX_ELEMENTS - prefix.count("<") + 1
    return prefix + unit * (count - 1) + last + suffix


# As many attributes to convert as the element limit leaves room for: 64 KB / 500 elements.
_HEAVY_VERB = (
    '<Gather gatherUrl="/g" maxDigits="5" repeatCount="2" tag="t"'
    ' terminatingDigits="#" interDigitTimeout="3" firstDigitTimeout="4"/>'
)
# The kinds whose check is a pattern or a split (E.164, caller id, uui, display name).
_PATTERN_VERB = (
    '<Forward to="+15551234567" from="+15551234567" callTimeout="3.5" uui="a;encoding=jwt"'
    ' callerDisplayName="x" privacy="true"/>'
)
_HEAVY_SSML = '<prosody rate="slow" pitch="high" volume="loud">a word</prosody>'


def documents() -> dict[str, str]:
    """Every adversarial document, by name; each is under 64 KB."""
    docs = {
        # Issue 9, item 1: a failing match of n digits cost O(n²) (64 s for 65,400 digits).
        "seconds-digits": _long_value("Pause", "duration", "1"),
        "seconds-fraction": _long_value("Pause", "duration", "1", tail=".1.x"),
        "seconds-exponent": _long_value("Pause", "duration", "1", tail="e1e"),
        "int-digits": _long_value("Gather", "maxDigits", "1"),
        "milliseconds-digits": _long_value("SendDtmf", "toneDuration", "9"),
        "dtmf-long": _repeat("1", "<Response><SendDtmf>", "</SendDtmf></Response>"),
        "sip-uri-long": _long_value("Transfer", "transferCallerId", "s"),
        "tag-long": _long_value("Tag", "x", "a", tail=""),
        "url-spaces": _long_value("Redirect", "redirectUrl", " ", tail="u"),
        "ssml-break-digits": '<Response><SpeakSentence><break time="'
        + "1" * (ROOM - 80)
        + 'x"/></SpeakSentence></Response>',
        "ssml-breaks": _repeat(
            '<break time="1ms"/>', "<Response><SpeakSentence>", "</SpeakSentence></Response>"
        ),
        "entity-references": _repeat(
            "&amp;", "<Response><SpeakSentence>", "</SpeakSentence></Response>"
        ),
        "character-references": _repeat("a&#65;", "<Response><Tag>", "</Tag></Response>"),
        "many-verbs": _repeat("<Pause/>"),
        "many-bad-verbs": _repeat("<Nope/>"),
        "many-attributes": "<Response><Pause "
        + " ".join(f'a{i}="1"' for i in range(ROOM // 10))
        + "/></Response>",
        "unknown-tag-long": "<Response><" + "Gather" * (ROOM // 6 - 10) + "/></Response>",
        "unknown-attribute-long": "<Response><Pause "
        + "duration" * (ROOM // 8 - 10)
        + '="1"/></Response>',
        "deep-nesting": "<Response>" + "<Gather>" * 63 + "</Gather>" * 63 + "</Response>",
        "deep-ssml": "<Response><SpeakSentence>"
        + "<s>" * 62
        + "x"
        + "</s>" * 62
        + "</SpeakSentence></Response>",
        "newlines": _repeat("\n", "<Response>", "<Hangup/></Response>"),
        "comments": _repeat("<!--x-->"),
        "gather-children": _repeat(
            "<SpeakSentence>a</SpeakSentence>", "<Response><Gather>", "</Gather></Response>"
        ),
        "conference-nesting": _repeat(
            "<Conference>c</Conference>", "<Response><Gather>", "</Gather></Response>"
        ),
        # At the element limit (safe_xml.MAX_ELEMENTS), valid, or with the last element bad.
        "limit-verbs": _at_limit(_HEAVY_VERB, _HEAVY_VERB),
        "limit-verbs-last-bad": _at_limit(_HEAVY_VERB, '<Gather maxDigits="0"/>'),
        "limit-patterns": _at_limit(_PATTERN_VERB, _PATTERN_VERB),
        "limit-ssml": _at_limit(
            _HEAVY_SSML, _HEAVY_SSML, "<Response><SpeakSentence>", "</SpeakSentence></Response>"
        ),
        "limit-ssml-last-bad": _at_limit(
            _HEAVY_SSML,
            '<break time="1x"/>',
            "<Response><SpeakSentence>",
            "</SpeakSentence></Response>",
        ),
        # An attribute written `None` (SDKs before 17) is read as absent with a positioned note.
        "limit-verbs-last-none": _at_limit(_HEAVY_VERB, '<Gather maxDigits="None"/>'),
        # "xmlns" in a text sends a document the careful way (it may declare namespaces).
        "limit-verbs-careful": _at_limit(_HEAVY_VERB, "<Tag>xmlns</Tag>"),
        "limit-notes-careful": _at_limit(
            _HEAVY_VERB.replace('tag="t"', 'tag="None"'), "<Tag>xmlns</Tag>"
        ),
        "limit-endpoints": _at_limit(
            "<Endpoint>e</Endpoint>", "", "<Response><Connect>", "</Connect></Response>"
        ),
    }
    for name, doc in docs.items():
        size = len(doc.encode())
        assert size <= MAX_DOCUMENT_BYTES, f"{name} is {size} bytes"
    return docs


def parse_quietly(document: str | bytes) -> None:
    """`bxml.parse`, with the BXML errors most of these documents earn swallowed."""
    with contextlib.suppress(BxmlError):
        bxml.parse(document)


def element_tree_quietly(document: bytes) -> None:
    """ElementTree's parse of the same bytes; it refuses some (it is not BXML-aware)."""
    with contextlib.suppress(ElementTree.ParseError):
        ElementTree.fromstring(document)


def best_ms(work: object, repeat: int = 5) -> float:
    """The best of `repeat` timings of one call of `work`, in milliseconds."""
    assert callable(work)
    return min(timeit.repeat(work, number=1, repeat=repeat)) * 1000


def measure() -> Figure:
    """The slowest adversarial document's parse time, and ElementTree's slowest."""
    ours: dict[str, float] = {}
    plain: dict[str, float] = {}
    for name, doc in documents().items():
        data = doc.encode()
        ours[name] = best_ms(lambda data=data: parse_quietly(data))
        plain[name] = best_ms(lambda data=data: element_tree_quietly(data))
    worst = max(ours, key=lambda name: ours[name])
    return Figure(
        key="parse_worst",
        title="BXML worst-case parse (adversarial 64 KB)",
        value=ours[worst],
        unit="ms",
        baseline=max(plain.values()),
        baseline_label="ElementTree.fromstring, slowest",
        target=TARGET_WORST_MS,
        higher_is_better=False,
        detail=f"{len(ours)} documents; slowest: {worst}",
        extra={f"ms_{name}": round(ms, 3) for name, ms in ours.items()},
    )


if __name__ == "__main__":
    print(measure().entry())
