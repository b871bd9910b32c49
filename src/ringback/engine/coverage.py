"""The coverage table: every BXML verb, attribute and event, and what Ringback does with each.

How this works. The table is built from the code, so it cannot say more than the code does:
verbs and their attributes come from the BXML attribute table (`ringback.bxml.attributes`),
handlers from the engine's registry (`ringback.engine.verbs.HANDLERS`), simplifications from the
handlers' module and class docstrings (quoted whole), and events from the catalogue
(`ringback.events.EVENT_TYPES`).

Who sends an event is read off the code objects, without running anything. A verb handler sends
the event classes its methods name, following the functions, classes and methods of the engine
they name in turn (`StopStreamRun.start` names `MediaStreamFork` and `stop`, whose code names
`MediaStreamStoppedEvent`); a class reached counts with the hooks the engine calls on it
(`Feature.on_call_end`, `VerbRun.stop`). Any other engine module (the call lifecycles, the
core) sends the event classes it holds in its namespace: it imported them to build them.

    python -m ringback.engine.coverage > docs/coverage.md

A test fails when docs/coverage.md differs from what this module builds, so whoever adds or
changes a verb handler regenerates the file in the same commit.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable, Mapping
from types import CodeType, FunctionType, ModuleType
from typing import Any, Final

import ringback.engine
from ringback.bxml import VERB_CLASSES
from ringback.bxml.attributes import ATTRIBUTES, CHILDREN, DEFAULTS, TEXT_CONTENT, Attr
from ringback.bxml.values import Kind, range_text
from ringback.engine.v1 import bridges as v1_bridges
from ringback.engine.v1 import commands as v1_commands
from ringback.engine.v1 import requests as v1_requests
from ringback.engine.v1 import rooms as v1_rooms
from ringback.engine.verbs import HANDLERS
from ringback.engine.verbs.base import VerbRun
from ringback.events import EVENT_TYPES, SYNC_EVENT_TYPES
from ringback.events_v1 import EVENT_CLASSES as V1_EVENT_CLASSES

COMMAND: Final = "python -m ringback.engine.coverage > docs/coverage.md"
NOT_IMPLEMENTED: Final = "not implemented"
_ENGINE_PACKAGE: Final = "ringback.engine"
_UNITS: Final[Mapping[Kind, str]] = {Kind.SECONDS: "s", Kind.MILLISECONDS: "ms"}
_EVENT_CLASSES: Final = frozenset(EVENT_TYPES.values())
# The flow starts whichever verb comes next: followed, it would credit each verb with what every
# other verb sends. Like the core's own methods, it is not a verb's doing.
_NOT_FOLLOWED: Final = frozenset({f"{_ENGINE_PACKAGE}.flow"})


# ---- what the code holds ---------------------------------------------------------------------


def engine_modules() -> list[ModuleType]:
    """Every module of the engine package (imported), in name order, this one left out."""
    names = [
        info.name
        for info in pkgutil.walk_packages(ringback.engine.__path__, _ENGINE_PACKAGE + ".")
        if info.name != __name__
    ]
    return [importlib.import_module(name) for name in sorted(names)]


def sent_events(module: ModuleType) -> list[str]:
    """The event types whose classes a module holds in its namespace, in catalogue order."""
    return _in_catalogue_order(vars(module).values())


def handler_events(handler: type) -> list[str]:
    """The event types a handler's code names, directly or through the engine code it names."""
    pending: list[FunctionType] = _functions(handler)
    done: set[FunctionType] = set()
    names: set[str] = set()
    reached: list[type | ModuleType] = []  # their functions count once their names are seen
    events: list[object] = []
    while pending:
        function = pending.pop()
        if function not in done:
            done.add(function)
            for code in _code_tree(function.__code__):
                names.update(code.co_names)
                for name in code.co_names:
                    value = function.__globals__.get(name)
                    if isinstance(value, type) and value in _EVENT_CLASSES:
                        events.append(value)
                    elif isinstance(value, FunctionType) and _in_engine(value):
                        pending.append(value)
                    elif isinstance(value, type | ModuleType) and _in_engine(value):
                        reached.append(value)
        if not pending:  # methods named since: look again at the classes and modules reached
            pending = [
                f
                for owner in reached
                for f in _functions(owner)
                if (f.__name__ in names or f.__name__ in _hooks(owner)) and f not in done
            ]
    return _in_catalogue_order(events)


def _in_engine(value: object) -> bool:
    name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", "")
    return (
        isinstance(name, str)
        and name.startswith(_ENGINE_PACKAGE + ".")
        and name not in _NOT_FOLLOWED
    )


def _hooks(owner: type | ModuleType) -> set[str]:
    """Methods the engine calls on a class without naming it: those of its engine base classes."""
    if isinstance(owner, ModuleType):
        return set()
    return {name for base in owner.__mro__[1:] if _in_engine(base) for name in vars(base)}


