"""The console in a real headless Chromium (Debian's `chromium`, driven by Playwright).

The browser is the system's (`make test` installs it with apt-get as root); Playwright only
drives it, so nothing is downloaded. Where the browser cannot be had these tests skip and say
why; in CI (as root) they must run, so there a missing browser fails. The screenshot of a call's
page goes to the test's temporary folder, or to $RINGBACK_SCREENSHOTS (`make screenshots`
writes docs/console-call.png, which the README shows).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.conftest import VOICEMAIL, Site
from ringback.engine.clock import ClockMode
from ringback.hosting.server import start_in_thread
from ringback.runtime import PlatformConfig

CHROMIUM = Path(os.environ.get("RINGBACK_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
    "--mute-audio",  # plays without a sound device
]
# Play a recording and see its time move, within bounds: a play() that never answers must fail
# the test, not hang it (Playwright's evaluate waits for the promise as long as it takes).
PLAY = """async (audio) => {
  const started = await Promise.race([
    audio.play().then(() => "playing", (error) => "refused: " + error.name),
    new Promise((done) => setTimeout(() => done("play() did not answer in 10 s"), 10000)),
  ]);
  const deadline = Date.now() + 10000;
  while (audio.currentTime === 0 && !audio.error && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 50));
  }
  return {started, time: audio.currentTime, duration: audio.duration,
          error: audio.error && audio.error.code};
}"""
WAIT_MS = 30_000  # generous: eight test suites may share this machine


def _missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (make test installs Debian's chromium as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module's tests."""
    missing = _missing_browser()
    if missing is not None:
        if os.environ.get("CI") and os.geteuid() == 0 and shutil.which("apt-get"):
            pytest.fail(f"the console's browser tests must run in CI: {missing}")
        pytest.skip(f"browser tests skipped: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (its own context: no shared cookies or cache)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


def test_browser_call_from_the_form_appears_live_and_plays_its_recording(
    site: Site, browser: Any, page: Any, tmp_path: Path
) -> None:
    """Place a call from Act: the open call list shows it without a reload; its page shows
    the webhooks and the BXML, and its recording plays in the page."""
    watcher = browser.new_page()
    watcher.goto(site.url + "/")
    watcher.wait_for_selector("#live-status:has-text('live')")
    page.goto(site.url + "/act")
    page.fill("#outbound-form input[name=answerUrl]", site.ivr_url + "/answer")
    page.fill("#outbound-form textarea[name=phone]", _json(VOICEMAIL))
    page.click("#outbound-form button[type=submit]")
    page.wait_for_url(re.compile(r"/calls/c-"))
    call_id = page.url.rsplit("/", 1)[1]

    row = watcher.locator(f"#row-{call_id}")
    row.wait_for()  # arrived over the live stream: the list page was never reloaded
    assert watcher.locator("#no-calls").is_hidden()
    watcher.wait_for_selector(f"#row-{call_id}[data-state=disconnected]")
    watcher.close()

    page.wait_for_selector("#cause:has-text('hangup')")
    # recordingAvailable is sent after `disconnect`: under load it reaches the page a refresh
    # after the cause does, so the page is read once it is there.
    page.wait_for_selector(".kind-webhook .what:text-is('recordingAvailable')")
    events = page.locator(".kind-webhook .what").all_inner_texts()
    assert events[:2] == ["answer", "gather"]
    assert "recordingAvailable" in events
    page.locator("details.kind-webhook").nth(1).locator("summary").click()
    assert page.locator("details.kind-webhook[open] pre.lang-xml .nt").first.is_visible()
    audio = page.locator("audio").first
    played = audio.evaluate(PLAY)
    assert played["started"] == "playing", played
    assert played["error"] is None
    assert played["duration"] > 0
    assert played["time"] > 0
    assert page.locator("blockquote.transcript").inner_text() == "please call me back"
    shots = Path(os.environ.get("RINGBACK_SCREENSHOTS") or tmp_path)
    audio.evaluate("a => { a.pause(); a.currentTime = 0; }")
    page.screenshot(path=str(shots / "console-call.png"), full_page=True)


def test_browser_errors_show_with_their_messages(site: Site, page: Any) -> None:
    """An app answering 500: the call's page shows the cause, the message, the failed webhook."""
    page.goto(site.url + "/act")
    page.fill("#inbound-form input[name=initiateUrl]", site.bad_url + "/boom")
    page.click("#inbound-form button[type=submit]")
    page.wait_for_url(re.compile(r"/calls/c-"))
    page.wait_for_selector("#cause:has-text('callback-error')")
    message = page.locator("#error-message").inner_text()
    assert re.fullmatch(r"Callback to http://.*/boom failed: HTTP 500", message)
    failed = page.locator("details.kind-webhook.tone-error").first
    assert failed.locator(".status").inner_text() == "500"
    failed.locator("summary").click()
    assert "KeyError: 'callId'" in failed.locator("pre").last.inner_text()

    page.goto(site.url + "/act")
    page.fill("#outbound-form input[name=to]", "555")
    page.click("#outbound-form button[type=submit]")
    assert "Invalid to" in page.locator("#form-error").inner_text()


def test_browser_call_page_follows_a_live_call(tmp_path: Path, ivr_app: Any, page: Any) -> None:
    """On a manual clock: a step sent from the call's page reaches the far end, and when the
    clock moves the page shows what followed without being reloaded."""
    server = start_in_thread(PlatformConfig(clock=ClockMode.MANUAL), tmp_path / "db.sqlite3")
    try:
        site = Site(server, ivr_app.url, "")
        call_id = site.inbound(ivr_app.url + "/answer", wait=False)
        page.goto(f"{site.url}/calls/{call_id}")
        page.evaluate("window.notReloaded = true")
        site.request("/_ringback/clock/advance", {"seconds": 2})  # the menu's prompt ends
        page.wait_for_selector(".kind-verb .what:text-is('<Gather>')")
        assert page.evaluate("window.notReloaded") is True  # it came over the live stream
        page.fill("form.step input[name=press]", "2")
        page.click("form.step button[type=submit]")
        page.wait_for_selector(".kind-far-end .what:text-is('presses 2')")
        page.evaluate("window.notReloaded = true")
        site.request("/_ringback/clock/advance", {"seconds": 1})
        page.wait_for_selector(".kind-webhook .what:text-is('gather')")
        assert page.evaluate("window.notReloaded") is True
    finally:
        server.stop()


def _json(data: Any) -> str:
    import json

    return json.dumps(data)
