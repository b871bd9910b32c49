"""`<Record>`: record the far end until a terminating digit, silence, maxDuration or hangup.

How this works. The recording opens when the verb starts and the `record` activity goes on (a far
end waiting with `waitFor: record` starts now). Three things can end it while the call is up:
a terminating digit (the recording ends where that digit's tone began, so the digit is not in
it), `maxDuration` (a timer), or `silenceTimeout` seconds with no far-end sound. Silence is read
from the call's media log: a timer fires at the earliest moment the silence could be long
enough, and if the far end made a sound meanwhile it is set again for the new moment.

When it ends, on the same instant of the virtual clock: `recordComplete` is sent (sync, if
`recordCompleteUrl`), the file is saved, then `recordingAvailable` and `transcriptionAvailable`
(async) follow; the reply to `recordComplete` then runs. A hangup (or a redirect) stops the
recording where it is: no `recordComplete`, but the recording is still announced, right after
the call's `disconnect` (as on Bandwidth).
"""

from __future__ import annotations

from ringback.bxml import Record
from ringback.engine import flow
from ringback.engine.media import Side, Sound
from ringback.engine.recordings import Recording
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun
from ringback.engine.verbs.recording import (
    RecordingCallbacks,
    announce,
    open_call_recording,
    set_live,
)
from ringback.events import RecordCompleteEvent

# Timers land within float rounding of the moment they were set for.
_TIME_TOLERANCE_S = 1e-6


@handles(Record)
class RecordRun(VerbRun):
    """Record one segment of the call, then send `recordComplete` or go on.

    Simplifications: the file has one channel; silence that ends a recording by `silenceTimeout`
    stays in it (Bandwidth does not document trimming it); `detectLanguage` is ignored (the
    transcript is the far end's words as said); the recording is announced on the instant it
    ends (after a hangup, right after `disconnect`), with no processing delay.
    """

    recording: Recording

    def start(self) -> None:
        """Open the recording, set the timers, and tell the far end it is being recorded."""
        engine, call, verb = self.engine, self.call, self.verb
        self.recording = open_call_recording(
            engine, call, file_format=verb.file_format, recording_name=verb.recording_name
        )
        self.complete_callback = self.callback("record_complete")
        self.callbacks = RecordingCallbacks(
            available=self.callback("recording_available"),
            transcription=self.callback("transcription_available"),
            transcribe=verb.transcribe,
        )
        self.after(verb.max_duration, lambda: self._end(self.engine.now, "maxDuration reached"))
        if verb.silence_timeout > 0:
            self._watch_silence()
        set_live(engine, call, self.recording, live=True)  # may run far-end steps at once

    def on_digit(self, digit: str) -> None:
        """A terminating digit ends the recording at the start of its tone."""
        if digit.upper() in self.verb.terminating_digits.upper():
            self._end(self._tone_start(digit), f"terminating digit {digit}")

    def stop(self) -> None:
        """Hangup or redirect: the recording ends now, without `recordComplete`."""
        super().stop()
        if self.recording.finished:
            return
        self._close(self.engine.now, "call ended or redirected")
        announce(self.engine, self.call, self.recording, self.callbacks)

    # ---- ending ----------------------------------------------------------------------------

    def _end(self, at: float, reason: str) -> None:
        if self.finished:
            return
        self._close(at, reason)
        engine, call, recording = self.engine, self.call, self.recording
        if self.complete_callback is not None:
            flow.fetch_bxml(
                engine,
                call,
                RecordCompleteEvent,
                self.complete_callback,
                **recording.event_fields(),
            )
        announce(engine, call, recording, self.callbacks)
        self.done()

    def _close(self, at: float, reason: str) -> None:
        self.recording.finish(at, self.call.media)
        set_live(self.engine, self.call, self.recording, live=False)
        self.engine.note(
            self.call,
            "recording",
            f"<Record> ended: {reason}",
            recordingId=self.recording.recording_id,
            reason=reason,
        )

    def _tone_start(self, digit: str) -> float:
        now = self.engine.now
        for segment in reversed(self.call.media.segments):
            if (
                segment.side is Side.FAR
                and segment.sound is Sound.DTMF
                and segment.text == digit
                and abs(segment.end - now) <= _TIME_TOLERANCE_S
            ):
                return segment.start
        return now

    # ---- silence ---------------------------------------------------------------------------

    def _watch_silence(self) -> None:
        now = self.engine.now
        deadline = self._silence_deadline()
        if deadline - now <= _TIME_TOLERANCE_S:
            self._end(now, f"{self.verb.silence_timeout:g} s of silence")
        else:
            self.after(deadline - now, self._watch_silence)

    def _silence_deadline(self) -> float:
        """When the far end will have been silent for `silenceTimeout`, as far as known now."""
        now = self.engine.now
        last_sound = max(
            (s.end for s in self.call.media.segments if s.side is Side.FAR and s.start <= now),
            default=self.recording.start_time,
        )
        timeout_s: float = self.verb.silence_timeout
        return max(last_sound, self.recording.start_time) + timeout_s
