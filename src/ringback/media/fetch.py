"""Fetch `<PlayAudio>` audio over HTTP and measure it: the edge of the media package.

How this works. `fetch_audio` GETs the URL with Basic auth when the verb gave credentials
(spec §4.6 `username`/`password`), separate connect and total timeouts, and a size limit that is
checked against `Content-Length` first and then while reading, so a huge file is never held in
memory. Every way it can fail (bad URL, refused, timeout, HTTP status, too large) becomes a
MediaFetchError whose message names the URL and the reason: the runtime ends the call with
`application-error` and that message. `measure_url` adds the measuring (`measure.py`) and the
cache (`cache.py`), which is given the time so the runtime's clock decides what is fresh.

`measure_url` never holds a file in memory: the body streams into a temporary file, chunk by
chunk, and is measured in a worker thread through a memory map of that file (pages the OS can
drop), so a 250 MB file costs a 64 KB buffer, not 250 MB of the server's memory.
"""

from __future__ import annotations

import asyncio
import mmap
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO
from urllib.parse import urlsplit

import aiohttp

from ringback.delivery.target import basic_authorization
from ringback.errors import MediaFetchError
from ringback.media.cache import AudioCache, CacheHeaders
from ringback.media.decode import MAX_DECODED_S, DecodedAudio, decode_audio
from ringback.media.measure import audio_duration

MAX_AUDIO_BYTES = 250 * 1024 * 1024  # Bandwidth's recommended limit: 250 MB
FETCH_CONNECT_TIMEOUT_S = 10.0
FETCH_TOTAL_TIMEOUT_S = 60.0
READ_CHUNK_BYTES = 64 * 1024
HTTP_ERROR_FROM = 400


@dataclass(frozen=True, slots=True)
class FetchedAudio:
    """A fetched file: its bytes, its Content-Type and the headers that say how to cache it."""

    data: bytes
    content_type: str | None
    cache: CacheHeaders


async def fetch_audio(
    session: aiohttp.ClientSession,
    url: str,
    username: str | None = None,
    password: str | None = None,
    limit_bytes: int = MAX_AUDIO_BYTES,
    *,
    connect_timeout_s: float = FETCH_CONNECT_TIMEOUT_S,
    total_timeout_s: float = FETCH_TOTAL_TIMEOUT_S,
) -> tuple[bytes, str | None]:
    """GET an audio file: (its bytes, its Content-Type); MediaFetchError says why it failed."""
    fetched = await fetch_audio_response(
        session,
        url,
        username,
        password,
        limit_bytes,
        connect_timeout_s=connect_timeout_s,
        total_timeout_s=total_timeout_s,
    )
    return fetched.data, fetched.content_type


async def fetch_audio_response(
    session: aiohttp.ClientSession,
    url: str,
    username: str | None = None,
    password: str | None = None,
    limit_bytes: int = MAX_AUDIO_BYTES,
    *,
    connect_timeout_s: float = FETCH_CONNECT_TIMEOUT_S,
    total_timeout_s: float = FETCH_TOTAL_TIMEOUT_S,
) -> FetchedAudio:
    """GET an audio file with the headers a cache needs; MediaFetchError says why it failed."""
    body = bytearray()
    content_type, cache = await _get(
        session,
        url,
        username,
        password,
        limit_bytes,
        body.extend,
        connect_timeout_s=connect_timeout_s,
        total_timeout_s=total_timeout_s,
    )
    return FetchedAudio(bytes(body), content_type, cache)


