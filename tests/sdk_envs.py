"""The older official SDKs as clients: each lives in a venv of its own that `make test` builds.

`bandwidth-sdk` 15.0.1 (what Bandwidth's sample apps pin) and 3.0.3 (the v1 "catapult" client)
share the import name `bandwidth` with the 23.x SDK installed in `.venv`, so a test runs a short
client script with the older venv's interpreter, against a live server, and reads what the
script prints (JSON, one document) back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SDK_VENVS = {"15.0.1": ".venv-sdk15", "3.0.3": ".venv-sdk3"}
SCRIPT_TIMEOUT_S = 60


def sdk_python(version: str) -> Path:
    """The interpreter of the venv holding `bandwidth-sdk==version`; fails in CI when missing."""
    python = ROOT / SDK_VENVS[version] / "bin" / "python"
    if not python.exists():
        message = (
            f"bandwidth-sdk {version} is not installed in {SDK_VENVS[version]}: run `make sdk-envs`"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return python


def run_sdk_script(version: str, source: str, **env: str) -> Any:
    """Run `source` with the SDK `version`'s interpreter; return the JSON it printed last.

    Keyword arguments become environment variables of the script (for example the server's URL).
    A script that exits non-zero fails the test with its standard error.
    """
    completed = subprocess.run(
        [str(sdk_python(version)), "-c", textwrap.dedent(source)],
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_S,
        env={**os.environ, **env},
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout)
        pytest.fail(f"the bandwidth-sdk {version} script failed:\n{completed.stderr}")
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None
