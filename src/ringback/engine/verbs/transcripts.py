"""Finished real-time transcriptions, kept on the call for the REST API (spec §5.8).

`GET /calls/{callId}/transcriptions` lists them, `GET .../transcriptions/{id}` gives each
track's words, `DELETE` forgets one. They live in `call.extra` (under `transcriptions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ringback.engine.verbs.transcription_feed import TRANSCRIPT_CONFIDENCE

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.verbs.tracks import Track

TRANSCRIPTS_KEY: Final = "transcriptions"  # in call.extra
DEFAULT_LANGUAGE = "en-US"


@dataclass(frozen=True, slots=True)
class TrackTranscript:
    """What one track said while a transcription ran."""

    track: Track
    transcript: str
    detected_language: str = DEFAULT_LANGUAGE
    confidence: float = TRANSCRIPT_CONFIDENCE

    def to_wire(self) -> dict[str, Any]:
        """The REST form of one track."""
        return {
            "detectedLanguage": self.detected_language,
            "track": self.track,
            "transcript": self.transcript,
            "confidence": self.confidence,
        }


@dataclass(frozen=True, slots=True)
class Transcript:
    """A finished real-time transcription of a call, as the REST API serves it."""

    transcription_id: str
    name: str
    url: str
    started_at: float
    stopped_at: float
    tracks: tuple[TrackTranscript, ...]

    def summary_wire(self) -> dict[str, Any]:
        """One entry of GET /calls/{callId}/transcriptions."""
        return {
            "transcriptionId": self.transcription_id,
            "transcriptionName": self.name,
            "transcriptionUrl": self.url,
        }

    def detail_wire(self, account_id: str, call_id: str) -> dict[str, Any]:
        """GET /calls/{callId}/transcriptions/{transcriptionId}."""
        return {
            "accountId": account_id,
            "callId": call_id,
            "transcriptionId": self.transcription_id,
            "tracks": [track.to_wire() for track in self.tracks],
        }


@dataclass(slots=True)
class TranscriptStore:
    """A call's finished real-time transcriptions, by id, in the order they stopped."""

    by_id: dict[str, Transcript] = field(default_factory=dict)

    def add(self, transcript: Transcript) -> None:
        """Keep a finished transcript."""
        self.by_id[transcript.transcription_id] = transcript

    def delete(self, transcription_id: str) -> bool:
        """Forget a transcript (DELETE); whether there was one."""
        return self.by_id.pop(transcription_id, None) is not None


def transcripts(call: Call) -> TranscriptStore:
    """The call's transcript store (created on first use, kept in `call.extra`)."""
    store = call.extra.get(TRANSCRIPTS_KEY)
    if not isinstance(store, TranscriptStore):
        store = TranscriptStore()
        call.extra[TRANSCRIPTS_KEY] = store
    return store
