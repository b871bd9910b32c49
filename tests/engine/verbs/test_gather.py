"""`<Gather>`: prompts, barge-in, every termination rule on the virtual clock, `gather`."""

from __future__ import annotations

from typing import Any

import pytest
from bandwidth import GatherCallback
from bandwidth.models.bxml import Gather, Hangup, Pause, PlayAudio, SpeakSentence, Verb
from hypothesis import given, settings
from hypothesis import strategies as st

from ringback.engine import facts as f
from ringback.engine.actions import Action, AppendTimeline, EndCall, FetchMedia, SendWebhook
from ringback.engine.farend import DTMF_GAP_S, DTMF_TONE_S
from ringback.engine.media import Sound
from ringback.engine.requests import Callback
from ringback.engine.sim import Routes, Simulation, Webhook
from ringback.engine.verbs.prompt import TTS_SECONDS_PER_WORD
from ringback.phones.script import parse_script

from ..documents import response

ANSWER = "http://app.test/ivr/answer"
GATHERED = "http://app.test/ivr/gathered"
STEP_S = DTMF_TONE_S + DTMF_GAP_S
EIGHT_WORDS = "one two three four five six seven eight"  # 3 s of speech


def run(
    *verbs: Verb,
    steps: list[dict[str, Any]] | None = None,
    gathered: str | None = None,
    media: dict[str, float] | None = None,
) -> tuple[Simulation, str]:
    """Answer a call with these verbs; the phone runs `steps`; /ivr/gathered answers `gathered`."""
    routes = {"/ivr/answer": response(*verbs), "/ivr/gathered": gathered or response(Hangup())}
    sim = Simulation(Routes(routes), media=media)
    phone = parse_script({"steps": steps or []})
    call_id = sim.place_call(ANSWER, phone=phone, disconnect_url="http://app.test/d")
    sim.run()
    assert sim.engine.pending_timers == 0
    return sim, call_id


def gather_hook(sim: Simulation) -> tuple[Webhook, float]:
    """The one `gather` webhook sent, and how long after `answer` it went out."""
    (hook,) = sim.events("gather")
    GatherCallback.from_dict(hook.payload)
    return hook, hook.at - sim.events("answer")[0].at


def collect(pressed: str) -> list[dict[str, Any]]:
    """Phone steps: wait for the gather, then press these digits."""
    return [{"waitFor": "gather"}, {"press": pressed}]


def test_gather_terminating_digit_ends_it_and_is_not_collected() -> None:
    """`12#`: sent when `#` is heard, digits "12", terminatingDigit "#" (spec §2.3 example)."""
    sim, _ = run(Gather(gather_url="gathered", terminating_digits="#"), steps=collect("12#"))
    hook, after = gather_hook(sim)
    assert after == pytest.approx(2 * STEP_S + DTMF_TONE_S)
    assert (hook.payload["digits"], hook.payload["terminatingDigit"]) == ("12", "#")
    assert hook.url == GATHERED
    assert hook.sync


def test_gather_any_listed_terminating_digit_ends_it() -> None:
    """With `*#`, a first `*` ends the gather with nothing collected."""
    sim, _ = run(Gather(gather_url="gathered", terminating_digits="*#"), steps=collect("*5"))
    hook, after = gather_hook(sim)
    assert after == pytest.approx(DTMF_TONE_S)
    assert (hook.payload["digits"], hook.payload["terminatingDigit"]) == ("", "*")


def test_gather_max_digits_ends_it_without_terminating_digit() -> None:
    """maxDigits=2 with `25` then more: ends on the second digit; `"terminatingDigit": ""`."""
    sim, _ = run(Gather(gather_url="gathered", max_digits=2), steps=collect("2589"))
    hook, after = gather_hook(sim)
    assert after == pytest.approx(STEP_S + DTMF_TONE_S)
    assert (hook.payload["digits"], hook.payload["terminatingDigit"]) == ("25", "")


def test_gather_inter_digit_timeout_after_the_last_digit() -> None:
    """Two digits, then silence: sent interDigitTimeout after the second is heard."""
    gather = Gather(gather_url="gathered", inter_digit_timeout=3, first_digit_timeout=10)
    sim, _ = run(gather, steps=collect("42"))
    hook, after = gather_hook(sim)
    assert after == pytest.approx(STEP_S + DTMF_TONE_S + 3)
    assert (hook.payload["digits"], hook.payload["terminatingDigit"]) == ("42", "")


