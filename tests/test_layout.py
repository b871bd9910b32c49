"""The import graph flows one way: the command line builds on the library, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "ringback"


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, absolute names (relative imports resolved)."""
    package = ".".join(("ringback", *path.relative_to(SRC).parent.parts))
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_nothing_outside_the_cli_package_imports_it() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path.relative_to(SRC).parts[0] == "cli":
            continue
        for name in imported_modules(path):
            if name == "ringback.cli" or name.startswith("ringback.cli."):
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


def test_the_cli_modules_live_in_their_package() -> None:
    loose = [p.name for p in SRC.glob("*.py") if p.stem.startswith(("cli", "server", "demo"))]
    assert loose == []
