"""Golden files: a call saved (the phone's side, how it was placed, every webhook and every answer)
and compared with a later run of the same call, as snapshot-testing tools do.

A golden file is JSON: `call` says how the call was placed (outbound or inbound, numbers, the
app's paths under `{app}`), `phone` is the far end's script, `faults` the faults on purpose it
ran with, and `webhooks` lists each webhook the app was sent, with the body sent and the app's
answer. Only what a later run can reproduce is kept: the app's and Ringback's loopback origins
become `{app}` and `{ringback}`, ids become `{c-1}`, `{r-1}`, ... in order of appearance, and
timestamps become seconds from the call's start (`{t+1.100}`), on the call's own clock.

Comparing renders both sides as text, one line per body field and per BXML element, and shows a
unified diff. Webhooks sent at the same instant of the call's clock are compared in event-type
order: async webhooks sent together may be delivered in either order, and a golden file must not
depend on that.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ringback.bxml.safe_xml import Node, read_tree
from ringback.delivery.faults import Fault, FaultKind
from ringback.errors import BxmlError, GoldenMismatchError, TestingError
from ringback.events import epoch_from_timestamp
from ringback.testing.phone import Phone

if TYPE_CHECKING:
    from ringback.testing.result import CallResult

FORMAT = "ringback-golden/1"
_LOOPBACK = re.compile(r"https?://(?:127\.0\.0\.1|localhost|\[::1\]):\d+")
_ID = re.compile(
    r"\b([a-z]{1,4})-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
)
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")


class Normalizer:
    """Turns one call's run-specific values (ports, ids, times) into stable placeholders."""

    def __init__(self, ringback_url: str, start: float) -> None:
        self.ringback_url = ringback_url.rstrip("/")
        self.start = start
        self._ids: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def text(self, value: str) -> str:
        """A string with its origins, ids and timestamps replaced."""
        value = _LOOPBACK.sub(self._origin, value)
        value = _ID.sub(self._id, value)
        return _TIMESTAMP.sub(self._time, value)

    def value(self, data: Any) -> Any:
        """A JSON value, normalized all through."""
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, dict):
            return {key: self.value(item) for key, item in data.items()}
        if isinstance(data, list):
            return [self.value(item) for item in data]
        return data

    def _origin(self, match: re.Match[str]) -> str:
        return "{ringback}" if match.group(0) == self.ringback_url else "{app}"

    def _id(self, match: re.Match[str]) -> str:
        found = match.group(0)
        if found not in self._ids:
            prefix = match.group(1)
            self._counts[prefix] = self._counts.get(prefix, 0) + 1
            self._ids[found] = f"{{{prefix}-{self._counts[prefix]}}}"
        return self._ids[found]

    def _time(self, match: re.Match[str]) -> str:
        return f"{{t+{epoch_from_timestamp(match.group(0)) - self.start:.3f}}}"


def fault_to_wire(fault: Fault) -> dict[str, Any]:
    """A per-call fault as golden files keep it."""
    wire: dict[str, Any] = {"kind": fault.kind.value, "events": sorted(fault.events)}
    if fault.times is not None:
        wire["times"] = fault.times
    if fault.kind is FaultKind.DELAY:
        wire["seconds"] = fault.seconds
    return wire


def fault_from_wire(wire: dict[str, Any]) -> Fault:
    """A fault from a golden file."""
    return Fault(
        FaultKind(wire["kind"]),
        frozenset(wire.get("events", ())),
        times=wire.get("times"),
        seconds=float(wire.get("seconds", 0.0)),
    )


# Keys of a golden file's `call` that are not CreateCall fields.
SPEC_KEYS = frozenset(
    {"direction", "to", "from", "applicationId", "answerUrl", "answerMethod", "disconnectUrl",
     "disconnectMethod", "phone", "faults"}
)  # fmt: skip


def replayable(phone: Phone | None, faults: Sequence[Fault]) -> dict[str, Any]:
    """The phone's script and the call's faults, as a golden file keeps them."""
    return {
        "phone": phone.to_script() if phone is not None else None,
        "faults": [fault_to_wire(fault) for fault in faults],
    }


