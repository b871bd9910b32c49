"""Hypothesis strategies and maximal instances for every event, derived from the models' types."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from msgspec import inspect

from ringback.events import EVENT_CLASSES, Diversion, Event
from ringback.events.formats import DURATION_PATTERN, TIMESTAMP_PATTERN

_text = st.text(max_size=12)


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    """Wire timestamps, with 0 to 9 fraction digits."""
    date = draw(st.dates())
    clock = draw(st.times())
    digits = draw(st.integers(min_value=0, max_value=9))
    fraction = "." + draw(st.text("0123456789", min_size=digits, max_size=digits)) if digits else ""
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}T{clock:%H:%M:%S}{fraction}Z"


@st.composite
def durations(draw: st.DrawFn) -> str:
    """Wire durations: some of H, M, S, seconds with up to 9 fraction digits."""
    hours, minutes, seconds = draw(st.tuples(*[st.none() | st.integers(0, 10_000)] * 3))
    if hours is None and minutes is None and seconds is None:
        seconds = 0
    text = "PT"
    text += f"{hours}H" if hours is not None else ""
    text += f"{minutes}M" if minutes is not None else ""
    if seconds is not None:
        digits = draw(st.integers(min_value=0, max_value=9))
        fraction = st.text("0123456789", min_size=digits, max_size=digits)
        text += f"{seconds}" + ("." + draw(fraction) if digits else "") + "S"
    return text


def diversions() -> st.SearchStrategy[Diversion]:
    """Diversions with any subset of known keys and some unknown ones."""
    optional = st.none() | _text
    extra_keys = _text.filter(lambda key: key not in Diversion.KNOWN)
    return st.builds(
        Diversion,
        orig_to=_text,
        reason=optional,
        screen=optional,
        privacy=optional,
        counter=optional,
        limit=optional,
        extra=st.dictionaries(extra_keys, _text, max_size=3),
    )


def _strategy(info: inspect.Type) -> st.SearchStrategy[Any]:
    if isinstance(info, inspect.Metadata):
        info = info.type
    if isinstance(info, inspect.UnionType):
        members = [m for m in info.types if not isinstance(m, inspect.NoneType)]
        return st.none() | st.one_of([_strategy(m) for m in members])
    if isinstance(info, inspect.StrType):
        if info.pattern == TIMESTAMP_PATTERN:
            return timestamps()
        if info.pattern == DURATION_PATTERN:
            return durations()
        return st.text(min_size=info.min_length or 0, max_size=info.max_length or 12)
    if isinstance(info, inspect.LiteralType):
        return st.sampled_from(info.values)
    if isinstance(info, inspect.IntType):
        return st.integers(min_value=info.ge, max_value=info.le)
    if isinstance(info, inspect.BoolType):
        return st.booleans()
    if isinstance(info, inspect.ListType):
        return st.lists(_strategy(info.item_type), min_size=info.min_length or 0, max_size=3)
    if isinstance(info, inspect.DictType):
        return st.dictionaries(_text, _text, min_size=info.min_length or 0, max_size=3)
    if isinstance(info, inspect.StructType):
        fields = {f.name: _strategy(f.type) for f in info.fields}
        return st.builds(info.cls, **fields)
    if isinstance(info, inspect.CustomType) and info.cls is Diversion:
        return diversions()
    raise TypeError(f"no strategy for {info!r}")


def events() -> st.SearchStrategy[Event]:
    """Any event of any type, optional fields present or not."""
    return st.one_of([_strategy(inspect.type_info(cls)) for cls in EVENT_CLASSES])


# Realistic values for a maximal instance (every optional field set), by wire name; the SDK
# parses them (its timestamps are datetimes, direction and fileFormat strict enums).
_CALL = "c-95ac8d6e-1a31c52e-b38f-4198-93c1-51633ec68f8d"
_REALISTIC: dict[str, Any] = {
    "from": "+15551112222",
    "to": "+15553334444",
    "transferCallerId": "+15551115555",
    "transferTo": "+15556667777",
    "callId": _CALL,
    "parentCallId": "c-2a913f94-6a486f3a-3cae-4034-bcc3-f0c9fa77ca2f",
    "callUrl": f"https://voice.bandwidth.com/api/v2/accounts/55555555/calls/{_CALL}",
    "accountId": "55555555",
    "applicationId": "7fc9698a-b04a-468b-9e8f-91238c0d0086",
    "cause": "busy",
    "digits": "123",
    "terminatingDigit": "#",
    "digit": "5",
    "channels": 2,
    "sipResponseCode": 486,
    "referSipResponseCode": 202,
    "notifySipResponseCode": 486,
    "duration": "PT1M52.217257456S",
    "tracks": ["inbound", "outbound"],
    "type": "WebSocket",
    "sipHeaders": {"x-account-code": "42"},
}


def maximal(cls: type[Any]) -> Any:
    """An instance of a model with every field, required or optional, set."""
    info = inspect.type_info(cls)
    assert isinstance(info, inspect.StructType)
    return cls(**{f.name: _maximal_value(f.encode_name, f.type) for f in info.fields})


def _maximal_value(wire: str, info: inspect.Type) -> Any:
    if wire in _REALISTIC:
        return _REALISTIC[wire]
    if isinstance(info, inspect.Metadata):
        info = info.type
    if isinstance(info, inspect.UnionType):
        (info,) = [m for m in info.types if not isinstance(m, inspect.NoneType)]
        return _maximal_value(wire, info)
    if isinstance(info, inspect.StrType) and info.pattern == TIMESTAMP_PATTERN:
        return "2019-06-20T15:54:25.435Z"
    if isinstance(info, inspect.LiteralType):
        return info.values[-1] if wire == "direction" else info.values[0]
    if isinstance(info, inspect.BoolType):
        return True
    if isinstance(info, inspect.StructType):
        return maximal(info.cls)
    if isinstance(info, inspect.CustomType) and info.cls is Diversion:
        return Diversion(
            orig_to="+15558884444",
            reason="unavailable",
            screen="no",
            privacy="off",
            counter="1",
            limit="3",
            extra={"unknown": "unknownValue"},
        )
    if isinstance(info, inspect.StrType):
        return f"example-{wire}"
    raise TypeError(f"no maximal value for {wire}: {info!r}")
