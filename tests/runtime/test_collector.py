"""The collector is settled (startup objects frozen) only while an entry point runs."""

from __future__ import annotations

import gc

from ringback.runtime import collector


def test_settled_freezes_then_unfreezes() -> None:
    """Inside, what was alive is frozen; after, nothing stays frozen for the host program."""
    kept = [object() for _ in range(10)]
    assert gc.get_freeze_count() == 0
    with collector.settled():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    assert kept


def test_settled_collects_less_often_then_restores_the_thresholds() -> None:
    """Inside, the thresholds are Ringback's; after, the host program's own are back."""
    before = gc.get_threshold()
    with collector.settled():
        assert gc.get_threshold() == collector.THRESHOLDS
    assert gc.get_threshold() == before
