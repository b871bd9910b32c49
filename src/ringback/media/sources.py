"""Where `<PlayAudio>` audio comes from besides its URL: local files, and a stated fallback.

Offline, or in CI, an app's prompts at `https://cdn.example.com/...` cannot be fetched, and
Bandwidth would end the call with `application-error`. A user may map a URL to a local file
(`https://cdn.example.com/hello.wav` → `prompts/hello.wav`) or a URL prefix ending in `/` to a
folder (`https://cdn.example.com/prompts/` → `prompts/`: the rest of the URL's path is the file's
path in it). Separately, and only when asked for, audio that cannot be fetched can play as a
stated number of seconds of silence instead of ending the call; the timeline says so.

Pure: this only decides which file a URL means; the runtime reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True, slots=True)
class AudioSources:
    """URL (or prefix ending in `/`) → local file (or folder); seconds for unreachable audio."""

    files: tuple[tuple[str, str], ...] = ()
    fallback_s: float | None = None  # None: unreachable audio ends the call, as on Bandwidth

    def local_file(self, url: str) -> str | None:
        """The local file that stands for `url`: an exact entry, else the longest prefix's."""
        for key, path in self.files:
            if key == url and not key.endswith("/"):  # a prefix names a folder, not a file
                return path
        best: tuple[str, str] | None = None
        for key, folder in self.files:
            longer = best is None or len(key) > len(best[0])
            if key.endswith("/") and url.startswith(key) and longer:
                best = (key, folder)
        if best is None:
            return None
        rest = unquote(urlsplit(url).path[len(urlsplit(best[0]).path) :])
        parts = PurePosixPath(rest).parts
        if not parts or ".." in parts or rest.startswith("/"):
            return None  # the URL must name a file inside the folder, never outside it
        return str(PurePosixPath(best[1]).joinpath(*parts))
