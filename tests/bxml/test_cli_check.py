"""`ringback bxml check`: FILE:LINE:COL: message per error, exit status, contexts."""

from __future__ import annotations

from pathlib import Path

from bandwidth.models import bxml as sdk
from click.testing import CliRunner

from ringback.cli import main

GOOD = sdk.Response([sdk.SpeakSentence("Hi"), sdk.Gather(gather_url="/g", max_digits=3)]).to_bxml()
BAD = '<Response>\n  <Gather gatherURL="/g" maxDigits="80"/>\n  <Redirect/>\n</Response>\n'


def write(tmp_path: Path, name: str, text: str) -> Path:
    """A BXML file in the test's directory."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_check_good_file_prints_ok(tmp_path: Path) -> None:
    """A valid document prints `ok` and exits 0."""
    result = CliRunner().invoke(main, ["bxml", "check", str(write(tmp_path, "good.xml", GOOD))])
    assert (result.exit_code, result.stdout) == (0, "ok\n")


def test_cli_check_bad_file_prints_every_error_with_position(tmp_path: Path) -> None:
    """Each error is one FILE:LINE:COL: message line; the exit status is 1."""
    path = write(tmp_path, "bad.xml", BAD)
    result = CliRunner().invoke(main, ["bxml", "check", str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:2:3: <Gather> has no attribute gatherURL; did you mean gatherUrl?",
        f"{path}:2:3: <Gather> maxDigits must be 1–50, got 80",
        f"{path}:3:3: <Redirect> requires the redirectUrl attribute",
    ]


def test_cli_check_syntax_error_is_the_only_error(tmp_path: Path) -> None:
    """A document that is not well-formed reports just the syntax error."""
    path = write(tmp_path, "broken.xml", "<Response>\n  <Hangup>\n</Response>")
    result = CliRunner().invoke(main, ["bxml", "check", str(path)])
    assert result.exit_code == 1
    assert result.stdout == f"{path}:3:3: not well-formed XML: mismatched tag\n"


def test_cli_check_several_files_reports_each_and_fails_if_any_fails(tmp_path: Path) -> None:
    """With several files, every file is checked; one bad file makes the exit status 1."""
    good = write(tmp_path, "good.xml", GOOD)
    bad = write(tmp_path, "bad.xml", "<Response><Dance/></Response>")
    result = CliRunner().invoke(main, ["bxml", "check", str(good), str(bad), str(good)])
    assert result.exit_code == 1
    assert result.stdout == f"{bad}:1:11: <Dance> is not a BXML verb\n"


def test_cli_check_several_good_files_print_ok_once(tmp_path: Path) -> None:
    """Several valid files: `ok` once, exit 0."""
    paths = [str(write(tmp_path, f"{n}.xml", GOOD)) for n in range(3)]
    result = CliRunner().invoke(main, ["bxml", "check", *paths])
    assert (result.exit_code, result.stdout) == (0, "ok\n")


def test_cli_check_context_option_applies_context_rules(tmp_path: Path) -> None:
    """--context transferAnswer / conference reject verbs the call context allows."""
    path = write(tmp_path, "bridge.xml", "<Response>\n<Bridge>c-1</Bridge>\n</Response>")
    runner = CliRunner()
    assert runner.invoke(main, ["bxml", "check", str(path)]).exit_code == 0
    result = runner.invoke(main, ["bxml", "check", "--context", "transferAnswer", str(path)])
    assert (result.exit_code, result.stdout) == (
        1,
        f"{path}:2:1: <Bridge> is not allowed in transferAnswer BXML\n",
    )
    result = runner.invoke(main, ["bxml", "check", "--context", "conference", str(path)])
    assert result.exit_code == 1
    assert "<Bridge> is not allowed in conference BXML" in result.stdout


def test_cli_check_unknown_context_is_a_usage_error(tmp_path: Path) -> None:
    """An unknown --context value is refused by the option itself (exit 2)."""
    path = write(tmp_path, "good.xml", GOOD)
    result = CliRunner().invoke(main, ["bxml", "check", "--context", "bridge", str(path)])
    assert result.exit_code == 2


def test_cli_check_missing_file_reports_and_fails(tmp_path: Path) -> None:
    """A file that cannot be read is reported on stderr at 0:0 and fails the run."""
    missing = tmp_path / "nope.xml"
    result = CliRunner().invoke(main, ["bxml", "check", str(missing)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{missing}:0:0: cannot read file")


def test_cli_check_oversized_file_is_refused(tmp_path: Path) -> None:
    """A file over 64 KB is refused with the size message at 1:1."""
    path = write(tmp_path, "big.xml", "<Response>" + " " * 70000 + "</Response>")
    result = CliRunner().invoke(main, ["bxml", "check", str(path)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}:1:1: document is 70021 bytes; BXML is limited")