def _functions(owner: type | ModuleType) -> list[FunctionType]:
    """The functions of an engine module, or the methods of a class and its engine bases."""
    if isinstance(owner, ModuleType):
        return [v for v in vars(owner).values() if isinstance(v, FunctionType) and _in_engine(v)]
    functions: list[FunctionType] = []
    for cls in owner.__mro__:
        if _in_engine(cls):
            for value in vars(cls).values():
                function = getattr(value, "fget", None) or getattr(value, "__func__", value)
                if isinstance(function, FunctionType):
                    functions.append(function)
    return functions


def _code_tree(code: CodeType) -> list[CodeType]:
    """A code object and the ones nested in it (lambdas, comprehensions, inner functions)."""
    tree = [code]
    for const in code.co_consts:
        if isinstance(const, CodeType):
            tree += _code_tree(const)
    return tree


def _in_catalogue_order(values: Iterable[object]) -> list[str]:
    held = {id(value) for value in values}
    return [event_type for event_type, cls in EVENT_TYPES.items() if id(cls) in held]


def event_senders(
    handlers: Mapping[type, type[VerbRun]], modules: Iterable[ModuleType]
) -> dict[str, list[str]]:
    """For each event type who sends it: verbs (`<Redirect>`) and engine modules (`core.py`)."""
    senders: dict[str, list[str]] = {event_type: [] for event_type in EVENT_TYPES}
    handler_modules = {handler.__module__ for handler in handlers.values()}
    for tag, verb_class in VERB_CLASSES.items():
        handler = handlers.get(verb_class)
        if handler is not None:
            for event_type in handler_events(handler):
                senders[event_type].append(f"`<{tag}>`")
    for module in modules:
        if module.__name__ not in handler_modules:
            for event_type in sent_events(module):
                senders[event_type].append(f"`{short_name(module.__name__)}`")
    return senders


def short_name(module_name: str) -> str:
    """`ringback.engine.verbs.stream` → `verbs/stream.py`."""
    relative = module_name.removeprefix(_ENGINE_PACKAGE + ".")
    return relative.replace(".", "/") + ".py"


# ---- rendering -------------------------------------------------------------------------------


def coverage_markdown(
    handlers: Mapping[type, type[VerbRun]] | None = None,
    modules: Iterable[ModuleType] | None = None,
) -> str:
    """The whole coverage document (Markdown). Arguments replace the registry, for tests."""
    handlers = HANDLERS if handlers is None else handlers
    module_list = engine_modules() if modules is None else list(modules)
    senders = event_senders(handlers, module_list)
    handler_modules = {handler.__module__ for handler in handlers.values()}
    lines = [
        "# Coverage: what Ringback emulates",
        "",
        f"<!-- Generated by `{COMMAND}`. Do not edit: change the code and regenerate. -->",
        "",
        "Every BXML verb and attribute, every webhook event, and what the",
        "engine does with each. The quoted text under each verb is its handler's docstring: it",
        "states every way Ringback's behaviour differs from Bandwidth's.",
        "",
        *_summary(handlers, senders),
        "",
        "## Verbs",
        "",
        "| Verb | Handler | Answers an inbound call | Events it sends |",
        "|---|---|---|---|",
    ]
    for tag, verb_class in VERB_CLASSES.items():
        handler = handlers.get(verb_class)
        if handler is None:
            lines.append(f"| `<{tag}>` | {NOT_IMPLEMENTED} | — | — |")
            continue
        events = _code_list(handler_events(handler))
        lines.append(
            f"| `<{tag}>` | `{short_name(handler.__module__)}` `{handler.__name__}` "
            f"| {_answers(handler)} | {events or '—'} |"
        )
    lines += ["", "## Events", "", "| eventType | Mode | Sent by |", "|---|---|---|"]
    for event_type in EVENT_TYPES:
        mode = "sync (BXML reply runs)" if event_type in SYNC_EVENT_TYPES else "async"
        sent_by = ", ".join(senders[event_type]) or "not sent yet"
        lines.append(f"| `{event_type}` | {mode} | {sent_by} |")
    lines += ["", "## Verb details"]
    for tag, verb_class in VERB_CLASSES.items():
        lines += ["", *_verb_section(tag, handlers.get(verb_class))]
    lines += ["", "## Engine modules that send events", ""]
    for module in module_list:
        if sent_events(module) and module.__name__ not in handler_modules:
            lines.append(f"- `{short_name(module.__name__)}`: {_first_line(module.__doc__)}")
    lines += ["", *_v1_section(module_list)]
    return "\n".join(lines) + "\n"