async def _get(
    session: aiohttp.ClientSession,
    url: str,
    username: str | None,
    password: str | None,
    limit_bytes: int,
    sink: Callable[[bytes], object],
    *,
    connect_timeout_s: float = FETCH_CONNECT_TIMEOUT_S,
    total_timeout_s: float = FETCH_TOTAL_TIMEOUT_S,
) -> tuple[str | None, CacheHeaders]:
    """GET `url`, handing each chunk of the body to `sink`; (Content-Type, cache headers)."""
    if _scheme(url) not in ("http", "https"):
        raise MediaFetchError(f"{url} is not an absolute http(s) URL", url)
    headers = {}
    if username is not None or password is not None:
        headers["Authorization"] = basic_authorization(username or "", password or "")
    timeout = aiohttp.ClientTimeout(total=total_timeout_s, sock_connect=connect_timeout_s)
    try:
        async with session.get(url, headers=headers, timeout=timeout) as response:
            if response.status >= HTTP_ERROR_FROM:
                raise MediaFetchError(_status_message(url, response, username, password), url)
            declared = response.content_length
            if declared is not None and declared > limit_bytes:
                raise MediaFetchError(_too_large(url, limit_bytes, declared), url)
            size = 0
            async for chunk in response.content.iter_chunked(READ_CHUNK_BYTES):
                size += len(chunk)
                if size > limit_bytes:
                    raise MediaFetchError(_too_large(url, limit_bytes, None), url)
                sink(chunk)
            return (
                response.headers.get("Content-Type"),
                CacheHeaders.from_pairs(response.headers.items()),
            )
    except MediaFetchError:
        raise
    except TimeoutError:
        message = f"fetching {url} timed out after {total_timeout_s:g} s"
        raise MediaFetchError(message, url) from None
    except aiohttp.InvalidURL:
        raise MediaFetchError(f"{url} is not a valid http(s) URL", url) from None
    except aiohttp.ClientConnectorError as error:
        cause = error.os_error
        # errno says "Connection refused" where aiohttp's text says "Connect call failed";
        # resolver errors have negative numbers and their own text ("Name or service not known").
        if cause.errno is not None and cause.errno > 0:
            reason = os.strerror(cause.errno)
        else:
            reason = cause.strerror or str(cause) or type(cause).__name__
        message = f"fetching {url} failed: cannot connect to {error.host}:{error.port} ({reason})"
        raise MediaFetchError(message, url) from None
    except (aiohttp.ClientError, ValueError) as error:
        detail = str(error) or type(error).__name__
        raise MediaFetchError(f"fetching {url} failed: {detail}", url) from None


async def measure_url(
    session: aiohttp.ClientSession,
    url: str,
    username: str | None = None,
    password: str | None = None,
    *,
    cache: AudioCache | None = None,
    now: float = 0.0,
    limit_bytes: int = MAX_AUDIO_BYTES,
    decoded: DecodedAudio | None = None,
) -> float:
    """How many seconds the audio at `url` plays: from `cache` if fresh at `now`, else fetched.

    A fetched file is also decoded into `decoded` (the audio streams and recordings play).
    Raises MediaFetchError if it cannot be fetched and UnsupportedMediaError if it is not WAV or
    MP3 audio Bandwidth plays.
    """
    key = (url, username, password)
    if cache is not None:
        cached = cache.get(key, now)
        if cached is not None and (decoded is None or decoded.get(url) is not None):
            return cached
    with tempfile.TemporaryFile() as file:
        content_type, headers = await _get(
            session, url, username, password, limit_bytes, file.write
        )
        # Measuring a long file takes a while; it must not hold up the loop's other calls.
        seconds = await asyncio.to_thread(_measure_file, file, content_type, url)
        if decoded is not None:
            audio = await asyncio.to_thread(_decode_file, file, seconds)
            if audio is None:
                decoded.forget(url)
            else:
                decoded.put(url, audio)
    if cache is not None:
        cache.put(key, seconds, headers, now)
    return seconds


def _decode_file(file: IO[bytes], seconds: float) -> bytes | None:
    """The file decoded to 8 kHz, unless it is too long to keep (`decode.MAX_DECODED_S`)."""
    if seconds > MAX_DECODED_S:
        return None
    file.seek(0)
    return decode_audio(file.read(), seconds)


def _measure_file(file: IO[bytes], content_type: str | None, url: str) -> float:
    file.flush()
    if file.seek(0, os.SEEK_END) == 0:
        return audio_duration(b"", content_type, url)
    with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return audio_duration(data, content_type, url)  # type: ignore[arg-type]


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""


def _status_message(
    url: str, response: aiohttp.ClientResponse, username: str | None, password: str | None
) -> str:
    reason = f" {response.reason}" if response.reason else ""
    message = f"fetching {url} failed: HTTP {response.status}{reason}"
    if response.status in (401, 403):
        sent = username is not None or password is not None
        message += (
            f" (Basic auth was sent as user {username or ''!r})"
            if sent
            else " (no credentials were sent: set username and password on <PlayAudio>)"
        )
    return message


def _too_large(url: str, limit_bytes: int, declared: int | None) -> str:
    size = f" ({declared} bytes)" if declared is not None else ""
    return f"{url} is larger than the {limit_bytes}-byte limit{size}; Bandwidth recommends < 250 MB"