def test_gather_first_digit_timeout_runs_after_the_prompts() -> None:
    """No digit: sent firstDigitTimeout after the prompt ended, with empty digits."""
    gather = Gather([SpeakSentence("press one now")], gather_url="gathered", first_digit_timeout=4)
    sim, _ = run(gather)
    hook, after = gather_hook(sim)
    assert after == pytest.approx(3 * TTS_SECONDS_PER_WORD + 4)
    assert (hook.payload["digits"], hook.payload["terminatingDigit"]) == ("", "")


def test_gather_zero_first_digit_timeout_ends_as_the_prompt_does() -> None:
    """firstDigitTimeout=0 (allowed, spec §4.6): the gather ends with the prompt."""
    gather = Gather([SpeakSentence("hello")], gather_url="gathered", first_digit_timeout=0)
    _, after = gather_hook(run(gather)[0])
    assert after == pytest.approx(TTS_SECONDS_PER_WORD)


def test_gather_prompts_play_in_order() -> None:
    """SpeakSentence, PlayAudio, SpeakSentence: one after the other, then the first-digit wait."""
    prompts = [SpeakSentence("welcome"), PlayAudio("menu.wav"), SpeakSentence("press one")]
    gather = Gather(prompts, gather_url="gathered", first_digit_timeout=1)
    sim, call_id = run(gather, media={"http://app.test/ivr/menu.wav": 2.0})
    answered = sim.events("answer")[0].at
    segments = [
        (s.sound, s.text, s.start - answered, s.end - answered)
        for s in sim.call(call_id).media.segments
    ]
    assert segments == [
        (Sound.PROMPT, "welcome", 0.0, pytest.approx(0.375)),
        (Sound.AUDIO, "http://app.test/ivr/menu.wav", pytest.approx(0.375), pytest.approx(2.375)),
        (Sound.PROMPT, "press one", pytest.approx(2.375), pytest.approx(3.125)),
    ]
    assert gather_hook(sim)[1] == pytest.approx(3.125 + 1)


def test_gather_digit_during_prompt_barges_in() -> None:
    """A digit cuts the prompt playing; the next prompt never plays; interDigitTimeout follows."""
    prompts = [SpeakSentence(EIGHT_WORDS), SpeakSentence("never heard")]
    gather = Gather(prompts, gather_url="gathered", inter_digit_timeout=2)
    sim, call_id = run(gather, steps=[{"waitFor": "gather"}, {"wait": 1}, {"press": "5"}])
    hook, after = gather_hook(sim)
    answered = sim.events("answer")[0].at
    prompts_played = [s for s in sim.call(call_id).media.segments if s.sound is Sound.PROMPT]
    assert [(p.text, p.end - answered) for p in prompts_played] == [
        (EIGHT_WORDS, pytest.approx(1 + DTMF_TONE_S))
    ]
    assert after == pytest.approx(1 + DTMF_TONE_S + 2)
    assert hook.payload["digits"] == "5"


def test_gather_digit_during_audio_prompt_barges_in() -> None:
    """Barge-in cuts a `<PlayAudio>` prompt too."""
    gather = Gather([PlayAudio("long.wav")], gather_url="gathered", max_digits=1)
    sim, call_id = run(gather, steps=collect("7"), media={"http://app.test/ivr/long.wav": 30.0})
    (audio, _digit) = sim.call(call_id).media.segments
    assert audio.end - audio.start == pytest.approx(DTMF_TONE_S)
    assert gather_hook(sim)[1] == pytest.approx(DTMF_TONE_S)


class SlowMedia(Simulation):
    """A simulation whose audio fetches stay in flight until the test answers them."""

    def __init__(self, app: Routes) -> None:
        super().__init__(app)
        self.fetching: list[FetchMedia] = []

    def _perform(self, action: Action) -> None:
        if isinstance(action, FetchMedia):
            self.actions.append(action)
            self.fetching.append(action)
        else:
            super()._perform(action)


def test_gather_digit_while_audio_is_fetched_cancels_the_prompt() -> None:
    """Barge-in before the audio arrived: it never plays, even once measured."""
    gather = Gather([PlayAudio("slow.wav")], gather_url="gathered", inter_digit_timeout=1)
    sim = SlowMedia(Routes({"/ivr/answer": response(gather), "/ivr/gathered": response(Hangup())}))
    call_id = sim.place_call(ANSWER, phone=parse_script({"steps": collect("1")}))
    sim.run(until=sim.now + 1.5)  # answered after 1 s, the digit heard 0.1 s later
    (fetch,) = sim.fetching
    assert sim.call(call_id).run is not None
    sim.feed(f.MediaMeasured(sim.now, fetch.request_id, 10.0))
    sim.run()
    assert [s.sound for s in sim.call(call_id).media.segments] == [Sound.DTMF]
    assert sim.events("gather")[0].payload["digits"] == "1"
    assert sim.engine.pending_timers == 0


