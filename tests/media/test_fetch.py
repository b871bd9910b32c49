"""Fetching audio from a real loopback HTTP server: auth, errors, size limit, cache."""

from __future__ import annotations

import asyncio
import base64
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import aiohttp
import pytest
from aiohttp import web

from loopback import served_app
from ringback.errors import MediaFetchError, UnsupportedMediaError
from ringback.media.cache import AudioCache
from ringback.media.fetch import fetch_audio, measure_url

from .audio_files import stdlib_wav

WAV = stdlib_wav(8000)  # one second
T = TypeVar("T")


@asynccontextmanager
async def serving(
    routes: dict[str, Callable[[web.Request], Awaitable[web.StreamResponse]]],
) -> AsyncIterator[tuple[str, list[web.Request]]]:
    """An aiohttp server on 127.0.0.1 with `routes`; yields its base URL and the requests seen."""
    seen: list[web.Request] = []

    def recorded(
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            seen.append(request)
            return await handler(request)

        return handle

    app = web.Application()
    for path, handler in routes.items():
        app.router.add_get(path, recorded(handler))
    async with served_app(app) as url:
        yield url, seen


def run(scenario: Callable[[aiohttp.ClientSession], Awaitable[T]]) -> T:
    """Run a scenario with a fresh client session on a fresh loop."""

    async def main() -> T:
        async with aiohttp.ClientSession() as session:
            return await scenario(session)

    return asyncio.run(main())


def wav_reply(
    headers: dict[str, str] | None = None, body: bytes = WAV
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": "audio/wav", **(headers or {})})

    return handler


def test_fetch_returns_bytes_and_content_type() -> None:
    """A 200 answer gives the body and its Content-Type; no Authorization without credentials."""

    async def scenario(session: aiohttp.ClientSession) -> tuple[bytes, str | None, bool]:
        async with serving({"/a.wav": wav_reply()}) as (base, seen):
            data, content_type = await fetch_audio(session, f"{base}/a.wav")
            return data, content_type, "Authorization" in seen[0].headers

    assert run(scenario) == (WAV, "audio/wav", False)


def test_fetch_sends_basic_auth() -> None:
    """The verb's username and password go as HTTP Basic auth."""

    async def scenario(session: aiohttp.ClientSession) -> str:
        async with serving({"/a.wav": wav_reply()}) as (base, seen):
            await fetch_audio(session, f"{base}/a.wav", "user", "s3cr:t")
            return seen[0].headers["Authorization"]

    assert run(scenario) == "Basic " + base64.b64encode(b"user:s3cr:t").decode()


def test_fetch_http_404_names_the_status() -> None:
    """An HTTP error status is a MediaFetchError naming the URL and the status."""

    async def scenario(session: aiohttp.ClientSession) -> None:
        async with serving({}) as (base, _):
            await fetch_audio(session, f"{base}/missing.wav")

    with pytest.raises(
        MediaFetchError,
        match=r"fetching http://127\.0\.0\.1:\d+/missing\.wav failed: HTTP 404 Not Found$",
    ):
        run(scenario)


def test_fetch_http_401_says_whether_credentials_were_sent() -> None:
    """A 401 says that no credentials were sent, and where to set them."""

    async def denied(request: web.Request) -> web.Response:
        return web.Response(status=401)

    async def scenario(session: aiohttp.ClientSession) -> None:
        async with serving({"/a.wav": denied}) as (base, _):
            await fetch_audio(session, f"{base}/a.wav")

    with pytest.raises(
        MediaFetchError,
        match=r"HTTP 401 Unauthorized \(no credentials were sent: "
        r"set username and password on <PlayAudio>\)",
    ):
        run(scenario)


def test_fetch_refused_port() -> None:
    """Nothing listening: the error says the connection was refused, and where."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/a.wav"

    async def scenario(session: aiohttp.ClientSession) -> None:
        await fetch_audio(session, url)

    with pytest.raises(
        MediaFetchError,
        match=rf"fetching {url} failed: "
        rf"cannot connect to 127\.0\.0\.1:{port} \(Connection refused\)$",
    ):
        run(scenario)


def test_fetch_too_large_by_content_length() -> None:
    """A Content-Length over the limit is refused before the body is read."""

    async def scenario(session: aiohttp.ClientSession) -> None:
        async with serving({"/a.wav": wav_reply()}) as (base, _):
            await fetch_audio(session, f"{base}/a.wav", limit_bytes=1000)

    with pytest.raises(
        MediaFetchError, match=rf"larger than the 1000-byte limit \({len(WAV)} bytes\)"
    ):
        run(scenario)


def test_fetch_too_large_while_streaming() -> None:
    """A chunked body with no Content-Length is cut off once it passes the limit."""

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "audio/wav"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(20):
            await response.write(bytes(1000))
        await response.write_eof()
        return response

    async def scenario(session: aiohttp.ClientSession) -> None:
        async with serving({"/a.wav": chunked}) as (base, _):
            await fetch_audio(session, f"{base}/a.wav", limit_bytes=5000)

    with pytest.raises(
        MediaFetchError, match="larger than the 5000-byte limit; Bandwidth recommends"
    ):
        run(scenario)


def test_fetch_timeout() -> None:
    """A server that does not answer in time is a MediaFetchError, not a hang."""

    released = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await released.wait()
        return web.Response()

    async def scenario(session: aiohttp.ClientSession) -> None:
        async with serving({"/a.wav": slow}) as (base, _):
            try:
                await fetch_audio(session, f"{base}/a.wav", total_timeout_s=0.2)
            finally:
                released.set()  # let the server shut down without waiting for the handler

    with pytest.raises(MediaFetchError, match="timed out"):
        run(scenario)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a.wav", "not a url", "/relative.wav", "http://[::1/a.wav"]
)
def test_fetch_bad_url(url: str) -> None:
    """A URL that is not absolute http(s) is a MediaFetchError naming it."""

    async def scenario(session: aiohttp.ClientSession) -> None:
        await fetch_audio(session, url)

    with pytest.raises(MediaFetchError, match=re.escape(url)):
        run(scenario)


def test_fetch_measure_url_caches_per_max_age() -> None:
    """With max-age, a second measure within the lifetime does not fetch; after it, it does."""
    cache = AudioCache()

    async def scenario(session: aiohttp.ClientSession) -> tuple[list[float], int]:
        async with serving({"/a.wav": wav_reply({"Cache-Control": "max-age=60"})}) as (base, seen):
            url = f"{base}/a.wav"
            seconds = [
                await measure_url(session, url, cache=cache, now=1000.0),
                await measure_url(session, url, cache=cache, now=1059.0),
                await measure_url(session, url, cache=cache, now=1060.0),
            ]
            return seconds, len(seen)

    assert run(scenario) == ([1.0, 1.0, 1.0], 2)


def test_fetch_measure_url_no_store_fetches_every_time() -> None:
    """`no-store` (or no cache headers) means every play fetches the file again."""
    cache = AudioCache()

    async def scenario(session: aiohttp.ClientSession) -> int:
        routes = {
            "/a.wav": wav_reply({"Cache-Control": "no-store"}),
            "/b.wav": wav_reply(),
        }
        async with serving(routes) as (base, seen):
            for name in ("a", "a", "b", "b"):
                await measure_url(session, f"{base}/{name}.wav", cache=cache, now=1000.0)
            return len(seen)

    assert run(scenario) == 4


def test_fetch_measure_url_refuses_unsupported_media() -> None:
    """A fetched HTML page is refused as not WAV or MP3, naming the URL."""

    async def scenario(session: aiohttp.ClientSession) -> None:
        page = wav_reply({"Content-Type": "text/html"}, body=b"<html><body>Login</body></html>")
        async with serving({"/a.wav": page}) as (base, _):
            await measure_url(session, f"{base}/a.wav")

    with pytest.raises(
        UnsupportedMediaError, match=r"/a\.wav is not WAV or MP3 audio \(an HTML page\)"
    ):
        run(scenario)


def test_fetch_measures_a_large_file_without_holding_it() -> None:
    """A 16 MB WAV is streamed to a temporary file and measured through a memory map: the
    Python heap never holds it (it held the whole file, twice, before; issue 9, item 5)."""
    import tracemalloc

    seconds = 1024
    header = stdlib_wav(0)[:44]
    size = seconds * 8000 * 2
    header = header[:4] + (36 + size).to_bytes(4, "little") + header[8:40]
    header += size.to_bytes(4, "little")
    silence = b"\x00" * (64 * 1024)

    async def big(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "audio/wav"})
        response.content_length = len(header) + size
        await response.prepare(request)
        await response.write(header)
        for _ in range(size // len(silence)):
            await response.write(silence)
        return response

    async def scenario(session: aiohttp.ClientSession) -> tuple[float, int]:
        async with serving({"/big.wav": big}) as (base, _):
            tracemalloc.start()
            try:
                measured = await measure_url(session, f"{base}/big.wav")
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
        return measured, peak

    measured, peak = run(scenario)
    assert measured == seconds
    assert peak < 4 * 1024 * 1024  # the file is 16 MB
