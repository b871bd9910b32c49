"""The pytest plugin, run by pytest itself (pytester) on sample test files, as a user would."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from ringback.testing import serve_app

from . import sample_apps

# pytest-asyncio (installed here) warns about a run without this setting.
INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
SAMPLE_APPS = Path(sample_apps.__file__).read_text()

TESTS = """
from ringback.testing import Phone

def test_sales(ringback, app_url):
    call = ringback.call(f"{app_url}/answer", Phone().wait_for_gather().press("1"),
                         disconnect_url=f"{app_url}/status")
    assert call.events() == ["answer", "gather", "disconnect"]
    assert call.webhook("gather").digits == "1"
    assert call.verbs() == ["Gather", "SpeakSentence", "Hangup"]
    assert call.cause == "hangup"

def test_voicemail_inbound(ringback, app_url):
    phone = (Phone().wait_for_gather().press("2").wait_for_record()
             .say("please call me back").press("#"))
    call = ringback.inbound(f"{app_url}/answer", phone, status_url=f"{app_url}/status")
    assert call.events()[:2] == ["initiate", "gather"]
    assert sorted(call.events()[2:]) == ["disconnect", "recordComplete", "recordingAvailable",
                                         "transcriptionAvailable"]
    (recording,) = call.recordings
    assert recording.audio[:4] == b"RIFF"
    assert recording.duration > 1.0
    assert call.transcriptions() == ["please call me back"]
"""


@pytest.fixture
def url_app() -> Iterator[str]:
    """The aiohttp version of the sample app, already running: the app under test is a URL."""
    with serve_app(sample_apps.aiohttp_app()) as url:
        yield url


def write_suite(pytester: pytest.Pytester, app_expression: str, tests: str = TESTS) -> None:
    """A user's test directory: the sample apps, a conftest with `ringback_app`, the tests."""
    pytester.makeini(INI)
    pytester.makepyfile(sample_apps=SAMPLE_APPS)
    pytester.makeconftest(
        "import pytest\nimport sample_apps\n\n"
        "@pytest.fixture\ndef ringback_app():\n"
        f"    return {app_expression}\n"
    )
    pytester.makepyfile(test_calls=tests)


def test_plugin_fastapi_app_passes(pytester: pytest.Pytester) -> None:
    """A FastAPI app object: served by Ringback, both calls pass."""
    write_suite(pytester, "sample_apps.fastapi_app()")
    pytester.runpytest_inprocess().assert_outcomes(passed=2)


def test_plugin_flask_app_passes(pytester: pytest.Pytester) -> None:
    """A Flask (WSGI) app object: served by Ringback, both calls pass."""
    write_suite(pytester, "sample_apps.flask_app()")
    pytester.runpytest_inprocess().assert_outcomes(passed=2)


def test_plugin_url_app_passes(pytester: pytest.Pytester, url_app: str) -> None:
    """An app already running elsewhere, given by its URL."""
    write_suite(pytester, repr(url_app))
    pytester.runpytest_inprocess().assert_outcomes(passed=2)


FAILING = """
from ringback.testing import Phone

def test_wrong_expectation(ringback, app_url):
    call = ringback.call(f"{app_url}/answer", Phone().wait_for_gather().press("1"))
    assert call.events() == ["answer", "gather", "transferComplete"]
"""


def test_plugin_failure_shows_the_timeline_and_keeps_the_database(
    pytester: pytest.Pytester,
) -> None:
    """A failed events assertion shows both lists and the call's timeline; the db is kept."""
    write_suite(pytester, "sample_apps.fastapi_app()", FAILING)
    result = pytester.runpytest_inprocess("--ringback-keep-db=kept")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    for expected in [
        "AssertionError: assert the call's webhooks ['answer', 'gather']",
        "were expected to be ['answer', 'gather', 'transferComplete']",
        "its timeline is in the 'ringback: call' section below",
        "call c-8f71a906-c1e8077f-5c9e-4551-ac9e-54969c21c81c outbound +15551112222 →"
        " +15553334444: disconnected, cause hangup, 1.475 s",
        "+1.000  far end     presses 1",
        "← <Response><SpeakSentence>Goodbye.</SpeakSentence><Hangup/></Response>",
        "ringback: database",
    ]:
        assert expected in output
    result.stdout.fnmatch_lines(["*+1.100  → app       gather  POST http://127.0.0.1:*/menu  200"])
    (kept,) = (pytester.path / "kept").iterdir()
    with sqlite3.connect(kept) as db:
        assert db.execute("SELECT count(*) FROM calls").fetchone() == (1,)


