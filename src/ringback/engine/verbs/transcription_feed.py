"""The `transcription` messages of a live transcription: the words of the call, as they are said.

How this works. A feed watches the call's media log (`MediaLog.watchers`). Each sound with words
on a transcribed track (the far end's `say` steps on `inbound`, our `<SpeakSentence>` prompts on
`outbound`) is an utterance, its words spread evenly over the sound (`Segment.word_spans`). A
word belongs to the transcription when its middle falls between the transcription's start and
its stop (the rule recordings use to cut words), and it is known once it has been said.

One timer per utterance: with `stabilized="false"` it fires at the end of each word and sends a
partial (`isPartial: true`, the words said so far, none of them `stable`); at the end of the
sound it sends the final (`isPartial: false`, every word, all `stable`). With
`stabilized="true"` (the default) only finals are sent (streams spec §6). A sound cut short
(barge-in) re-plans its utterance: its final goes out at the cut with the words said by then.
When the transcription stops, each utterance still under way gets its final at once.

Times are the call's clock: a message is emitted when its last word ends, so on the virtual clock
the app receives it when the clock reads that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ringback.engine.media import Segment, Side, Sound
from ringback.engine.payloads import timestamp

if TYPE_CHECKING:
    from collections.abc import Callable

    from ringback.engine.call import Call
    from ringback.engine.core import Engine
    from ringback.engine.verbs.tracks import Track

# The simulated far end's words are known exactly.
TRANSCRIPT_CONFIDENCE: Final = 1.0
PUNCTUATION: Final = ".,!?;:"
EPSILON_S: Final = 1e-6  # timers land on computed float times; this much counts as "by then"


def track_of(segment: Segment) -> Track | None:
    """Which track a sound's words are heard on, or None when it has no words to transcribe."""
    if segment.side is Side.FAR and segment.sound is Sound.SPEECH:
        return "inbound"
    if segment.side is Side.PLATFORM and segment.sound is Sound.PROMPT and segment.text:
        return "outbound"
    return None


def heard_words(segment: Segment, since: float, until: float) -> list[tuple[str, float, float]]:
    """The sound's words whose middle falls in [since, until), clipped to the sound as said."""
    until = min(until, segment.end)
    return [
        (word, max(start, since, segment.start), min(end, until))
        for word, start, end in segment.word_spans()
        if since <= (start + end) / 2 < until
    ]


def words_on_track(call: Call, track: Track, since: float, until: float) -> str:
    """The words heard on a track in [since, until): what the REST transcript of it says."""
    words: list[str] = []
    for segment in call.media.segments:
        if track_of(segment) == track and segment.start < until and segment.end > since:
            words.extend(word for word, _, _ in heard_words(segment, since, until))
    return " ".join(words)


def items_of(words: list[tuple[str, float, float]], final: bool) -> list[dict[str, Any]]:
    """The `items` of a message: each word, and its trailing punctuation as an item of its own."""
    items: list[dict[str, Any]] = []
    for word, start, end in words:
        spoken = word.rstrip(PUNCTUATION)
        if spoken:
            items.append(_item(spoken, start, end, "PRONUNCIATION", final))
        if spoken != word:
            items.append(_item(word[len(spoken) :], end, end, "PUNCTUATION", final))
    return items


def _item(content: str, start: float, end: float, kind: str, final: bool) -> dict[str, Any]:
    return {
        "content": content,
        "startTime": timestamp(start),
        "endTime": timestamp(end),
        "confidence": TRANSCRIPT_CONFIDENCE,
        "stable": final,
        "type": kind,
    }


@dataclass(eq=False, slots=True)
class Utterance:
    """One sound being transcribed: how many of its words were sent, and its pending timer."""

    segment: Segment
    track: Track
    sent_words: int = 0
    timer: int | None = None


@dataclass(eq=False)
class TranscriptionFeed:
    """The `transcription` messages of one live transcription, handed to `send` when due."""

    engine: Engine
    call: Call
    tracks: list[Track]
    since: float
    stabilized: bool
    language: str
    send: Callable[[dict[str, Any]], None]
    following: dict[int, Utterance] = field(default_factory=dict)  # by id() of the segment
    done: set[int] = field(default_factory=set)  # segments whose final is decided (by id())
    finals: int = 0
    running: bool = False

    def begin(self) -> None:
        """Start following the call's sounds, including those under way now."""
        self.running = True
        self.call.media.watchers.append(self.heard)
        for segment in self.call.media.segments:
            if segment.end > self.engine.now:
                self.heard(segment)

    def heard(self, segment: Segment) -> None:
        """A sound was added or cut short: (re)plan its messages."""
        track = track_of(segment)
        if not self.running or track is None or track not in self.tracks:
            return
        utterance = self.following.get(id(segment))
        if utterance is None:
            if segment.end <= self.since or id(segment) in self.done:
                return
            utterance = self.following[id(segment)] = Utterance(segment, track)
        self._plan(utterance)

    def finish(self) -> None:
        """The transcription stops now: the final of every utterance under way, then no more."""
        if not self.running:
            return
        self.running = False
        self.call.media.watchers.remove(self.heard)
        now = self.engine.now
        for utterance in list(self.following.values()):
            self._final(utterance, now)

    # ---- timing ------------------------------------------------------------------------------

    def _plan(self, utterance: Utterance) -> None:
        if utterance.timer is not None:
            self.engine.cancel_timer(utterance.timer)
            utterance.timer = None
        now = self.engine.now
        segment = utterance.segment
        if segment.end <= now + EPSILON_S:
            self._final(utterance, segment.end)
            return
        due = segment.end
        if not self.stabilized:
            ends = [end for _, _, end in heard_words(segment, self.since, segment.end)]
            due = next((end for end in ends if end > now + EPSILON_S and end < due), due)
        utterance.timer = self.engine.set_timer(self.call, due - now, lambda: self._due(utterance))

    def _due(self, utterance: Utterance) -> None:
        utterance.timer = None
        now = self.engine.now
        if utterance.segment.end <= now + EPSILON_S:
            self._final(utterance, utterance.segment.end)
            return
        words = heard_words(utterance.segment, self.since, now)
        said = [word for word in words if word[2] <= now + EPSILON_S]
        if len(said) > utterance.sent_words:
            utterance.sent_words = len(said)
            self.send(self._message(utterance.track, said, partial=True))
        self._plan(utterance)

    def _final(self, utterance: Utterance, until: float) -> None:
        del self.following[id(utterance.segment)]
        self.done.add(id(utterance.segment))
        if utterance.timer is not None:
            self.engine.cancel_timer(utterance.timer)
            utterance.timer = None
        words = heard_words(utterance.segment, self.since, until)
        if words:
            self.finals += 1
            self.send(self._message(utterance.track, words, partial=False))

    def _message(
        self, track: Track, words: list[tuple[str, float, float]], *, partial: bool
    ) -> dict[str, Any]:
        items = items_of(words, final=not partial)
        transcript = ""
        for item in items:
            space = " " if transcript and item["type"] == "PRONUNCIATION" else ""
            transcript += space + item["content"]
        return {
            "eventType": "transcription",
            "track": track,
            "startTime": timestamp(words[0][1]),
            "endTime": timestamp(words[-1][2]),
            "isPartial": partial,
            "language": self.language,
            "transcript": transcript,
            "items": items,
        }
