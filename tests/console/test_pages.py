"""The console's pages over real HTTP: what they show, their JSON twins, and their refusals."""

from __future__ import annotations

import re
from pathlib import Path

from console.conftest import VOICEMAIL, Site
from ringback.engine.clock import ClockMode
from ringback.hosting.server import start_in_thread
from ringback.runtime import PlatformConfig


def test_console_calls_list_shows_calls_and_filters_them(site: Site) -> None:
    """`/` lists every call, newest first; a cause filter keeps only matching calls."""
    failed = site.inbound(site.bad_url + "/boom")
    fine = site.inbound(site.ivr_url + "/answer", VOICEMAIL)
    page = site.request("/")
    assert page.status == 200
    assert page.text.index(fine) < page.text.index(failed)
    assert "callback-error" in page.text
    filtered = site.request("/?cause=callback-error")
    assert failed in filtered.text
    assert fine not in filtered.text
    assert 'href="/_ringback/calls?cause=callback-error"' in filtered.text
    twin = site.request("/_ringback/calls?cause=callback-error").json()
    assert [call["callId"] for call in twin["calls"]] == [failed]
    by_id = site.request(f"/_ringback/calls?id={fine[-8:]}&state=disconnected").json()
    assert [call["callId"] for call in by_id["calls"]] == [fine]


def test_console_calls_list_bad_filter_names_the_field(site: Site) -> None:
    """A bad `limit` is a 400 page (and a 400 JSON error) naming the parameter."""
    page = site.request("/?limit=0")
    assert page.status == 400
    assert "limit must be a whole number from 1 to 1000" in page.text
    error = site.request("/_ringback/calls?limit=abc")
    assert error.status == 400
    assert "limit" in error.json()["description"]


def test_console_call_page_shows_webhooks_bxml_recording_and_transcript(site: Site) -> None:
    """A call's page: each webhook with its coloured BXML, the recording's audio, the words."""
    call_id = site.inbound(site.ivr_url + "/answer", VOICEMAIL)
    page = site.request(f"/calls/{call_id}")
    assert page.status == 200
    for event in ("initiate", "gather", "recordComplete", "transcriptionAvailable"):
        assert f'<span class="what">{event}</span>' in page.text
    assert '<span class="nt">&lt;Gather</span>' in page.text  # BXML, coloured
    assert f'href="/_ringback/calls/{call_id}/timeline"' in page.text
    audio = re.search(r'<audio controls [^>]*src="(/recordings/[^"]+/audio)"', page.text)
    assert audio
    wav = site.request(audio.group(1))
    assert wav.status == 200
    assert wav.headers["content-type"] == "audio/vnd.wave"
    assert "please call me back" in page.text


def test_console_call_page_shows_the_error_message(site: Site) -> None:
    """A callback-error call shows its cause and message; the failing webhook is marked."""
    call_id = site.inbound(site.bad_url + "/boom")
    page = site.request(f"/calls/{call_id}")
    assert 'id="cause">callback-error' in page.text
    assert re.search(r'id="error-message">Callback to http://.*/boom failed: HTTP 500', page.text)
    failed = r'class="wf-row tone-error kind-webhook".*?<span class="status">500'
    assert re.search(failed, page.text, re.S)
    assert "KeyError: &#39;callId&#39;" in page.text  # the app's response body, escaped


def test_console_unknown_call_is_a_404_page(site: Site) -> None:
    """An unknown call id is a page that says so, not a crash."""
    page = site.request("/calls/c-nope")
    assert page.status == 404
    assert "No call c-nope" in page.text


def test_console_forms_place_calls_and_refuse_bad_input(site: Site) -> None:
    """The outbound form places a call (303 to its page); a bad number is named in a 400."""
    form = {
        "from": "+15557654321",
        "to": "+15551234567",
        "answerUrl": site.ivr_url + "/answer",
        "applicationId": "console",
        "phone": '{"steps": [{"waitFor": "gather"}, {"press": "9"}]}',
    }
    placed = site.request("/act/outbound", form=form)
    assert placed.status == 303
    call_id = placed.headers["location"].removeprefix("/calls/")
    assert site.request(f"/_ringback/calls/{call_id}/wait").json()["to"] == "+15551234567"
    assert site.request("/_ringback/phones/+15551234567").json()["steps"][1] == {"press": "9"}
    refused = site.request("/act/outbound", form={**form, "to": "555"})
    assert refused.status == 400
    assert "to" in refused.text
    assert 'id="form-error"' in refused.text
    script = site.request("/act/inbound", form={**form, "phone": '{"steps": [{"jump": 1}]}'})
    assert script.status == 400
    assert "Invalid phone script at phone.steps[0]" in script.text


def test_console_forms_from_another_site_are_refused(site: Site) -> None:
    """A form posted from another origin's page cannot reset a developer's Ringback."""
    refused = site.request("/act/reset", form={}, headers={"Origin": "http://evil.example"})
    assert refused.status == 403
    same = site.request("/act/reset", form={}, headers={"Origin": site.url})
    assert same.status == 303


def test_console_clock_form_advances_a_manual_clock(tmp_path: Path) -> None:
    """Advance moves a manual clock; on it the step form reaches a live call's far end."""
    server = start_in_thread(PlatformConfig(clock=ClockMode.MANUAL), tmp_path / "db.sqlite3")
    try:
        site = Site(server, "", "")
        before = site.request("/_ringback/clock").json()["epoch"]
        assert site.request("/act/advance", form={"seconds": "2.5"}).status == 303
        assert site.request("/_ringback/clock").json()["epoch"] == before + 2.5
        bad = site.request("/act/advance", form={"seconds": "soon"})
        assert bad.status == 400
        assert "seconds" in bad.text
    finally:
        server.stop()


def test_console_needs_credentials_beyond_loopback(tmp_path: Path) -> None:
    """Listening on all interfaces, the console asks for the REST credentials (Basic)."""
    server = start_in_thread(PlatformConfig(), tmp_path / "db.sqlite3", host="0.0.0.0")
    try:
        site = Site(server, "", "")
        refused = site.request("/")
        assert refused.status == 401
        assert refused.headers["www-authenticate"].startswith("Basic")
        good = site.request("/", headers={"Authorization": "Basic cmluZ2JhY2s6cmluZ2JhY2s="})
        assert good.status == 200
    finally:
        server.stop()


def test_console_on_loopback_needs_no_credentials(site: Site) -> None:
    """On loopback the console is open, like a developer's tool."""
    assert site.request("/").status == 200
    assert site.request("/act").status == 200
    assert site.request("/conferences").status == 200
    assert site.request("/_console/static/console.js").status == 200


def test_console_step_form_refuses_what_it_cannot_send(site: Site) -> None:
    """An empty step, a bad step and a call that is not there are 400 pages saying why."""
    call_id = site.inbound(site.bad_url + "/boom")
    empty = site.request(f"/calls/{call_id}/step", form={"press": "", "steps": ""})
    assert empty.status == 400
    assert "Nothing to send" in empty.text
    bad = site.request(f"/calls/{call_id}/step", form={"steps": '[{"jump": 1}]'})
    assert bad.status == 400
    assert "Step refused" in bad.text
    ended = site.request(f"/calls/{call_id}/step", form={"press": "1"})
    assert ended.status == 400
    unknown = site.request("/calls/c-nope/step", form={"press": "1"})
    assert unknown.status == 400
    assert "c-nope" in unknown.text
