"""`ringback demo`: the example IVR through every branch, and `make demo`'s command."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ringback.cli import main
from ringback.cli.demo import SCENARIOS, ExampleUnavailableError, load_ivr_app


def test_demo_runs_every_branch_and_exits_0() -> None:
    """Every scenario's call ends normally; each gets a timeline and a summary line."""
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    summary = result.stdout.split("summary")[-1]
    for scenario in SCENARIOS:
        assert re.search(rf"^ok\s+{scenario.name}\s+hangup", summary, re.MULTILINE)
    assert "transfer to +15557770001: answered" in summary
    assert "call me back about my order" in summary
    saved = re.search(r"saved (\S+\.wav)", summary)
    assert saved is not None
    wav = Path(saved.group(1))
    assert wav.read_bytes()[:4] == b"RIFF"
    shutil.rmtree(wav.parent)
    assert result.stdout.count("ended: hangup") == len(SCENARIOS)


def test_demo_explains_a_missing_example(tmp_path: Path) -> None:
    """Outside a source checkout the example is missing: a message says where it was looked for."""
    with pytest.raises(ExampleUnavailableError, match="source checkout"):
        load_ivr_app(tmp_path / "ivr_app.py")
