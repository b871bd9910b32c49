"""A finished call read from the platform: its report, recordings and transcriptions.

Read on the platform's loop, through what the REST API reads (`Platform.recordings`,
`recording_media`, the engine's live recordings for their transcriptions), once the call and its
legs have ended, so a `CallResult` never changes after it is made.
"""

from __future__ import annotations

from ringback.hosting.local_call import STALLED as LOCAL_STALLED
from ringback.hosting.local_call import CallReport
from ringback.runtime import Platform
from ringback.testing.result import CallResult, Recording

STALLED = (
    "nothing left to happen, with no timer set and no webhook in flight: both sides would stay"
    " on the line for ever (end the phone with .hang_up(), or have the app hang up)"
)


def cut_short_reasons(wait_s: float) -> dict[str, str]:
    """The hosting layer's reasons for hanging up a call, in the toolkit's words (no CLI flags)."""
    return {
        LOCAL_STALLED: STALLED,
        f"still up after {wait_s:g} s (--timeout)": (
            f"still up after {wait_s:g} s (raise `wait=` or --ringback-call-wait)"
        ),
    }


async def result_of(platform: Platform, report: CallReport, reasons: dict[str, str]) -> CallResult:
    """A CallResult from a finished call's report, with its recordings read."""
    recordings = []
    for metadata in platform.recordings(call_id=report.call_id):
        recording_id = str(metadata["recordingId"])
        audio, media_type = await platform.recording_media(recording_id) or (b"", "")
        live = platform.engine.recordings.get(recording_id)
        transcription = live.transcription if live is not None else None
        recordings.append(
            Recording(
                recording_id,
                live.metadata() if live is not None and live.finished else metadata,
                audio,
                media_type,
                transcription.text if transcription is not None else None,
            )
        )
    cut_short = report.cut_short
    return CallResult(
        call_id=report.call_id,
        state=report.state,
        timeline=report.timeline,
        recordings=recordings,
        legs=[await result_of(platform, leg, reasons) for leg in report.legs],
        cut_short=reasons.get(cut_short, cut_short) if cut_short is not None else None,
    )
