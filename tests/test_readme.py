"""The README's quick start, command by command, against the example app it starts."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from types import ModuleType

from aiohttp import web
from click.testing import CliRunner

from ringback.cli import main

ROOT = Path(__file__).resolve().parents[1]
QUICKSTART = re.compile(r"<!-- quickstart -->\n```sh\n(.*?)```\n<!-- /quickstart -->", re.S)
ServeInThread = Callable[[web.Application], AbstractContextManager[str]]


def quickstart_lines() -> list[str]:
    found = QUICKSTART.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found is not None, "README.md has no quick start between its markers"
    return [line.split("  #")[0].strip() for line in found.group(1).splitlines() if line.strip()]


def test_readme_quickstart_runs_as_written(
    ivr_module: ModuleType, serve_in_thread: ServeInThread
) -> None:
    """Every `ringback` line exits 0 against the app the quick start starts (on a free port)."""
    lines = quickstart_lines()
    assert lines[0] == "make install"
    assert lines[1] == ". .venv/bin/activate"
    assert lines[2].startswith("python examples/ivr_app.py --port 5000 & sleep 2")
    assert lines[-1] == "kill %1"
    commands = [line for line in lines if line.startswith("ringback ")]
    assert len(commands) == len(lines) - 4
    with serve_in_thread(ivr_module.create_app()) as url:
        for command in commands:
            argv = shlex.split(command.replace("http://localhost:5000", url))[1:]
            argv = [str(ROOT / arg) if arg.startswith("examples/") else arg for arg in argv]
            result = CliRunner().invoke(main, argv)
            assert result.exit_code == 0, f"{command}\n{result.output}"
