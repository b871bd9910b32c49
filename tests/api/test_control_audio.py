"""GET and PUT /_ringback/audio: local files for `<PlayAudio>` URLs, and the fallback."""

from __future__ import annotations

from pathlib import Path

from .conftest import Live


async def test_control_audio_put_get_and_errors(ringback: Live, tmp_path: Path) -> None:
    """A mapping to an existing file or folder is kept; bad ones are 400s naming the entry."""
    prompt = tmp_path / "hello.wav"
    prompt.write_bytes(b"RIFF")
    assert (await ringback.get("/_ringback/audio")) == (
        200,
        {"files": {}, "fallbackSeconds": None},
    )
    body = {
        "files": {
            "https://cdn.example.com/hello.wav": str(prompt),
            "https://cdn.example.com/p/": str(tmp_path),
        },
        "fallbackSeconds": 1.5,
    }
    status, put = await ringback.put("/_ringback/audio", body)
    assert status == 200
    assert put == body
    assert (await ringback.get("/_ringback/audio"))[1] == body
    status, error = await ringback.put("/_ringback/audio", {"fallbackSeconds": None})
    assert error == {**body, "fallbackSeconds": None}  # files kept: keys left out keep their value
    bad = {"files": {"https://cdn.example.com/x.wav": "relative/x.wav"}}
    status, error = await ringback.put("/_ringback/audio", bad)
    assert status == 400
    assert "must be an absolute path" in error["description"]
    missing = {"files": {"https://cdn.example.com/p/": str(tmp_path / "nope")}}
    status, error = await ringback.put("/_ringback/audio", missing)
    assert status == 400
    assert "is not a folder" in error["description"]
