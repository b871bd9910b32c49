"""Conference state: coach ids, and when a member can be heard (for conference recordings)."""

from __future__ import annotations

from ringback.engine.conference import Member, coach_ids


def test_conference_coach_ids_split_and_trimmed() -> None:
    """`callIdsToCoach` is comma-separated; blanks are dropped."""
    assert coach_ids(" c-1, c-2 ,,") == ("c-1", "c-2")
    assert coach_ids(None) == ()
    assert coach_ids("") == ()


def test_conference_member_audible_spans_leave_out_mute_hold_and_after_leaving() -> None:
    """Muted 2-4 s, on hold from 6 s, left at 8 s: heard 0-2 s and 4-6 s only."""
    member = Member("c-1", 0.0, lambda: None)
    member.set_flags(2.0, mute=True, hold=None)
    member.set_flags(4.0, mute=False, hold=None)
    member.set_flags(6.0, mute=None, hold=True)
    member.set_flags(7.0, mute=True, hold=None)  # still silenced: no new span
    member.left_at = 8.0
    assert member.audible_spans(until=100.0) == [(0.0, 2.0), (4.0, 6.0)]


def test_conference_member_joining_muted_is_silent_from_the_start() -> None:
    """A member joining with mute="true" is not heard until unmuted."""
    member = Member("c-1", 10.0, lambda: None, mute=True)
    assert member.audible_spans(until=20.0) == []
    member.set_flags(15.0, mute=False, hold=None)
    assert member.audible_spans(until=20.0) == [(15.0, 20.0)]