def record(call: CallResult, ringback_url: str) -> dict[str, Any]:
    """The golden form of a finished call."""
    start = float(call.timeline[0]["at"]) if call.timeline else 0.0
    normal = Normalizer(ringback_url, start)
    normal.text(call.call_id)  # the call itself is always {c-1}
    webhooks = [
        {
            "event": webhook.event_type,
            "at": round(webhook.at - start, 3),
            "method": webhook.method,
            "url": normal.text(webhook.url),
            "status": webhook.status,
            "attempts": webhook.attempts,
            **({"fault": webhook.fault} if webhook.fault else {}),
            "body": normal.value(webhook.body),
            "response": normal.text(webhook.response),
        }
        for webhook in call.webhooks()
    ]
    return {
        "format": FORMAT,
        "call": normal.value(call.spec or {}),
        "cause": call.cause,
        "webhooks": webhooks,
    }


def write(path: str | Path, golden: dict[str, Any]) -> None:
    """Save a golden file (stable key order, one field a line, so it diffs well in review)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(golden, indent=2, ensure_ascii=False) + "\n")


def read(path: str | Path) -> dict[str, Any]:
    """Load a golden file, checking it is one."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise TestingError(f"cannot read golden file {path}: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TestingError(f"{path} is not a Ringback golden file (format {FORMAT})")
    return data


def compare(golden: dict[str, Any], actual: dict[str, Any], name: str = "golden") -> str:
    """A unified diff of two golden forms as text; empty when they match."""
    diff = difflib.unified_diff(
        list(render(golden)), list(render(actual)), f"{name} (expected)", "this run", lineterm=""
    )
    return "\n".join(diff)


def assert_matches(call: CallResult, path: str | Path, ringback_url: str, update: bool) -> None:
    """Compare a call with its golden file; `update` (or a missing file under update) writes it."""
    actual = record(call, ringback_url)
    if update:
        write(path, actual)
        return
    if not Path(path).exists():
        raise GoldenMismatchError(
            f"no golden file at {path}: run once with --ringback-update-goldens (pytest) or"
            " Ringback(update_goldens=True) to write it, then review and commit it"
        )
    diff = compare(read(path), actual, str(path))
    if diff:
        raise GoldenMismatchError(
            f"call {call.call_id} differs from {path} (--ringback-update-goldens accepts it):\n"
            + diff
        )


def render(golden: dict[str, Any]) -> Iterator[str]:
    """The golden form as lines: the call, then each webhook's fields and BXML."""
    for key, value in sorted(golden.get("call", {}).items()):
        yield f"call {key} = {json.dumps(value, sort_keys=True)}"
    yield f"cause {golden.get('cause')}"
    webhooks = sorted(golden.get("webhooks", []), key=lambda w: (w["at"], w["event"]))
    for number, webhook in enumerate(webhooks, 1):
        fault = f"  fault {webhook['fault']}" if webhook.get("fault") else ""
        yield (
            f"#{number} {webhook['event']} +{webhook['at']:.3f} s  {webhook['method']}"
            f" {webhook['url']}  → {webhook['status']} (attempts {webhook['attempts']}){fault}"
        )
        # Every line names its webhook, so each line of a diff says where it is.
        name = f"#{number} {webhook['event']}"
        for key, value in sorted(webhook.get("body", {}).items()):
            yield f"{name} sent {key} = {json.dumps(value, sort_keys=True)}"
        for line in bxml_lines(webhook.get("response", "")):
            yield f"{name} answered {line}"


def bxml_lines(text: str) -> list[str]:
    """An answer as lines, one element or text a line (attributes sorted); raw if not XML."""
    if not text.strip():
        return []
    try:
        root = read_tree(text)
    except BxmlError:
        return text.strip().splitlines()
    return list(_node_lines(root, 0))


def _node_lines(node: Node, depth: int) -> Iterator[str]:
    attrs = "".join(f' {key}="{value}"' for key, value in sorted(node.attrs.items()))
    yield f"{'  ' * depth}<{node.tag}{attrs}>"
    for child in node.children:
        if isinstance(child, Node):
            yield from _node_lines(child, depth + 1)
        elif child.strip():
            yield f"{'  ' * (depth + 1)}{' '.join(child.split())}"
