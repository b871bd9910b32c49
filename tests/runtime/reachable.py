"""How many entries the containers reachable from an object hold, summed by attribute path.

A table that grows per call, message or conference shows up as a path whose count grows with
the number of them run, wherever it hides (`platform.engine.conferences`, a phone's inbox, a
closure's cell); indices and keys are collapsed (`calls[*]`), so a path names a kind of table,
not one instance. Modules, classes, functions' code and the event loop are not followed.
"""

from __future__ import annotations

import asyncio
import contextlib
import types
from collections import Counter, deque
from typing import Any

NOT_FOLLOWED = (
    type,
    types.ModuleType,
    types.CodeType,
    types.FrameType,
    types.BuiltinFunctionType,
    asyncio.AbstractEventLoop,
    str,
    bytes,
    bytearray,
    memoryview,
    int,
    float,
    complex,
    bool,
    type(None),
)


def table_sizes(root: Any, name: str) -> Counter[str]:
    """Entries of every dict, list, set and deque reachable from `root`, by path."""
    seen: set[int] = set()
    sizes: Counter[str] = Counter()
    stack: list[tuple[Any, str]] = [(root, name)]
    while stack:
        obj, path = stack.pop()
        if isinstance(obj, NOT_FOLLOWED) or id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, dict):
            sizes[path] += len(obj)
            for key, value in list(obj.items()):
                stack += [(key, path + "{*}"), (value, path + "[*]")]
        elif isinstance(obj, list | set | frozenset | deque | tuple):
            if not isinstance(obj, tuple):
                sizes[path] += len(obj)
            stack += [(item, path + "[*]") for item in list(obj)]
        elif isinstance(obj, types.MethodType):
            stack.append((obj.__self__, path + ".__self__"))
        elif isinstance(obj, types.FunctionType):
            for cell in obj.__closure__ or ():
                with contextlib.suppress(ValueError):  # an empty cell
                    stack.append((cell.cell_contents, path + ".<closure>"))
        else:
            attributes = dict(getattr(obj, "__dict__", {}))
            for cls in type(obj).__mro__:
                for slot in getattr(cls, "__slots__", ()):
                    if isinstance(slot, str) and hasattr(obj, slot):
                        attributes[slot] = getattr(obj, slot)
            stack += [(value, f"{path}.{attr}") for attr, value in attributes.items()]
    return sizes


def grown(before: Counter[str], after: Counter[str]) -> dict[str, tuple[int, int]]:
    """The paths holding more entries `after` than `before`: (before, after)."""
    return {path: (before[path], n) for path, n in after.items() if n > before[path]}
