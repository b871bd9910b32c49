"""`ringback serve --host` beyond loopback guards the control API and says where it listens
(issue 9, item 10)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ringback import hosting
from ringback.api.auth import listens_beyond_loopback
from ringback.cli import main
from ringback.cli.serve import banner
from ringback.hosting.server import Prepared, start_in_thread
from ringback.runtime import PlatformConfig


def get(url: str, authorization: str | None = None) -> tuple[int, Any]:
    """GET a URL: (status, JSON body), errors included."""
    request = urllib.request.Request(url)
    if authorization is not None:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def basic(user: str, password: str) -> str:
    """A Basic Authorization header value."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("::", False)],
)
def test_serve_exposed_knows_loopback(host: str, loopback: bool) -> None:
    """Loopback addresses and `localhost` are loopback; wildcards and names are not."""
    assert listens_beyond_loopback(host) is not loopback


@pytest.mark.parametrize(
    ("options", "open_api"),
    [([], False), (["--host", "0.0.0.0"], False), (["--open-control-api"], True)],
)
def test_serve_exposed_open_control_api_reaches_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str], open_api: bool
) -> None:
    """--open-control-api is the platform's `open_control_api`."""
    seen: list[PlatformConfig] = []

    def prepare(config: PlatformConfig, *_args: Any, **_kw: Any) -> None:
        seen.append(config)
        raise OSError(98, "stop here")

    monkeypatch.setattr(hosting, "prepare", prepare)
    CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "db.sqlite3"), *options])
    assert seen[0].open_control_api is open_api


def test_serve_exposed_open_control_api_warns_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--open-control-api beyond loopback prints a warning naming the risk; the banner says
    where it listens and masks a chosen password."""

    def stop_at_once(prepared: Prepared) -> None:
        prepared.sock.close()
        prepared.store.close()

    monkeypatch.setattr(hosting, "run_until_stopped", stop_at_once)
    options = ["--host", "0.0.0.0", "--port", "0", "--open-control-api", "--password", "s3cret"]
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "db.sqlite3"), *options])
    assert result.exit_code == 0, result.output
    assert "WARNING: --open-control-api" in result.stderr
    assert "Listening on 0.0.0.0:" in result.stdout
    assert "s3cret" not in result.output
    assert 'password="***"' in result.stdout


def test_serve_exposed_banner_shows_the_default_password(tmp_path: Path) -> None:
    """The documented default password is shown (it is no secret); loopback adds no line."""
    prepared = hosting.prepare(PlatformConfig(), tmp_path / "db.sqlite3", port=0)
    try:
        text = banner(prepared, "db.sqlite3")
    finally:
        prepared.sock.close()
        prepared.store.close()
    assert 'password="ringback"' in text
    assert "Listening on" not in text


def test_serve_exposed_control_api_needs_the_rest_credentials(tmp_path: Path) -> None:
    """Listening beyond loopback, the control API answers 401 without the REST credentials."""
    config = PlatformConfig(username="u", password="p")
    server = start_in_thread(config, tmp_path / "db.sqlite3", host="0.0.0.0")
    try:
        status, body = get(server.url + "/_ringback/clock")
        assert status == 401
        assert body["type"] == "authentication-error"
        assert get(server.url + "/_ringback/clock", basic("u", "wrong"))[0] == 401
        status, clock = get(server.url + "/_ringback/clock", basic("u", "p"))
        assert (status, clock["mode"]) == (200, "virtual")
    finally:
        server.stop()


def test_serve_exposed_open_control_api_asks_nothing(tmp_path: Path) -> None:
    """With `open_control_api` the control API answers anyone, beyond loopback too."""
    config = PlatformConfig(open_control_api=True)
    server = start_in_thread(config, tmp_path / "db.sqlite3", host="0.0.0.0")
    try:
        assert get(server.url + "/_ringback/clock")[0] == 200
    finally:
        server.stop()


def test_serve_exposed_loopback_control_api_asks_nothing(tmp_path: Path) -> None:
    """On loopback the control API stays open, as tests and the CLI expect."""
    server = start_in_thread(PlatformConfig(), tmp_path / "db.sqlite3")
    try:
        assert get(server.url + "/_ringback/clock")[0] == 200
    finally:
        server.stop()