def test_plugin_leaves_a_projects_own_ringback_fixture_alone(pytester: pytest.Pytester) -> None:
    """A conftest fixture named `ringback` wins over the plugin's; failing tests still report."""
    pytester.makeini(INI)
    pytester.makeconftest(
        "import pytest\n\n@pytest.fixture\ndef ringback():\n    return 'the project\\'s own'\n"
    )
    pytester.makepyfile(
        'def test_own(ringback):\n    assert ringback == "the project\'s own"\n\n'
        "def test_own_failing(ringback):\n    assert ringback == 'something else'\n"
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1, failed=1)
    assert "ringback: call" not in result.stdout.str()


def test_plugin_app_url_without_ringback_app_says_what_to_define(
    pytester: pytest.Pytester,
) -> None:
    """`app_url` with no `ringback_app` fixture fails with what to write."""
    pytester.makeini(INI)
    pytester.makepyfile("def test_it(app_url):\n    pass\n")
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*define one that returns your app object*"])


FAULTS = """
import sample_apps
from ringback.testing import Fault, Phone

def test_the_app_sees_the_duplicate(ringback, app_url):
    sample_apps.SEEN.clear()
    call = ringback.call(f"{app_url}/answer", Phone().wait_for_gather().press("1"),
                         disconnect_url=f"{app_url}/status",
                         faults=[Fault.duplicate("disconnect")])
    assert [event for event, _ in sample_apps.SEEN] == [
        "answer", "gather", "disconnect", "disconnect"]
    assert call.events().count("disconnect") == 2
"""

RUN_FAULTS = """
import sample_apps
from ringback.testing import Phone

def test_every_sync_webhook_is_answered_twice(ringback, app_url):
    sample_apps.SEEN.clear()
    call = ringback.call(f"{app_url}/answer", Phone().wait_for_gather().press("1"))
    assert [event for event, _ in sample_apps.SEEN] == ["answer", "answer", "gather", "gather"]
    assert [w.attempts for w in call.webhooks()] == [2, 2]
"""


def test_plugin_fault_injection_is_seen_by_the_app(pytester: pytest.Pytester) -> None:
    """A per-call duplicate reaches the FastAPI app twice."""
    write_suite(pytester, "sample_apps.fastapi_app()", FAULTS)
    pytester.runpytest_inprocess().assert_outcomes(passed=1)


def test_plugin_run_faults_option_applies_to_every_call(pytester: pytest.Pytester) -> None:
    """--ringback-faults fail-first: the Flask app answers each sync webhook twice."""
    write_suite(pytester, "sample_apps.flask_app()", RUN_FAULTS)
    pytester.runpytest_inprocess("--ringback-faults=fail-first").assert_outcomes(passed=1)
    bad = pytester.runpytest_inprocess("--ringback-faults=sometimes")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    assert "--ringback-faults: unknown fault 'sometimes'" in bad.stderr.str()


GOLDEN = """
from ringback.testing import Phone

def test_sales_call_as_saved(ringback, app_url):
    call = ringback.call(f"{app_url}/answer", Phone().wait_for_gather().press("1"),
                         disconnect_url=f"{app_url}/status")
    call.assert_matches("goldens/sales.json")
"""


def test_plugin_golden_written_matched_then_mismatched(pytester: pytest.Pytester) -> None:
    """--ringback-update-goldens writes; a later run matches; a changed app shows the diff."""
    write_suite(pytester, "sample_apps.fastapi_app()", GOLDEN)
    missing = pytester.runpytest_inprocess()
    missing.assert_outcomes(failed=1)
    assert "run once with --ringback-update-goldens" in missing.stdout.str()
    pytester.runpytest_inprocess("--ringback-update-goldens").assert_outcomes(passed=1)
    assert (pytester.path / "goldens" / "sales.json").is_file()
    pytester.runpytest_inprocess().assert_outcomes(passed=1)
    pytester.makepyfile(sample_apps=SAMPLE_APPS.replace("Goodbye.", "Bye for now."))
    changed = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    changed.assert_outcomes(failed=1)
    output = changed.stdout.str()
    assert "differs from goldens/sales.json" in output
    assert "-#2 gather answered     Goodbye." in output
    assert "+#2 gather answered     Bye for now." in output
