"""Figure 6: the pure core's throughput, against the plainest standard-library equivalent.

Parsing: `ringback.bxml.parse` (safe parse, then every verb, attribute and context rule
checked) of the IVR's answer document, against `xml.etree.ElementTree.fromstring` of the same
bytes (parsing only). Serializing: `ringback.events.to_json` of an `answer` event, against
`json.dumps` of the same event's dict. Each is timed with `timeit`, best of five.

Neither figure has a target in issue 5; the targets here are budgets derived from figure 2: at
2,000 calls a second, each parsing about one document and sending two events, parsing and
serializing should each take at most a tenth of one core (≥ 20,000 documents/s and ≥ 40,000
events/s).
"""

from __future__ import annotations

import json
import timeit
from collections.abc import Callable
from xml.etree import ElementTree

from bench.flows import IVR_ROUTES
from bench.harness import Figure
from ringback import bxml
from ringback.events import from_wire, to_json
from ringback.events.examples import SPEC_EXAMPLES

TARGET_PARSE_RATIO = 0.35  # of ElementTree.fromstring's documents/s (which does no validation)
TARGET_SERIALIZE_RATIO = 1.0  # of json.dumps of the event's dict
DOCUMENT = IVR_ROUTES["/answer"].encode()
EVENT_DICT = SPEC_EXAMPLES["answer"]


def per_second(work: Callable[[], object], number: int) -> float:
    """Calls per second of `work`, best of five timings of `number` calls."""
    best = min(timeit.repeat(work, number=number, repeat=5))
    return number / best


def measure_parse(number: int = 5_000) -> Figure:
    """BXML documents parsed per second."""
    assert bxml.parse(DOCUMENT).verbs, "the benchmark document must parse"
    ours = per_second(lambda: bxml.parse(DOCUMENT), number)
    plain = per_second(lambda: ElementTree.fromstring(DOCUMENT), number)
    return Figure(
        key="parse",
        title="BXML parse + validate",
        value=ours,
        unit="docs/s",
        baseline=plain,
        baseline_label="ElementTree.fromstring",
        target=TARGET_PARSE_RATIO,
        target_on="ratio",
        detail=f"{len(DOCUMENT)}-byte IVR document, 4 verbs",
    )


def measure_serialize(number: int = 50_000) -> Figure:
    """Webhook events serialized to JSON per second."""
    event = from_wire(EVENT_DICT)
    assert json.loads(to_json(event)) == EVENT_DICT, "the event must serialize losslessly"
    ours = per_second(lambda: to_json(event), number)
    plain = per_second(lambda: json.dumps(EVENT_DICT), number)
    return Figure(
        key="serialize",
        title="Event → JSON",
        value=ours,
        unit="events/s",
        baseline=plain,
        baseline_label="json.dumps of the dict",
        target=TARGET_SERIALIZE_RATIO,
        target_on="ratio",
        detail="the spec's `answer` example event",
    )


if __name__ == "__main__":
    print(measure_parse().entry())
    print(measure_serialize().entry())
