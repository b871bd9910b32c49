"""Recordings: a window over a call's media log, with paused spans cut out, and its transcription.

How this works. A recording is opened at a moment of virtual time (`Recording.of_call`), may be
paused and resumed, and is closed with `finish(at, media)`. Closing copies the sounds of the
recorded spans out of the call's `MediaLog` (the window minus the paused spans), re-timed as
offsets into the audio file, so the runtime can render real audio from them: channel 0 is the
far end, channel 1 the platform's prompts when the recording has two channels (one channel
mixes both). The transcription is the far end's words inside the recorded spans.

A word counts as recorded when the middle of its share of the speech does: a `say` of four words
over two seconds has one word every half second, so a recording that stops one second in holds
the first two. Durations and times are reported to the millisecond, like event timestamps.

The REST API serves `metadata()` (spec §5.8); conference recordings use the same model with
`conference_id` set and no call fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ringback.engine.media import MediaLog, Segment, Side, Sound
from ringback.engine.payloads import duration, timestamp
from ringback.events import RecordingStatus, TranscriptionStatus

if TYPE_CHECKING:
    from ringback.engine.call import Call

# Bandwidth transcribes recordings longer than half a second and shorter than four hours.
TRANSCRIBE_MIN_S = 0.5
TRANSCRIBE_MAX_S = 4 * 3600.0
# Channel numbers of a two-channel recording (spec §4.6 `<StartRecording multiChannel>`).
FAR_END_CHANNEL = 0
PLATFORM_CHANNEL = 1
MS_DIGITS = 3

Span = tuple[float, float]


@dataclass(slots=True)
class RecordingTranscription:
    """The transcription of one recording: the far end's words (and, on two channels, prompts')."""

    transcription_id: str
    url: str
    status: TranscriptionStatus
    completed_time: float
    text: str  # what the far end said; empty when not transcribed (too short or too long)
    prompt_text: str | None = None  # the platform's prompts, for two-channel recordings only

    def transcripts(self) -> dict[str, Any]:
        """The body of GET .../transcription: the party first, then prompts (spec §5.8)."""
        if self.status != "available":
            return {"transcripts": []}
        texts = [self.text] if self.prompt_text is None else [self.text, self.prompt_text]
        return {"transcripts": [{"text": text, "confidence": 1.0} for text in texts]}

    def summary(self) -> dict[str, Any]:
        """The `transcription` object of recording metadata and `transcriptionAvailable`."""
        return {
            "id": self.transcription_id,
            "status": self.status,
            "completedTime": timestamp(self.completed_time),
            "url": self.url,
        }


@dataclass(eq=False, slots=True)
class Recording:
    """One recording of a call (or of a conference). Mutable until `finish`."""

    recording_id: str
    account_id: str
    media_url: str
    start_time: float
    call_id: str | None = None
    conference_id: str | None = None
    conference_name: str | None = None
    application_id: str | None = None
    from_: str | None = None
    to: str | None = None
    direction: str | None = None
    parent_call_id: str | None = None
    transfer_caller_id: str | None = None
    transfer_to: str | None = None
    channels: int = 1
    file_format: str = "wav"
    recording_name: str | None = None
    status: RecordingStatus = "processing"
    end_time: float | None = None
    paused_spans: list[Span] = field(default_factory=list)
    paused_since: float | None = None
    # Filled by `finish`: the sounds of the recording, timed from the start of the audio file.
    segments: list[Segment] = field(default_factory=list)
    transcription: RecordingTranscription | None = None

    @classmethod
    def of_call(
        cls,
        recording_id: str,
        call: Call,
        at: float,
        *,
        channels: int = 1,
        file_format: str = "wav",
        recording_name: str | None = None,
    ) -> Recording:
        """A recording of `call` starting at `at`; its mediaUrl is under the call's REST URL."""
        return cls(
            recording_id=recording_id,
            account_id=call.account_id,
            media_url=f"{call.call_url}/recordings/{recording_id}/media",
            start_time=at,
            call_id=call.call_id,
            application_id=call.application_id,
            from_=call.from_,
            to=call.to,
            direction=call.direction.value,
            parent_call_id=call.parent_call_id,
            transfer_caller_id=call.transfer_caller_id,
            transfer_to=call.transfer_to,
            channels=channels,
            file_format=file_format,
            recording_name=recording_name,
        )

    @classmethod
    def of_conference(
        cls,
        recording_id: str,
        account_id: str,
        base_url: str,
        conference_id: str,
        conference_name: str,
        at: float,
        *,
        file_format: str = "wav",
        recording_name: str | None = None,
    ) -> Recording:
        """A conference recording starting at `at` (always one channel, spec §4.6)."""
        conference_url = f"{base_url}/api/v2/accounts/{account_id}/conferences/{conference_id}"
        return cls(
            recording_id=recording_id,
            account_id=account_id,
            media_url=f"{conference_url}/recordings/{recording_id}/media",
            start_time=at,
            conference_id=conference_id,
            conference_name=conference_name,
            file_format=file_format,
            recording_name=recording_name,
        )

    # ---- recording ----------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        """Whether the recording has ended."""
        return self.end_time is not None

    @property
    def paused(self) -> bool:
        """Whether the recording is paused now."""
        return self.paused_since is not None

    def pause(self, at: float) -> None:
        """Stop recording sound from `at` on (pausing a paused recording does nothing)."""
        if not self.paused and not self.finished:
            self.paused_since = at

    def resume(self, at: float) -> None:
        """Record sound again from `at` (resuming a recording that is not paused does nothing)."""
        if self.paused_since is not None and not self.finished:
            if at > self.paused_since:
                self.paused_spans.append((self.paused_since, at))
            self.paused_since = None

    def finish(self, at: float, media: MediaLog) -> None:
        """End the recording at `at` and copy the recorded sounds out of the call's media log."""
        if self.finished:
            return
        self.resume(at)
        self.end_time = max(at, self.start_time)
        self.segments = self._clip(media)
        self.status = "complete"

    def recorded_spans(self) -> list[Span]:
        """The spans of call time that are in the file: start to end, minus the paused spans."""
        end = self.end_time if self.end_time is not None else self.start_time
        spans: list[Span] = []
        at = self.start_time
        for pause_start, pause_end in sorted(self.paused_spans):
            if pause_start > at:
                spans.append((at, min(pause_start, end)))
            at = max(at, pause_end)
        if end > at:
            spans.append((at, end))
        return [(lo, hi) for lo, hi in spans if hi > lo]

    @property
    def duration_s(self) -> float:
        """The length of the audio (paused spans excluded), to the millisecond."""
        return round(sum(hi - lo for lo, hi in self.recorded_spans()), MS_DIGITS)

    def channel_of(self, segment: Segment) -> int:
        """Which channel of the file a sound is on."""
        if self.channels == 1 or segment.side is Side.FAR:
            return FAR_END_CHANNEL
        return PLATFORM_CHANNEL

    def far_words(self) -> list[str]:
        """The words the far end said inside the recording."""
        return [
            word
            for s in self.segments
            if s.side is Side.FAR and s.sound is Sound.SPEECH
            for word in s.text.split()
        ]

    def prompt_words(self) -> list[str]:
        """The words of the platform's spoken prompts inside the recording."""
        return [
            word
            for s in self.segments
            if s.side is Side.PLATFORM and s.sound is Sound.PROMPT
            for word in s.text.split()
        ]

    def transcribe(self, transcription_id: str, at: float) -> RecordingTranscription:
        """Transcribe the finished recording now; too short or too long gets no text."""
        length = self.duration_s
        status: TranscriptionStatus = "available"
        if length <= TRANSCRIBE_MIN_S:
            status = "file-size-too-small"
        elif length >= TRANSCRIBE_MAX_S:
            status = "file-size-too-big"
        available = status == "available"
        self.transcription = RecordingTranscription(
            transcription_id=transcription_id,
            url=self.media_url.removesuffix("/media") + "/transcription",
            status=status,
            completed_time=at,
            text=" ".join(self.far_words()) if available else "",
            prompt_text=" ".join(self.prompt_words()) if available and self.channels == 2 else None,
        )
        return self.transcription

    # ---- reporting ------------------------------------------------------------------------

    def event_fields(self) -> dict[str, Any]:
        """The fields recording events share: id, times, duration, channels, format, media URL."""
        assert self.end_time is not None, "a recording is reported once it has ended"
        return {
            "recording_id": self.recording_id,
            "start_time": timestamp(self.start_time),
            "end_time": timestamp(self.end_time),
            "duration": duration(self.duration_s),
            "channels": self.channels,
            "file_format": self.file_format,
            "media_url": self.media_url,
        }

    def metadata(self) -> dict[str, Any]:
        """CallRecordingMetadata as GET .../recordings serves it (spec §5.8), camelCase keys."""
        done = self.end_time is not None
        return {
            "applicationId": self.application_id,
            "accountId": self.account_id,
            "callId": self.call_id,
            "parentCallId": self.parent_call_id,
            "recordingId": self.recording_id,
            "to": self.to,
            "from": self.from_,
            "transferCallerId": self.transfer_caller_id,
            "transferTo": self.transfer_to,
            "duration": duration(self.duration_s) if done else None,
            "direction": self.direction,
            "channels": self.channels,
            "startTime": timestamp(self.start_time),
            "endTime": timestamp(self.end_time) if self.end_time is not None else None,
            "fileFormat": self.file_format,
            "status": self.status,
            "mediaUrl": self.media_url if done else None,
            "transcription": self.transcription.summary() if self.transcription else None,
            "recordingName": self.recording_name,
        }

    # ---- cutting the media log --------------------------------------------------------------

    def _clip(self, media: MediaLog) -> list[Segment]:
        """Each sound inside a recorded span, clipped to it and re-timed from the file's start.

        The same cut as `MediaLog.window`, span by span, but speech keeps only the words said
        inside the span, and times become offsets into the file (to the millisecond).
        """
        clipped: list[Segment] = []
        offset = 0.0
        for lo, hi in self.recorded_spans():
            for s in media.segments:
                if s.start < hi and s.end > lo:
                    part = spoken_part(s, lo, hi)
                    part.start = round(offset + part.start - lo, MS_DIGITS)
                    part.end = round(offset + part.end - lo, MS_DIGITS)
                    clipped.append(part)
            offset += hi - lo
        return clipped


def spoken_part(segment: Segment, lo: float, hi: float) -> Segment:
    """The part of a sound inside [lo, hi); speech keeps only the words whose middle is inside.

    Speech cut to fewer words is a sound of its own (those words, over the part's span), so
    what a recording plays back is what its transcription says.
    """
    part = segment.clipped(lo, hi)
    if segment.sound is Sound.SPEECH:
        text = _words_between(segment, lo, hi)
        if text != segment.text:
            part.text, part.length, part.offset = text, None, 0.0
    return part


def _words_between(segment: Segment, lo: float, hi: float) -> str:
    """The words of a speech segment whose middle falls in [lo, hi) (words evenly spread)."""
    words = segment.text.split()
    if not words:
        return ""
    share = (segment.end - segment.start) / len(words)
    kept = [word for i, word in enumerate(words) if lo <= segment.start + (i + 0.5) * share < hi]
    return " ".join(kept)
