"""The duration cache: freshness from Cache-Control, Expires, Date and Age (RFC 9111 §4.2)."""

from __future__ import annotations

import pytest

from ringback.media.cache import AudioCache, CacheHeaders

KEY = ("https://a/x.wav", None, None)
NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("headers", "lifetime"),
    [
        (CacheHeaders("max-age=60"), 60.0),
        (CacheHeaders("public, MAX-AGE=600, must-revalidate"), 600.0),
        (CacheHeaders('max-age="30"'), 30.0),
        (CacheHeaders("max-age=60", age="15"), 45.0),
        (CacheHeaders("max-age=60", age="90"), None),
        (CacheHeaders("max-age=0"), None),
        (CacheHeaders("max-age=60, no-store"), None),
        (CacheHeaders("no-cache, max-age=60"), None),
        (CacheHeaders("max-age=soon"), None),
        (CacheHeaders("max-age=-5"), None),
        (CacheHeaders(""), None),
        (
            CacheHeaders(
                "", expires="Tue, 14 Nov 2023 22:15:20 GMT", date="Tue, 14 Nov 2023 22:13:20 GMT"
            ),
            120.0,
        ),
        (CacheHeaders("max-age=5", expires="Tue, 14 Nov 2023 23:13:20 GMT"), 5.0),
        (CacheHeaders("", expires="0"), None),
    ],
)
def test_cache_lifetime_from_headers(headers: CacheHeaders, lifetime: float | None) -> None:
    """max-age wins over Expires - Date; Age is spent; no-store/no-cache/invalid mean no reuse."""
    assert headers.lifetime_s(NOW) == lifetime


def test_cache_expires_without_date_counts_from_now() -> None:
    """With no Date header, Expires is compared with the time the caller gives."""
    headers = CacheHeaders("", expires="Tue, 14 Nov 2023 22:15:20 GMT")
    assert headers.lifetime_s(NOW + 110) == 10.0


def test_cache_headers_from_pairs_in_any_case_and_repeated() -> None:
    """Header names in any case; repeated Cache-Control headers are joined."""
    headers = CacheHeaders.from_pairs(
        [("cache-control", "public"), ("Content-Type", "audio/wav"), ("CACHE-CONTROL", "max-age=9")]
    )
    assert headers == CacheHeaders("public, max-age=9")
    assert headers.lifetime_s(NOW) == 9.0


def test_cache_hit_until_the_lifetime_ends() -> None:
    """A fresh entry is served; at its expiry time it is gone."""
    cache = AudioCache()
    assert cache.put(KEY, 2.5, CacheHeaders("max-age=60"), NOW)
    assert cache.get(KEY, NOW + 59.9) == 2.5
    assert cache.get(KEY, NOW + 60) is None
    assert len(cache) == 0


def test_cache_no_store_is_not_kept_and_drops_the_old_entry() -> None:
    """A `no-store` response replaces nothing: the stale entry goes as well."""
    cache = AudioCache()
    cache.put(KEY, 2.5, CacheHeaders("max-age=60"), NOW)
    assert not cache.put(KEY, 3.0, CacheHeaders("no-store"), NOW + 1)
    assert cache.get(KEY, NOW + 2) is None


def test_cache_keys_include_credentials() -> None:
    """The same URL fetched with other credentials is another entry."""
    cache = AudioCache()
    cache.put(("https://a/x.wav", "u", "p"), 1.0, CacheHeaders("max-age=60"), NOW)
    assert cache.get(KEY, NOW) is None
    assert cache.get(("https://a/x.wav", "u", "p"), NOW) == 1.0


def test_cache_evicts_the_oldest_when_full() -> None:
    """Past max_entries, the least recently stored entry is forgotten first."""
    cache = AudioCache(max_entries=2)
    for n in range(3):
        cache.put((f"https://a/{n}.wav", None, None), float(n), CacheHeaders("max-age=60"), NOW)
    assert cache.get(("https://a/0.wav", None, None), NOW) is None
    assert cache.get(("https://a/2.wav", None, None), NOW) == 2.0
    cache.clear()
    assert len(cache) == 0
