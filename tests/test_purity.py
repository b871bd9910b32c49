"""The pure core does no I/O and reads no clock (DESIGN.md, STYLE.md)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ringback"
PURE_PACKAGES = ["events", "events_v1", "bxml", "engine", "phones", "messaging"]
PURE_MODULES = ["delivery/policy.py", "delivery/request.py", "delivery/retries.py"]
PURE_MODULES += ["delivery/target.py"]
PURE_MODULES += ["delivery/faults.py"]
# The one masking function and the one JSON reader, used by edges and pure code alike.
PURE_MODULES += ["masking.py", "api/json_input.py"]
# the terminal log's lines and the console's waterfall: entries in, lines and geometry out.
PURE_MODULES += ["live_log.py", "console/waterfall.py"]
# load: the counting and the report; runner.py and workers.py are its edges.
PURE_MODULES += [f"load/{name}.py" for name in ("histogram", "plan", "report", "tally")]
# media: everything but fetch.py, the package's one edge.
PURE_MODULES += [
    f"media/{name}.py"
    for name in (
        "app_messages",
        "cache",
        "frames",
        "measure",
        "mp3",
        "mpeg",
        "pcmu",
        "render",
        "sniff",
        "sources",
        "synth",
        "wav",
    )
]

# Modules a pure package must not import itself.
FORBIDDEN_IMPORTS = {
    "aiohttp",
    "asyncio",
    "http",
    "httpx",
    "requests",
    "selectors",
    "socket",
    "sqlite3",
    "ssl",
    "starlette",
    "subprocess",
    "threading",
    "time",
    "urllib.request",
    "uvicorn",
}
# Modules that must not even be loaded, directly or through a dependency, by the pure core.
FORBIDDEN_LOADED = ["aiohttp", "asyncio", "sqlite3", "starlette", "uvicorn"]
# Reading the clock: time arrives as data in the pure core.
CLOCK_READS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter"}


def _pure_files() -> list[Path]:
    files = [p for pkg in PURE_PACKAGES for p in sorted((SRC / pkg).rglob("*.py"))]
    files += [SRC / m for m in PURE_MODULES if (SRC / m).exists()]
    return files


def _imported_names(tree: ast.AST) -> list[tuple[int, str]]:
    names: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append((node.lineno, node.module))
    return names


def _is_forbidden(module: str) -> bool:
    return any(module == bad or module.startswith(bad + ".") for bad in FORBIDDEN_IMPORTS)


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_purity_module_imports_no_io(path: Path) -> None:
    """No module of the pure core imports an I/O or clock module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    offenders = [
        f"line {line}: {name}" for line, name in _imported_names(tree) if _is_forbidden(name)
    ]
    assert offenders == []


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_purity_module_reads_no_clock(path: Path) -> None:
    """No module of the pure core calls datetime.now() or similar."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    offenders = [
        f"line {node.lineno}: .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK_READS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in {"datetime", "date", "time"}
    ]
    assert offenders == []


def test_purity_packages_load_no_io_library() -> None:
    """Importing the pure core, with its dependencies, loads no network, loop or database module."""
    modules = [f"ringback.{pkg}" for pkg in PURE_PACKAGES]
    modules += [f"ringback.{m.removesuffix('.py').replace('/', '.')}" for m in PURE_MODULES]
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(json.dumps(sorted(m for m in {FORBIDDEN_LOADED!r} if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
