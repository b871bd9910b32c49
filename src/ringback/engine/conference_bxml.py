"""Conference BXML: documents queued in arrival order, one verb at a time, heard by all members.

How this works. Replies to conference webhooks and PUT /conferences/{id}/bxml arrive through
`deliver`/`enqueue`; their verbs go to the end of the conference's queue and `_next` starts the
first one when nothing is playing, so two documents never overlap (spec §4.3). A prompt
(`<SpeakSentence>`, `<PlayAudio>`) is put on the media log of every member not on hold, and each
of those far ends is told it started and, at its end, that it was heard. A member who leaves
mid-prompt has its segment cut; when the conference completes, what is playing is cut and the
queue is dropped.

Bandwidth rejects conference BXML with a verb outside the conference context "completely": here
the whole document is dropped, the rejection is noted on every member's timeline, and the calls
go on. A verb that fails while running (audio that cannot be fetched) is noted and skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ringback import bxml
from ringback.engine import conference_recording, farend
from ringback.engine.conference import (
    Conference,
    NowPlaying,
    QueuedVerb,
    members_calls,
    note_members,
)
from ringback.engine.media import Side, Sound
from ringback.engine.verbs.prompt import speech_seconds

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.core import Engine

CONFERENCE_CONTEXT = "conference"


def deliver(engine: Engine, conference: Conference, body: str, url: str, source: str) -> None:
    """A conference webhook (`source`) answered: queue its BXML, or reject the whole document."""
    if not conference.active:
        return  # the conference ended while the webhook was out: nobody is left to hear it
    if not body.strip():
        return  # "conference BXML or empty": an empty answer asks for nothing
    try:
        document = bxml.parse_reply(body, context=CONFERENCE_CONTEXT)
    except bxml.BxmlError as error:
        note_members(
            engine,
            conference,
            f"conference BXML from {url} ({source}) rejected completely: {error}",
            url=url,
            error=str(error),
        )
        return
    for text in document.notes:  # attributes written as `None`, read as absent
        note_members(engine, conference, text)
    enqueue(engine, conference, document.verbs, url)


def enqueue(engine: Engine, conference: Conference, verbs: Iterable[Any], base_url: str) -> None:
    """Add a document's verbs to the end of the queue and start playing if idle."""
    conference.base_url = base_url
    conference.queue.extend(QueuedVerb(verb, base_url) for verb in verbs)
    _next(engine, conference)


def member_left(engine: Engine, conference: Conference, call: Call) -> None:
    """A member left: cut what it was hearing; it heard the prompt up to now."""
    playing = conference.now_playing
    if playing is None:
        return
    segment = playing.segments.pop(call.call_id, None)
    if segment is not None:
        call.media.cut(segment, engine.now)
        farend.prompt_ended(engine, call, playing.words)


def stop(engine: Engine, conference: Conference) -> None:
    """The conference completed: cut what is playing and drop what is queued."""
    conference.queue.clear()
    playing = conference.now_playing
    conference.now_playing = None
    if playing is None:
        return
    if playing.timer is not None:
        engine.cancel_timer(playing.timer)
    if playing.conference_segment is not None:
        conference.media.cut(playing.conference_segment, engine.now)
    for call_id, segment in playing.segments.items():
        call = engine.calls.get(call_id)
        if call is not None:
            call.media.cut(segment, engine.now)


def _next(engine: Engine, conference: Conference) -> None:
    while conference.active and conference.now_playing is None and conference.queue:
        queued = conference.queue.popleft()
        playing = NowPlaying(queued.verb)
        conference.now_playing = playing
        name = type(queued.verb).__name__
        note_members(engine, conference, f"conference <{name}> started", verb=name)
        match queued.verb:
            case bxml.SpeakSentence() as sentence:
                playing.words = " ".join(sentence.words())
                _play(engine, conference, playing, speech_seconds(sentence), Sound.PROMPT)
            case bxml.PlayAudio() as audio:
                _fetch(engine, conference, playing, audio, queued.base_url)
            case _:  # the recording verbs, which take no time
                conference_recording.run_verb(engine, conference, queued.verb, queued.base_url)
                conference.now_playing = None


def _fetch(
    engine: Engine, conference: Conference, playing: NowPlaying, audio: Any, base_url: str
) -> None:
    url = engine.resolve_url(audio.url, base_url)

    def measured(seconds: float) -> None:
        if conference.now_playing is playing:
            playing.words = ""
            _play(engine, conference, playing, seconds, Sound.AUDIO, url)

    def failed(message: str) -> None:
        if conference.now_playing is playing:
            # "If an error happens when executing a verb, it will continue to the next verb."
            note_members(engine, conference, f"conference <PlayAudio> failed: {message}")
            _finished(engine, conference, playing)

    engine.fetch_media(
        None,
        url,
        audio.username,
        audio.password,
        measured,
        failed,
        conference_id=conference.conference_id,
    )


def _play(
    engine: Engine,
    conference: Conference,
    playing: NowPlaying,
    seconds: float,
    sound: Sound,
    text: str | None = None,
) -> None:
    now = engine.now
    playing.conference_segment = conference.media.add(
        now, now + seconds, Side.PLATFORM, sound, playing.words if text is None else text
    )
    listeners = [
        call
        for call in members_calls(engine, conference)
        if not conference.members[call.call_id].hold
    ]
    for call in listeners:
        playing.segments[call.call_id] = call.media.add(
            now, now + seconds, Side.PLATFORM, sound, playing.words if text is None else text
        )
    playing.timer = engine.set_timer(None, seconds, lambda: _finished(engine, conference, playing))
    for call in listeners:
        # A far end may act on hearing the prompt start (and even hang up): re-check each time.
        if conference.now_playing is playing and call.call_id in playing.segments:
            farend.prompt_started(engine, call)


def _finished(engine: Engine, conference: Conference, playing: NowPlaying) -> None:
    if conference.now_playing is not playing:
        return
    playing.timer = None
    conference.now_playing = None
    name = type(playing.verb).__name__
    note_members(engine, conference, f"conference <{name}> ended", verb=name)
    for call_id in list(playing.segments):
        call = engine.calls.get(call_id)
        if playing.segments.pop(call_id, None) is not None and call is not None and not call.ended:
            farend.prompt_ended(engine, call, playing.words)
    _next(engine, conference)