def test_gather_repeat_count_replays_prompts_with_first_digit_timeout_between() -> None:
    """repeatCount=3: prompts, wait, prompts, wait, prompts, wait, then `gather`."""
    prompts = [SpeakSentence("one two"), SpeakSentence("three")]
    gather = Gather(prompts, gather_url="gathered", repeat_count=3, first_digit_timeout=2)
    sim, call_id = run(gather)
    answered = sim.events("answer")[0].at
    starts = [s.start - answered for s in sim.call(call_id).media.segments]
    round_s = 3 * TTS_SECONDS_PER_WORD + 2
    assert starts == pytest.approx(
        [k * round_s + offset for k in range(3) for offset in (0.0, 2 * TTS_SECONDS_PER_WORD)]
    )
    hook, after = gather_hook(sim)
    assert after == pytest.approx(3 * round_s)
    assert hook.payload["digits"] == ""


def test_gather_repeat_stops_after_a_digit() -> None:
    """A digit in the first round's wait: no replay; ended by interDigitTimeout."""
    gather = Gather(
        [SpeakSentence("hello")], gather_url="gathered", repeat_count=3, inter_digit_timeout=1
    )
    sim, call_id = run(gather, steps=[{"wait": 1}, {"press": "3"}])
    assert len([s for s in sim.call(call_id).media.segments if s.sound is Sound.PROMPT]) == 1
    hook, after = gather_hook(sim)
    assert after == pytest.approx(1 + DTMF_TONE_S + 1)
    assert hook.payload["digits"] == "3"


def test_gather_repeat_count_without_prompts_waits_once() -> None:
    """Nothing to replay: one firstDigitTimeout."""
    _, after = gather_hook(run(Gather(gather_url="gathered", repeat_count=4))[0])
    assert after == pytest.approx(5.0)


def test_gather_ignores_digits_pressed_before_it_started() -> None:
    """A digit during the `<Pause>` before it is not collected."""
    steps = [{"press": "9"}, {"waitFor": "gather"}, {"press": "1"}]
    sim, _ = run(Pause(2), Gather(gather_url="gathered", inter_digit_timeout=1), steps=steps)
    hook, after = gather_hook(sim)
    assert hook.payload["digits"] == "1"
    assert after == pytest.approx(2 + DTMF_TONE_S + 1)


def test_gather_without_url_discards_digits_and_goes_on() -> None:
    """No gatherUrl: no webhook; the next verb runs when the gather ends."""
    sim, call_id = run(Gather(max_digits=1), SpeakSentence("thanks"), steps=collect("4"))
    assert sim.event_types() == ["answer", "disconnect"]
    (thanks,) = [s for s in sim.call(call_id).media.segments if s.sound is Sound.PROMPT]
    assert thanks.start - sim.events("answer")[0].at == pytest.approx(DTMF_TONE_S)
    assert any(e.summary == "no gatherUrl: digits discarded" for e in sim.timeline)


def test_gather_reply_replaces_the_rest_of_the_program() -> None:
    """With gatherUrl the verbs after the Gather never run; the reply's BXML does."""
    sim, call_id = run(
        Gather(gather_url="gathered", max_digits=1),
        SpeakSentence("never"),
        steps=collect("1"),
        gathered=response(SpeakSentence("you pressed one")),
    )
    spoken = [s.text for s in sim.call(call_id).media.segments if s.sound is Sound.PROMPT]
    assert spoken == ["you pressed one"]
    assert sim.event_types() == ["answer", "gather", "disconnect"]


def test_gather_callback_carries_method_credentials_and_resolved_fallback() -> None:
    """Every gather* attribute reaches the webhook's callback; relative URLs resolved."""
    gather = Gather(
        gather_url="/other/gathered",
        gather_method="GET",
        gather_fallback_url="backup",
        gather_fallback_method="GET",
        username="u",
        password="p",
        fallback_username="fu",
        fallback_password="fp",
        max_digits=1,
    )
    sim, _ = run(gather, steps=collect("1"))
    (sent,) = [a for a in sim.actions if isinstance(a, SendWebhook) and a.sync][1:]
    assert sent.callback == Callback(
        url="http://app.test/other/gathered",
        method="GET",
        username="u",
        password="p",
        fallback_url="http://app.test/ivr/backup",
        fallback_method="GET",
        fallback_username="fu",
        fallback_password="fp",
    )


def test_gather_tag_applies_to_its_own_event() -> None:
    """`<Gather tag>` is in the `gather` event itself (spec §4.4)."""
    sim, _ = run(Gather(gather_url="gathered", tag="main-menu", max_digits=1), steps=collect("1"))
    assert gather_hook(sim)[0].payload["tag"] == "main-menu"


