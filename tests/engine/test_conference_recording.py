"""Conference recordings: one channel of the conference's prompts and its audible members."""

from __future__ import annotations

from typing import Any

import pytest
from bandwidth import ConferenceRecordingAvailableCallback
from bandwidth.models.bxml import (
    Bxml,
    Conference,
    PauseRecording,
    ResumeRecording,
    SpeakSentence,
    StartRecording,
    StopRecording,
    Verb,
)

from ringback.engine import facts as f
from ringback.engine.actions import SaveRecording, SendWebhook
from ringback.engine.requests import Callback
from ringback.engine.sim import Routes, Simulation
from ringback.phones.script import parse_script

from .documents import response

APP = "http://app.test"


def speaker(words: str, after_s: float, then_s: float = 30) -> Any:
    """A far end that says `words` (one second each) after a wait, then hangs up later."""
    return parse_script(
        {
            "steps": [
                {"wait": after_s},
                {"say": words, "duration": len(words.split())},
                {"wait": then_s},
                {"hangup": True},
            ]
        }
    )


def conference_bxml(*verbs: Verb) -> str:
    """A `<Bxml>` document as the SDK writes it."""
    return str(Bxml(list(verbs)).to_bxml())


def started_sim(created_reply: str, joiner: Conference | None = None) -> tuple[Simulation, str]:
    """Two members (the second joins as `joiner`); returns the sim and the conference id."""
    room = Conference("room", conference_event_url="/conf/events", tag="rec")
    routes = {
        "/a": response(room),
        "/b": response(joiner if joiner is not None else Conference("room")),
        "/conf/events": lambda w: created_reply if w.event_type == "conferenceCreated" else None,
    }
    sim = Simulation(Routes(routes))
    sim.place_call(f"{APP}/a", phone=speaker("alpha bravo", after_s=1))
    sim.place_call(f"{APP}/b", phone=speaker("charlie delta", after_s=4))
    sim.run(until=sim.now + 2)
    (conference_id,) = sim.engine.conferences
    return sim, conference_id


def test_conference_recording_until_completed_is_announced_after() -> None:
    """Recording to the end: prompts and members' words, one channel, announced last."""
    start = StartRecording(
        recording_available_url="/conf/recorded", username="u", password="p", tag="ignored"
    )
    sim, conference_id = started_sim(response(start, SpeakSentence("welcome")))
    sim.run()
    (saved,) = sim.saved
    assert saved.conference_id == conference_id
    assert saved.call_id is None
    assert saved.channels == 1
    assert saved.far_words() == ["alpha", "bravo", "charlie", "delta"]
    assert saved.prompt_words() == ["welcome"]
    assert sim.event_types()[-2:] == ["conferenceCompleted", "conferenceRecordingAvailable"]
    hook = sim.events("conferenceRecordingAvailable")[0]
    payload = hook.payload
    ConferenceRecordingAvailableCallback.from_dict(payload)
    assert hook.url == f"{APP}/conf/recorded"
    assert not hook.sync
    assert payload["channels"] == 1
    assert payload["tag"] == "rec"
    assert payload["status"] == "complete"
    assert payload["recordingId"] == saved.recording_id
    assert payload["mediaUrl"].endswith(
        f"/conferences/{conference_id}/recordings/{saved.recording_id}/media"
    )
    send = next(
        a
        for a in sim.actions
        if isinstance(a, SendWebhook) and a.event.event_type == "conferenceRecordingAvailable"
    )
    assert (send.callback.username, send.callback.password) == ("u", "p")
    assert send.conference_id == conference_id
    assert sim.engine.recordings[saved.recording_id] is saved


def test_conference_recording_muted_member_not_recorded() -> None:
    """A muted member hears but is not heard: its words are not in the recording."""
    sim, _ = started_sim(response(StartRecording()), Conference("room", mute=True))
    sim.run()
    (saved,) = sim.saved
    assert saved.far_words() == ["alpha", "bravo"]
    assert sim.events("conferenceRecordingAvailable") == []  # no recordingAvailableUrl


def test_conference_recording_pause_resume_stop_through_api() -> None:
    """Paused spans are left out; StopRecording ends it before the conference does."""
    sim, conference_id = started_sim(response(StartRecording(), PauseRecording()))
    sim.run(until=sim.now + 4)  # t=6: B says "charlie delta" from t=5 to t=7
    sim.feed(f.ConferenceBxmlReplaced(sim.now, conference_id, conference_bxml(ResumeRecording())))
    sim.run(until=sim.now + 5)
    sim.feed(f.ConferenceBxmlReplaced(sim.now, conference_id, conference_bxml(StopRecording())))
    (saved,) = [a.recording for a in sim.actions if isinstance(a, SaveRecording)]
    assert saved.far_words() == ["delta"]  # "charlie" was said while paused
    assert saved.duration_s == pytest.approx(5)
    sim.run()
    assert len(sim.saved) == 1


def test_conference_recording_second_start_and_idle_controls_ignored() -> None:
    """One recording at a time; controls with nothing recording are noted, not errors."""
    sim, conference_id = started_sim(response(StopRecording(), StartRecording(), StartRecording()))
    notes = [e.summary for e in sim.timeline]
    assert "<StopRecording> ignored: nothing recording" in notes
    assert "<StartRecording> ignored: already recording" in notes
    sim.feed(f.ConferenceUpdateRequested(sim.now, conference_id, status="completed"))
    assert len(sim.saved) == 1
    sim.run()


def test_conference_recording_redirect_reply_can_start_recording() -> None:
    """Conference BXML from `conferenceRedirect` may start a recording too."""
    sim, conference_id = started_sim("")
    sim.run(until=sim.now + 2.5)  # t=4.5: A said "alpha bravo" from t=2 to t=4
    sim.app = Routes({"/conf/go": response(StartRecording())}, default=None)
    sim.feed(f.ConferenceUpdateRequested(sim.now, conference_id, redirect=Callback("go")))
    sim.run()
    (saved,) = sim.saved
    assert saved.far_words() == ["charlie", "delta"]  # recorded from t=4.5
