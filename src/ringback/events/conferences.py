"""Conference events (spec §2.3): no call fields and no account, except on recordings."""

from __future__ import annotations

from ringback.events.calls import Channels, Event, FileFormat, RecordingStatus
from ringback.events.formats import Duration, Timestamp


class ConferenceEvent(Event, kw_only=True, frozen=True):
    """An event about a conference; `tag` is the tag of the call that created it."""

    conference_id: str
    name: str
    tag: str | None = None


class ConferenceCreatedEvent(ConferenceEvent, kw_only=True, frozen=True, tag="conferenceCreated"):
    """A conference with a `conferenceEventUrl` was created (sync, conference BXML or empty)."""


class ConferenceRedirectEvent(ConferenceEvent, kw_only=True, frozen=True, tag="conferenceRedirect"):
    """The conference was redirected through the REST API (sync, conference BXML or empty)."""


class ConferenceCompletedEvent(
    ConferenceEvent, kw_only=True, frozen=True, tag="conferenceCompleted"
):
    """The last member left or the conference ended (async)."""


class _ConferenceMemberEvent(ConferenceEvent, kw_only=True, frozen=True):
    """A member call joining or leaving; from/to are the member call's."""

    call_id: str
    from_: str
    to: str


class ConferenceMemberJoinEvent(
    _ConferenceMemberEvent, kw_only=True, frozen=True, tag="conferenceMemberJoin"
):
    """A call joined the conference (sync, conference BXML or empty)."""


class ConferenceMemberExitEvent(
    _ConferenceMemberEvent, kw_only=True, frozen=True, tag="conferenceMemberExit"
):
    """A call left the conference (sync, conference BXML or empty)."""


class ConferenceRecordingAvailableEvent(
    ConferenceEvent, kw_only=True, frozen=True, tag="conferenceRecordingAvailable"
):
    """A conference recording is processed and downloadable (async); always one channel."""

    account_id: str
    recording_id: str
    channels: Channels
    start_time: Timestamp
    end_time: Timestamp
    duration: Duration
    file_format: FileFormat
    media_url: str
    status: RecordingStatus
