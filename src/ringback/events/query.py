"""The GET form of an event: query parameters (spec §9, "GET-method callbacks", our choice).

The rule (also in docs/events.md):
- every top-level field is one `key=value` pair, keys are the JSON wire names;
- a nested object is flattened with dotted keys: `machineDetectionResult.value=human`; a map's
  keys follow its name the same way (`sipHeaders.x-account=42`);
- a list repeats its key, in order: `mediaStream.tracks=inbound&mediaStream.tracks=outbound`;
- booleans are `true`/`false`, integers decimal, strings as they are (the HTTP layer
  percent-encodes); an empty nested object is its bare key with an empty value (`stirShaken=`).

Decoding is driven by the event's type, not by guessing: `eventType` picks the class, the class
says which keys are objects, maps, lists, integers or booleans. So a map key or a Diversion key
may itself contain dots, and `"12"` stays a string where the field is a string. The rebuilt
object then goes through `from_wire`, so every check and error message is the JSON form's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from msgspec import inspect

from ringback.errors import EventError
from ringback.events.calls import Event
from ringback.events.catalogue import EVENT_TYPES
from ringback.events.parts import Diversion
from ringback.events.wire import from_wire

_INTEGER: Final = re.compile(r"-?(0|[1-9][0-9]*)")


@dataclass(frozen=True)
class _Shape:
    """How one wire key is read back: a scalar kind, a list, a map, or an object."""

    kind: str  # "str" | "int" | "bool" | "list" | "map" | "object"
    item: str = "str"  # scalar kind of a list's items
    fields: Mapping[str, _Shape] | None = None  # an object's keys
    open: bool = False  # an object that keeps unknown keys (their values are strings)


def to_query(event: Event) -> list[tuple[str, str]]:
    """The event as ordered query pairs (see the module docstring for the rule)."""
    pairs: list[tuple[str, str]] = []
    for key, value in event.to_wire().items():
        _flatten(key, value, pairs)
    return pairs


def from_query(pairs: Iterable[tuple[str, str]]) -> Event:
    """Rebuild an event from query pairs; raises `EventError` naming the field."""
    pairs = list(pairs)
    event_types = [value for key, value in pairs if key == "eventType"]
    if len(event_types) > 1:
        raise EventError("given more than once", field="eventType")
    wire: dict[str, Any] = {}
    if event_types:
        wire["eventType"] = event_types[0]
        shape = _SHAPES.get(event_types[0])
        if shape is not None:
            for key, raw in pairs:
                if key != "eventType":
                    _place(shape, wire, key, raw, "")
    return from_wire(wire)  # reports a missing or unknown eventType


def _flatten(key: str, value: object, pairs: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        if not value:
            pairs.append((key, ""))
        for sub_key, sub_value in value.items():
            _flatten(f"{key}.{sub_key}", sub_value, pairs)
    elif isinstance(value, list):
        for item in value:
            _flatten(key, item, pairs)
    elif isinstance(value, bool):
        pairs.append((key, "true" if value else "false"))
    else:
        pairs.append((key, str(value)))


def _place(shape: _Shape, target: dict[str, Any], key: str, raw: str, prefix: str) -> None:
    fields = shape.fields or {}
    if shape.open:  # its values are all strings, so a dot belongs to the key itself
        head, dotted, rest = key, False, ""
    else:
        head, separator, rest = key.partition(".")
        dotted = bool(separator)
    path = prefix + head
    field = fields.get(head)
    if field is None:
        if not shape.open:
            raise EventError("unknown field (not part of this event's wire form)", field=path)
        field = _Shape("str")
    if field.kind in {"object", "map"}:
        sub = target.setdefault(head, {})
        if not dotted:
            if raw:
                raise EventError(
                    f"is an object: give its keys as {path}.<key>=..., got a bare value",
                    field=path,
                )
        elif field.kind == "map":
            _set_once(sub, rest, raw, f"{path}.{rest}")
        else:
            _place(field, sub, rest, raw, path + ".")
        return
    if dotted:
        raise EventError(f"is not an object, so {key!r} cannot be a dotted key", field=path)
    if field.kind == "list":
        target.setdefault(head, []).append(_scalar(field.item, raw, path))
    else:
        _set_once(target, head, _scalar(field.kind, raw, path), path)


def _set_once(target: dict[str, Any], key: str, value: object, path: str) -> None:
    if key in target:
        raise EventError("given more than once (only lists repeat their key)", field=path)
    target[key] = value


def _scalar(kind: str, raw: str, path: str) -> object:
    if kind == "bool":
        if raw not in {"true", "false"}:
            raise EventError(f"expected true or false, got {raw!r}", field=path)
        return raw == "true"
    if kind == "int":
        if not _INTEGER.fullmatch(raw):
            raise EventError(f"expected a decimal integer, got {raw!r}", field=path)
        return int(raw)
    return raw


def _shape_of(info: inspect.Type) -> _Shape:
    while isinstance(info, inspect.Metadata):
        info = info.type
    if isinstance(info, inspect.UnionType):
        (info,) = [member for member in info.types if not isinstance(member, inspect.NoneType)]
        return _shape_of(info)
    if isinstance(info, inspect.IntType):
        return _Shape("int")
    if isinstance(info, inspect.BoolType):
        return _Shape("bool")
    if isinstance(info, inspect.ListType):
        return _Shape("list", item=_shape_of(info.item_type).kind)
    if isinstance(info, inspect.DictType):
        return _Shape("map")
    if isinstance(info, inspect.StructType):
        return _Shape("object", fields={f.encode_name: _shape_of(f.type) for f in info.fields})
    if isinstance(info, inspect.CustomType) and info.cls is Diversion:
        return _Shape("object", fields={key: _Shape("str") for key in Diversion.KNOWN}, open=True)
    if isinstance(info, inspect.StrType | inspect.LiteralType):
        return _Shape("str")
    raise TypeError(f"no query form for {info!r}")  # a new field type needs a rule here


_SHAPES: Final[Mapping[str, _Shape]] = {
    event_type: _shape_of(inspect.type_info(cls)) for event_type, cls in EVENT_TYPES.items()
}
