"""`<StartStream>`/`<StopStream>`: mediaStream* events (spec §2.3), names, track limit, call end."""

from __future__ import annotations

import pytest
from bandwidth.models.bxml import Hangup, Pause, SpeakSentence, StartStream, StopStream, Tag
from hypothesis import given, settings
from hypothesis import strategies as st

from ringback.engine.actions import EndCall
from ringback.engine.sim import Routes, Simulation
from ringback.engine.verbs.stream import open_streams
from ringback.phones.script import parse_script

from ..documents import response
from ..schemas import assert_matches_schema

ANSWER = "http://app.test/app/answer"
EVENTS = "http://app.test/app/streams"
DISCONNECT = "http://app.test/disconnect"

# The spec's mediaStreamStopped example (§2.3): the keys we must send, at both levels.
SPEC_STOPPED_KEYS = {
    "accountId",
    "answerTime",
    "applicationId",
    "callId",
    "callUrl",
    "cause",
    "direction",
    "enqueuedTime",
    "eventTime",
    "eventType",
    "from",
    "mediaStream",
    "startTime",
    "to",
}
SPEC_MEDIA_STREAM_KEYS = {"destination", "duration", "id", "name", "startTime", "tracks", "type"}


def run(*verbs: object) -> tuple[Simulation, str]:
    """Place an outbound call whose answer BXML is `verbs`, and run it to the end."""
    sim = Simulation(Routes({"/app/answer": response(*verbs)}))
    call_id = sim.place_call(ANSWER, disconnect_url=DISCONNECT)
    sim.run()
    return sim, call_id


def stream(name: str | None = None, tracks: str | None = None) -> StartStream:
    """A StartStream to wss://media.app.test with events to `streams` (relative URL)."""
    return StartStream(
        destination="wss://media.app.test/audio",
        name=name,
        tracks=tracks,
        stream_event_url="streams",
    )


def test_stream_started_and_stopped_payloads_follow_spec_example() -> None:
    """Started, then Stopped (cause closed, duration) with the spec example's keys and schema."""
    sim, call_id = run(stream("example_stream", "both"), Pause(4), StopStream("example_stream"))
    assert sim.event_types() == [
        "answer",
        "mediaStreamStarted",
        "mediaStreamStopped",
        "disconnect",
    ]
    started, stopped = (w.payload for w in sim.events(call_id=call_id)[1:3])
    for hook in sim.events(call_id=call_id)[1:3]:
        assert hook.url == EVENTS
        assert hook.method == "POST"
        assert not hook.sync
        assert_matches_schema(hook.payload)
    assert set(stopped) == SPEC_STOPPED_KEYS
    assert set(stopped["mediaStream"]) == SPEC_MEDIA_STREAM_KEYS
    assert stopped["cause"] == "closed"
    assert stopped["mediaStream"]["duration"] == "PT4S"
    assert stopped["mediaStream"]["type"] == "WebSocket"
    assert stopped["mediaStream"]["tracks"] == ["inbound", "outbound"]
    assert started["mediaStream"] == {
        k: v for k, v in stopped["mediaStream"].items() if k != "duration"
    }
    assert "cause" not in started
    assert started["mediaStream"]["id"].startswith("s-")
    assert len(started["mediaStream"]["id"]) == 47


def test_stream_name_defaults_to_stream_id_and_tracks_to_inbound() -> None:
    """Without `name` the stream is called by its id; without `tracks` it forks inbound only."""
    sim, _ = run(stream(), Pause(1))
    media = sim.events("mediaStreamStarted")[0].payload["mediaStream"]
    assert media["name"] == media["id"]
    assert media["tracks"] == ["inbound"]


def test_stream_is_non_blocking() -> None:
    """The verb after `<StartStream>` starts at the same instant."""
    sim, _ = run(stream("s"), SpeakSentence("hello"), Hangup())
    started = [e.at for e in sim.timeline if e.summary.startswith("<SpeakSentence> started")]
    assert started == [sim.events("mediaStreamStarted")[0].at]


def test_stream_duplicate_name_is_rejected_with_original() -> None:
    """A second stream with the same name: `duplicate`, the documented message, the original."""
    sim, call_id = run(stream("example_stream"), stream("example_stream", "outbound"), Pause(1))
    assert sim.event_types(call_id) == [
        "answer",
        "mediaStreamStarted",
        "mediaStreamRejected",
        "mediaStreamStopped",
        "disconnect",
    ]
    started = sim.events("mediaStreamStarted")[0].payload["mediaStream"]
    rejected = sim.events("mediaStreamRejected")[0].payload
    assert_matches_schema(rejected)
    assert rejected["cause"] == "duplicate"
    assert rejected["errorMessage"] == "A stream with the name example_stream already exists"
    assert rejected["originalMediaStream"] == started
    assert rejected["mediaStream"]["name"] == "example_stream"
    assert rejected["mediaStream"]["tracks"] == ["outbound"]
    assert rejected["mediaStream"]["id"] != started["id"]
    # The first stream kept running until the call ended.
    assert sim.events("mediaStreamStopped")[0].payload["mediaStream"]["id"] == started["id"]


def test_stream_track_limit_counts_both_as_two() -> None:
    """`both` + `both` fills the four tracks; one more stream is rejected `track-limit`."""
    sim, _ = run(stream("a", "both"), stream("b", "both"), stream("c"), Pause(1))
    rejected = sim.events("mediaStreamRejected")
    assert [w.payload["mediaStream"]["name"] for w in rejected] == ["c"]
    assert rejected[0].payload["cause"] == "track-limit"
    assert "4" in rejected[0].payload["errorMessage"]
    assert "originalMediaStream" not in rejected[0].payload
    assert_matches_schema(rejected[0].payload)


