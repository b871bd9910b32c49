"""Passwords are masked wherever Ringback records or shows text (issue 9, item 4)."""

from __future__ import annotations

import time

import pytest

from ringback.masking import mask_text, mask_url


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "fetching http://alice:s3cret@host/a.wav failed",
            "fetching http://alice:***@host/a.wav failed",
        ),
        (
            "Invalid BXML from https://tok3n@host/r: bad",
            "Invalid BXML from https://***@host/r: bad",
        ),
        (
            '<PlayAudio username="u" password="pw">x</PlayAudio>',
            '<PlayAudio username="u" password="***">x</PlayAudio>',
        ),
        ("<Transfer fallbackPassword = 'pw' />", '<Transfer fallbackPassword = "***" />'),
        ('<X PASSWORD="pw"/>', '<X PASSWORD="***"/>'),
        (
            '<Redirect redirectUrl="http://u:p@h/r?x=a@b" password="p2"/>',
            '<Redirect redirectUrl="http://u:***@h/r?x=a@b" password="***"/>',
        ),
        ("mail me at a@b.com, http://host/path", "mail me at a@b.com, http://host/path"),
        ("no secrets here", "no secrets here"),
        ('password=""', 'password="***"'),
    ],
)
def test_masking_text_hides_url_and_attribute_passwords(text: str, masked: str) -> None:
    """URLs' passwords and `password` attributes are masked; everything else is kept."""
    assert mask_text(text) == masked


def test_masking_url_keeps_the_user_name() -> None:
    """The user name stays visible; a colon-less userinfo (a token) is masked whole."""
    assert mask_url("https://user:pw@h/p") == "https://user:***@h/p"
    assert mask_url("https://token@h/p") == "https://***@h/p"


@pytest.mark.parametrize(
    "text",
    ["http://" + "a" * 60_000, 'password="' * 6_000, "a://" * 15_000 + "@", "password='x" * 6_000],
)
def test_masking_hostile_text_is_linear(text: str) -> None:
    """64 KB of near-matches costs milliseconds (generous bound: no quadratic regex)."""
    started = time.process_time()
    mask_text(text)
    assert time.process_time() - started < 1.0
