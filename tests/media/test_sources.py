"""Which local file stands for a `<PlayAudio>` URL."""

from __future__ import annotations

from ringback.media.sources import AudioSources

SOURCES = AudioSources(
    (
        ("https://cdn.example.com/hello.wav", "/audio/greeting.wav"),
        ("https://cdn.example.com/", "/audio/cdn"),
        ("https://cdn.example.com/menus/", "/audio/menus"),
    )
)


def test_sources_exact_url_wins() -> None:
    """An exact entry maps that URL alone."""
    assert SOURCES.local_file("https://cdn.example.com/hello.wav") == "/audio/greeting.wav"


def test_sources_longest_prefix_maps_the_rest_of_the_path() -> None:
    """A prefix maps the rest of the URL's path (no query, escapes decoded) into its folder."""
    assert SOURCES.local_file("https://cdn.example.com/menus/main.mp3?v=2") == (
        "/audio/menus/main.mp3"
    )
    assert SOURCES.local_file("https://cdn.example.com/a%20b/c.wav") == "/audio/cdn/a b/c.wav"


def test_sources_never_leave_the_folder_and_miss_other_urls() -> None:
    """`..` in the rest of the path, or a URL under no entry: no local file."""
    assert SOURCES.local_file("https://cdn.example.com/menus/../../etc/passwd") is None
    assert SOURCES.local_file("https://cdn.example.com/") is None
    assert SOURCES.local_file("https://other.example.com/hello.wav") is None
    assert AudioSources().local_file("https://cdn.example.com/hello.wav") is None