def test_gather_speech_input_still_collects_digits() -> None:
    """`input="speech"` is accepted; digits are collected and the timeline says so."""
    gather = Gather(gather_url="gathered", input="speech", hints="sales", max_digits=1)
    sim, _ = run(gather, steps=collect("8"))
    assert gather_hook(sim)[0].payload["digits"] == "8"
    assert any("speech is not recognised" in e.summary for e in sim.timeline)


def test_gather_answers_an_inbound_call() -> None:
    """An inbound call is answered by the Gather (spec §6)."""
    document = response(Gather(gather_url="/gathered", max_digits=1))
    sim = Simulation(Routes({"/init": document, "/gathered": response(Pause(1))}))
    caller = parse_script({"steps": collect("6")})
    call_id = sim.receive_call("http://app.test/init", caller=caller)
    sim.run(until=sim.now + 0.5)
    assert sim.call(call_id).answered
    hook = sim.events("gather")[0]
    assert hook.payload["digits"] == "6"
    assert hook.payload["answerTime"] == sim.events("initiate")[0].payload["eventTime"]


def test_gather_collecting_ends_with_the_gather() -> None:
    """A second `waitFor gather` waits for the next Gather, not the one that ended."""
    steps = [*collect("1"), {"waitFor": "gather"}, {"press": "2"}]
    next_document = response(Pause(3), Gather(gather_url="/second", max_digits=1))
    routes = {"/ivr/answer": response(Gather(gather_url="gathered", max_digits=1))}
    sim = Simulation(Routes({**routes, "/ivr/gathered": next_document, "/second": "<Response/>"}))
    sim.place_call(ANSWER, phone=parse_script({"steps": steps}))
    sim.run()
    first, second = sim.events("gather")
    assert second.payload["digits"] == "2"
    assert second.at - first.at == pytest.approx(3 + DTMF_TONE_S)


def test_gather_redirect_interrupts_it() -> None:
    """A REST redirect mid-gather: no `gather` event, the prompt cut, collecting stopped."""
    gather = Gather([SpeakSentence(EIGHT_WORDS)], gather_url="gathered")
    sim = Simulation(Routes({"/ivr/answer": response(gather), "/ivr/next": response(Pause(2))}))
    call_id = sim.place_call(ANSWER)
    sim.run(until=sim.now + 2)
    sim.feed(f.CallUpdateRequested(sim.now, call_id, redirect=Callback("/ivr/next")))
    assert "gather" not in sim.call(call_id).activities
    sim.run()
    assert sim.event_types() == ["answer", "redirect"]
    assert sim.engine.pending_timers == 0


def test_gather_far_end_hangs_up_mid_gather() -> None:
    """The caller hangs up while collecting: `disconnect`, no `gather`, no timer left."""
    sim, _ = run(
        Gather([SpeakSentence(EIGHT_WORDS)], gather_url="gathered"),
        steps=[{"waitFor": "gather"}, {"press": "1"}, {"hangup": True}],
    )
    assert sim.event_types() == ["answer", "disconnect"]


digits = st.text("0123456789*#ABCD", max_size=12)


@settings(max_examples=100, deadline=None)
@given(
    pressed=digits, max_digits=st.integers(1, 6), terminators=st.text("0123456789*#", max_size=3)
)
def test_gather_never_exceeds_max_digits_nor_keeps_its_terminating_digit(
    pressed: str, max_digits: int, terminators: str
) -> None:
    """Random presses: `digits` is the prefix before the end rule fired, within maxDigits."""
    gather = Gather(
        gather_url="gathered",
        max_digits=max_digits,
        terminating_digits=terminators or None,
        inter_digit_timeout=1,
        first_digit_timeout=1,
    )
    sim, call_id = run(gather, steps=collect(pressed) if pressed else [])
    hook, _ = gather_hook(sim)
    got, ended_by = hook.payload["digits"], hook.payload["terminatingDigit"]
    assert len(got) <= max_digits
    assert not set(got) & set(terminators)
    assert ended_by == "" or ended_by in terminators
    expected, expected_end = "", ""
    for digit in pressed:
        if digit in terminators:
            expected_end = digit
            break
        expected += digit
        if len(expected) == max_digits:
            break
    assert (got, ended_by) == (expected, expected_end)
    assert sim.call(call_id).cause == "hangup"
    (end,) = [i for i, a in enumerate(sim.actions) if isinstance(a, EndCall)]
    assert not [a for a in sim.actions[end + 1 :] if isinstance(a, SendWebhook | AppendTimeline)]
