"""`<Conference>`: join (creating it if needed) a named conference until removed."""

from __future__ import annotations

from ringback.bxml import Conference
from ringback.engine import conferencing
from ringback.engine.conference import Conference as ConferenceState
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun


@handles(Conference)
class ConferenceRun(VerbRun):
    """Stay in the conference until the call hangs up, is redirected, or the conference ends.

    Creating sends `conferenceCreated`, joining `conferenceMemberJoin`, leaving
    `conferenceMemberExit`, the last member out `conferenceCompleted` (all to the creator's
    `conferenceEventUrl`; later joiners' URLs, credentials and timeouts are ignored). A member
    goes on with the verb after `<Conference>` only when the API ends the conference.
    Simplifications: a full conference (20 members) is skipped, not an error; members do not
    hear one another (no mixing between member calls), so `callIdsToCoach` is stored and
    reported but changes no audio; `hold` keeps conference prompts from the member; `mute` and
    `hold` leave the member out of conference recordings; the 24-hour limit is not enforced.
    See `ringback.engine.conferencing` for the other choices.
    """

    conference: ConferenceState | None = None  # while the call is a member

    def start(self) -> None:
        """Join, or go on at once when the conference is full."""
        self.conference = conferencing.join(
            self.engine, self.call, self.verb, self.callback("conference_event"), self._ended
        )
        if self.conference is None:
            self.done()

    def stop(self) -> None:
        """The call hung up or was redirected: leave the conference."""
        conference, self.conference = self.conference, None
        if conference is not None:
            conferencing.leave(self.engine, conference, self.call)
        super().stop()

    def _ended(self) -> None:
        self.conference = None
        self.done()
