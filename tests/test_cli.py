"""The command line's own surface."""

from __future__ import annotations

from click.testing import CliRunner

from ringback import __version__
from ringback.cli import main


def test_cli_version_prints_package_version() -> None:
    """`ringback --version` names the installed version."""
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