def test_stream_stopping_frees_its_tracks() -> None:
    """After `<StopStream>` its tracks count no more; its name can be used again."""
    sim, _ = run(
        stream("a", "both"),
        stream("b", "both"),
        StopStream("a"),
        stream("a", "both"),
        Pause(1),
    )
    assert sim.events("mediaStreamRejected") == []
    assert len(sim.events("mediaStreamStarted")) == 3


@pytest.mark.parametrize("wait", [None, True, False])
def test_stream_stop_unknown_name_is_a_no_op(wait: bool | None) -> None:
    """`<StopStream>` for a name with no stream sends nothing and goes on."""
    sim, call_id = run(StopStream("nothing", wait=wait), Pause(1))
    assert sim.event_types(call_id) == ["answer", "disconnect"]
    assert any("no media stream 'nothing'" in e.summary for e in sim.timeline)


def test_stream_open_streams_stop_when_call_ends() -> None:
    """Streams still open at hangup stop with cause `closed` before the `disconnect`."""
    sim, call_id = run(stream("a"), stream("b", "outbound"), Pause(2))
    assert sim.event_types(call_id)[-3:] == [
        "mediaStreamStopped",
        "mediaStreamStopped",
        "disconnect",
    ]
    stops = sim.events("mediaStreamStopped")
    assert [w.payload["mediaStream"]["name"] for w in stops] == ["a", "b"]
    assert all(w.payload["cause"] == "closed" for w in stops)
    assert all(w.payload["mediaStream"]["duration"] == "PT2S" for w in stops)
    assert open_streams(sim.call(call_id)) == []
    assert sim.engine.pending_timers == 0


def test_stream_without_event_url_sends_no_webhooks() -> None:
    """No `streamEventUrl`: the stream runs (and can be stopped) silently."""
    sim, call_id = run(
        StartStream(destination="wss://media.app.test", name="quiet"), Pause(1), StopStream("quiet")
    )
    assert sim.event_types(call_id) == ["answer", "disconnect"]
    summaries = [e.summary for e in sim.timeline]
    assert "media stream 'quiet' started" in summaries
    assert "media stream 'quiet' stopped: closed" in summaries


def test_stream_events_carry_tag_and_method_and_credentials() -> None:
    """Events carry the call's tag; `streamEventMethod` and credentials reach the callback."""
    verb = StartStream(
        destination="wss://media.app.test",
        name="s",
        stream_event_url="https://app.test/events",
        stream_event_method="GET",
        username="user",
        password="secret",
    )
    sim, _ = run(Tag("billing"), verb, Pause(1))
    hook = sim.events("mediaStreamStarted")[0]
    assert hook.payload["tag"] == "billing"
    assert hook.method == "GET"
    sent = [a for a in sim.actions if getattr(a, "event", None) is hook.event]
    assert sent[0].callback.username == "user"
    assert sent[0].callback.password == "secret"


def test_stream_answers_inbound_call_and_stop_stream_does_not() -> None:
    """`<StartStream>` answers an inbound call; `<StopStream>` alone leaves it unanswered."""
    sim = Simulation(
        Routes(
            {
                "/start": response(stream("s"), Hangup()),
                "/stop": response(StopStream("s"), Hangup()),
            }
        )
    )
    started = sim.receive_call("http://app.test/start", status_url=DISCONNECT)
    stopped = sim.receive_call("http://app.test/stop", status_url=DISCONNECT)
    sim.run()
    assert sim.call(started).cause == "hangup"
    assert sim.call(stopped).cause == "rejected"
    inbound = sim.events("mediaStreamStarted")[0].payload
    assert inbound["direction"] == "inbound"
    assert "enqueuedTime" not in inbound
    assert_matches_schema(inbound)


_STREAM_VERBS = st.one_of(
    st.builds(
        stream,
        name=st.sampled_from(["a", "b", "c"]),
        tracks=st.sampled_from(["inbound", "outbound", "both"]),
    ),
    st.builds(StopStream, name=st.sampled_from(["a", "b", "c"])),
    st.builds(Pause, duration=st.integers(min_value=1, max_value=5)),
)


@settings(max_examples=60, deadline=None)
@given(
    verbs=st.lists(_STREAM_VERBS, max_size=10),
    hangup_after=st.one_of(st.none(), st.integers(min_value=1, max_value=20)),
)
def test_stream_invariants(verbs: list[object], hangup_after: int | None) -> None:
    """Any mix of starts, stops and hangups: ≤ 4 open tracks, one stop per start, clean end."""
    steps = [] if hangup_after is None else [{"wait": hangup_after}, {"hangup": True}]
    sim = Simulation(Routes({"/app/answer": response(*verbs, Pause(30))}))
    call_id = sim.place_call(
        ANSWER, disconnect_url=DISCONNECT, phone=parse_script({"steps": steps})
    )
    sim.run()
    open_tracks: dict[str, int] = {}
    for hook in sim.events(call_id=call_id):
        media = hook.payload.get("mediaStream")
        if hook.event_type == "mediaStreamStarted":
            assert media["id"] not in open_tracks
            open_tracks[media["id"]] = len(media["tracks"])
            assert sum(open_tracks.values()) <= 4
        elif hook.event_type == "mediaStreamStopped":
            del open_tracks[media["id"]]
    assert open_tracks == {}
    assert sim.event_types(call_id).count("disconnect") == 1
    assert sim.event_types(call_id)[-1] == "disconnect"
    ended_at = [i for i, a in enumerate(sim.actions) if isinstance(a, EndCall)]
    assert ended_at == [len(sim.actions) - 1]
    assert sim.engine.pending_timers == 0
