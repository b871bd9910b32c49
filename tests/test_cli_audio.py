"""`--audio URL PATH` plays a local file for an unreachable URL; `--audio-fallback S` is opt-in."""

from __future__ import annotations

import json
import wave
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from click.testing import CliRunner, Result

from ringback.cli import main

ServeInThread = Callable[[web.Application], AbstractContextManager[str]]
PROMPTS = "http://127.0.0.1:9/prompts/"  # nothing listens on the discard port
PLAY = f"<Response><PlayAudio>{PROMPTS}hello.wav</PlayAudio><Hangup/></Response>"


def write_wav(path: Path, seconds: float) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * int(8000 * seconds))


def app_playing_a_prompt() -> web.Application:
    async def answer(_request: web.Request) -> web.Response:
        return web.Response(text=PLAY, content_type="application/xml")

    app = web.Application()
    app.router.add_post("/answer", answer)
    return app


def run_call(url: str, *extra: str) -> Result:
    return CliRunner().invoke(main, ["call", "--answer-url", url + "/answer", "--json", *extra])


def play_row(result: Result) -> dict[str, Any]:
    document = json.loads(result.stdout)
    ended = [
        e
        for e in document["timeline"]
        if e["kind"] == "verb"
        and e["detail"].get("verb") == "PlayAudio"
        and "started" in e["detail"]
    ]
    return {"cause": document["call"]["disconnectCause"], "ended": ended, "doc": document}


def test_cli_audio_unreachable_url_fails_the_call_by_default(
    serve_in_thread: ServeInThread,
) -> None:
    """As on Bandwidth: audio that cannot be fetched ends the call with application-error."""
    with serve_in_thread(app_playing_a_prompt()) as url:
        result = run_call(url)
    assert result.exit_code == 1
    assert play_row(result)["cause"] == "application-error"


def test_cli_audio_prefix_maps_to_a_local_folder(
    serve_in_thread: ServeInThread, tmp_path: Path
) -> None:
    """`--audio PREFIX/ FOLDER`: the prompt plays the local file, for its real duration."""
    write_wav(tmp_path / "hello.wav", 1.5)
    with serve_in_thread(app_playing_a_prompt()) as url:
        result = run_call(url, "--audio", PROMPTS, str(tmp_path))
    assert result.exit_code == 0, result.output
    found = play_row(result)
    assert found["cause"] == "hangup"
    (ended,) = found["ended"]
    assert ended["at"] - ended["detail"]["started"] == pytest.approx(1.5)


def test_cli_audio_fallback_plays_silence_and_says_so(serve_in_thread: ServeInThread) -> None:
    """`--audio-fallback 2`: the unreachable prompt lasts 2 s and the timeline names the URL."""
    with serve_in_thread(app_playing_a_prompt()) as url:
        result = run_call(url, "--audio-fallback", "2")
    assert result.exit_code == 0, result.output
    found = play_row(result)
    (ended,) = found["ended"]
    assert ended["at"] - ended["detail"]["started"] == pytest.approx(2)
    notes = [e["summary"] for e in found["doc"]["timeline"] if e["kind"] == "media"]
    assert len(notes) == 1
    assert f"{PROMPTS}hello.wav" in notes[0]
    assert "played as 2 s of silence (audio fallback)" in notes[0]


def test_cli_audio_folder_must_match_the_url(tmp_path: Path) -> None:
    """A URL ending in / needs a folder; one naming a file needs a file: usage error otherwise."""
    result = CliRunner().invoke(
        main,
        [
            "call",
            "--answer-url",
            "http://127.0.0.1:9/a",
            "--audio",
            PROMPTS + "x.wav",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2
    assert "must be a file" in result.output
