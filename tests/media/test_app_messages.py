"""Frames a media stream's app sends: hostile JSON is ignored with a reason (issue 9, item 6)."""

from __future__ import annotations

from ringback.media.app_messages import Ignored, read_app_message


def test_app_messages_deeply_nested_frame_is_ignored() -> None:
    """A frame nested thousands deep is ignored with a reason, not a RecursionError."""
    message = read_app_message("[" * 100_000 + "]" * 100_000)
    assert isinstance(message, Ignored)
    assert "nested too deeply" in message.reason