def _v1_section(modules: Iterable[ModuleType]) -> list[str]:
    """The v1 API (docs/v1.md): its commands, the callbacks and who sends them, simplifications."""
    module_list = list(modules)
    lines = [
        "## The v1 API (Catapult)",
        "",
        "v1 REST commands run the engine's verbs and machinery (`engine/v1`); a call's observer",
        "reports them as v1 callbacks (`ringback.events_v1`).",
        "",
        "| Command | What it is |",
        "|---|---|",
    ]
    for command in v1_requests.Command.__args__:
        lines.append(f"| `{command.__name__}` | {_first_line(command.__doc__)} |")
    lines += ["", "| v1 eventType | Sent by |", "|---|---|"]
    for cls in V1_EVENT_CLASSES:
        senders = [
            f"`{short_name(module.__name__)}`"
            for module in module_list
            if any(value is cls for value in vars(module).values())
            and module.__name__.startswith(_ENGINE_PACKAGE)
        ]
        lines.append(f"| `{cls.__struct_config__.tag}` | {', '.join(senders) or 'not sent yet'} |")
    for module in (v1_commands, v1_rooms, v1_bridges):
        lines += ["", f"### `{short_name(module.__name__)}`", "", *_quote(module.__doc__ or "")]
    return lines


def _summary(handlers: Mapping[type, type[VerbRun]], senders: Mapping[str, list[str]]) -> list[str]:
    implemented = sum(1 for cls in VERB_CLASSES.values() if cls in handlers)
    sent = sum(1 for modules in senders.values() if modules)
    missing = [f"`<{tag}>`" for tag, cls in VERB_CLASSES.items() if cls not in handlers]
    lines = [
        f"- Verbs with a handler: {implemented} of {len(VERB_CLASSES)}.",
        f"- Event types the engine sends: {sent} of {len(EVENT_TYPES)}.",
    ]
    if missing:
        lines.append(f"- Not implemented yet: {', '.join(missing)}.")
    return lines


def _answers(handler: type[VerbRun]) -> str:
    if "answers_call" in vars(handler):
        return "depends on its attributes"
    return "yes" if handler.ANSWERS_CALL else "no"


def _verb_section(tag: str, handler: type[VerbRun] | None) -> list[str]:
    lines = [f"### `<{tag}>`", ""]
    if handler is None:
        lines += [f"**{NOT_IMPLEMENTED}**: parsed and validated; the engine cannot run it yet.", ""]
    else:
        module = inspect.getmodule(handler)
        lines += [f"Handler: `{handler.__module__}.{handler.__name__}`.", ""]
        for doc in (module.__doc__ if module else None, handler.__doc__):
            if doc:
                lines += [*_quote(doc), ""]
    lines += _element_tables(tag)
    return lines[:-1] if lines[-1] == "" else lines


def _element_tables(tag: str, inside: str | None = None) -> list[str]:
    title = [] if inside is None else [f"#### `<{tag}>` inside `<{inside}>`", ""]
    lines: list[str] = []
    text = TEXT_CONTENT.get(tag)
    if text is not None:
        need = "required" if text.required else "optional"
        lines += [f"Text content: {text.what} ({text.kind.value}, {need}).", ""]
    attributes = ATTRIBUTES.get(tag, ())
    if attributes:
        lines += [
            "| Attribute | Kind | Default | Allowed | Required |",
            "|---|---|---|---|---|",
            *(_attribute_row(tag, attr) for attr in attributes),
            "",
        ]
    elif text is None and tag not in CHILDREN:
        lines += ["No attributes.", ""]
    children = CHILDREN.get(tag)
    if children is not None:
        most = "any number" if children.maximum is None else str(children.maximum)
        count = most if children.minimum == children.maximum else f"{children.minimum}–{most}"
        nested = ", ".join(f"`<{child}>`" for child in children.tags)
        lines += [f"Contains {count} of {nested}.", ""]
        for child in children.tags:
            if child in ATTRIBUTES:
                lines += _element_tables(child, inside=tag)
    return [*title, *lines] if lines else []


def _attribute_row(tag: str, attr: Attr) -> str:
    default = DEFAULTS.get(tag, {}).get(attr.field)
    allowed = ", ".join(f"`{choice}`" for choice in attr.choices)
    if attr.low is not None or attr.high is not None:
        unit = _UNITS.get(attr.kind, "")
        allowed = range_text(attr.low, attr.high) + (f" {unit}" if unit else "")
    required = "yes" if attr.required else ""
    return (
        f"| `{attr.wire}` | {attr.kind.value} | {_value_text(default)} | {allowed} | {required} |"
    )


def _value_text(value: Any) -> str:
    if value is None or value == ():
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value == int(value):
        return f"`{int(value)}`"
    if value == "":
        return '`""`'
    return f"`{value}`"


def _code_list(items: Iterable[str]) -> str:
    return ", ".join(f"`{item}`" for item in items)


def _quote(doc: str) -> list[str]:
    return [f"> {line}".rstrip() for line in inspect.cleandoc(doc).splitlines()]


def _first_line(doc: str | None) -> str:
    return inspect.cleandoc(doc).splitlines()[0] if doc else ""


def main() -> None:
    """Print the coverage document (`python -m ringback.engine.coverage`)."""
    print(coverage_markdown(), end="")


if __name__ == "__main__":
    main()
