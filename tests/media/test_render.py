"""Rendering recordings: exact length, channels, DTMF found by a Goertzel detector, voice energy."""

from __future__ import annotations

import io
import math
import wave
from array import array
from typing import Any

import pytest
from bandwidth.models.bxml import Pause, PlayAudio, Response, SpeakSentence, StartRecording

from ringback.engine.call import Call, Direction
from ringback.engine.media import MediaLog, Side, Sound
from ringback.engine.recordings import Recording
from ringback.engine.sim import Routes, Simulation
from ringback.media.measure import inspect_audio
from ringback.media.render import render_recording
from ringback.phones.script import parse_script

RATE_HZ = 8000
T0 = 1_700_000_000.0
LOW_HZ = (697, 770, 852, 941)
HIGH_HZ = (1209, 1336, 1477, 1633)
KEYPAD = ("123A", "456B", "789C", "*0#D")
WINDOW = 400  # 50 ms: a 20 Hz resolution, four windows in a 100 ms digit
STEP = 200


# ---- an independent DTMF detector -------------------------------------------------------------


def goertzel_share(window: array[int] | list[int], freq_hz: float) -> float:
    """The share of the window's energy at `freq_hz` (1.0: all of it is one pure tone there)."""
    coeff = 2 * math.cos(2 * math.pi * freq_hz / RATE_HZ)
    s1 = s2 = 0.0
    for x in window:
        s1, s2 = x + coeff * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    energy = sum(x * x for x in window)
    return 2 * power / (len(window) * energy) if energy else 0.0


def digit_in(window: array[int] | list[int]) -> str | None:
    """The DTMF digit in a window: a low and a high tone that each hold a third of the energy."""
    lows = [goertzel_share(window, f) for f in LOW_HZ]
    highs = [goertzel_share(window, f) for f in HIGH_HZ]
    row, col = lows.index(max(lows)), highs.index(max(highs))
    if lows[row] > 0.3 and highs[col] > 0.3:
        return KEYPAD[row][col]
    return None


def decode_dtmf(samples: array[int]) -> str:
    """Every digit in a channel, in order (a digit held over several windows counts once)."""
    digits, last = [], None
    for start in range(0, len(samples) - WINDOW + 1, STEP):
        found = digit_in(samples[start : start + WINDOW])
        if found is not None and found != last:
            digits.append(found)
        last = found
    return "".join(digits)


# ---- helpers ----------------------------------------------------------------------------------


def read_wav(data: bytes) -> tuple[tuple[int, int, int, int], list[array[int]]]:
    """The stdlib reader's view of a file (channels, sample width, rate, frames), de-interleaved."""
    with wave.open(io.BytesIO(data), "rb") as reader:
        channels = reader.getnchannels()
        shape = (channels, reader.getsampwidth(), reader.getframerate(), reader.getnframes())
        samples = array("h", reader.readframes(reader.getnframes()))
    return shape, [samples[n::channels] for n in range(channels)]


def span(channel: array[int], start_s: float, end_s: float) -> array[int]:
    return channel[round(start_s * RATE_HZ) : round(end_s * RATE_HZ)]


def rms(samples: array[int]) -> float:
    return math.sqrt(sum(x * x for x in samples) / len(samples)) if samples else 0.0


def make_call() -> Call:
    return Call(
        call_id="c-1",
        account_id="9900000",
        application_id="app-1",
        direction=Direction.OUTBOUND,
        from_="+15551112222",
        to="+15553334444",
        call_url="http://127.0.0.1:8080/api/v2/accounts/9900000/calls/c-1",
        callback_timeout_s=15,
        base_url="http://app.test/answer",
    )


def recording(
    sounds: list[tuple[float, float, Side, Sound, str]],
    end_s: float,
    *,
    channels: int = 1,
    file_format: str = "wav",
    pauses: tuple[tuple[float, float], ...] = (),
) -> Recording:
    """A recording of a call whose media log holds `sounds` (times from T0), finished at end_s."""
    media = MediaLog()
    for start, end, side, sound, text in sounds:
        media.add(T0 + start, T0 + end, side, sound, text)
    made = Recording.of_call("r-1", make_call(), T0, channels=channels, file_format=file_format)
    for lo, hi in pauses:
        made.pause(T0 + lo)
        made.resume(T0 + hi)
    made.finish(T0 + end_s, media)
    return made


FAR, PLATFORM = Side.FAR, Side.PLATFORM
CALL_SOUNDS = [
    (0.5, 2.5, PLATFORM, Sound.PROMPT, "please enter your account number"),
    (3.0, 3.1, FAR, Sound.DTMF, "4"),
    (3.2, 3.3, FAR, Sound.DTMF, "2"),
    (3.4, 3.5, FAR, Sound.DTMF, "#"),
    (4.0, 6.0, FAR, Sound.SPEECH, "i would like to speak to someone"),
    (6.5, 7.5, PLATFORM, Sound.AUDIO, "https://media.example/hold.mp3"),
]


# ---- length and format ------------------------------------------------------------------------


@pytest.mark.parametrize("channels", [1, 2])
def test_render_wav_length_is_exact_to_the_sample(channels: int) -> None:
    """A 7.123 s recording (paused 1 s) is 6.123 s of 8 kHz 16-bit audio, read by stdlib wave."""
    made = recording(CALL_SOUNDS, 7.123, channels=channels, pauses=((5.0, 6.0),))
    data, media_type = render_recording(made)
    shape, _ = read_wav(data)
    assert media_type == "audio/vnd.wave"
    assert made.duration_s == 6.123
    assert shape == (channels, 2, RATE_HZ, 48_984)  # 6.123 s * 8000


@pytest.mark.parametrize("channels", [1, 2])
def test_render_mp3_measures_exactly_the_recording_duration(channels: int) -> None:
    """An MP3 recording measures (Info frame, LAME delay and padding) to its exact duration."""
    made = recording(CALL_SOUNDS, 7.123, channels=channels, file_format="mp3")
    data, media_type = render_recording(made)
    info = inspect_audio(data, media_type, "http://x/media")
    assert media_type == "audio/mpeg"
    assert (info.format, info.channels, info.sample_rate_hz) == ("mp3", channels, RATE_HZ)
    assert info.duration_s == made.duration_s == 7.123


@pytest.mark.parametrize("file_format", ["wav", "mp3"])
def test_render_empty_recording(file_format: str) -> None:
    """A recording stopped as soon as it started is a valid file of no length."""
    made = recording([], 0.0, file_format=file_format)
    data, media_type = render_recording(made)
    assert inspect_audio(data, media_type, "http://x/media").duration_s == 0.0


def test_render_is_deterministic_and_depends_on_the_words() -> None:
    """The same recording renders to the same bytes; other words sound different."""
    first = render_recording(recording(CALL_SOUNDS, 8.0))[0]
    assert render_recording(recording(CALL_SOUNDS, 8.0))[0] == first
    other = [(*sound[:4], "something else entirely") for sound in CALL_SOUNDS]
    assert render_recording(recording(other, 8.0))[0] != first


# ---- what is heard where ----------------------------------------------------------------------


def test_render_dtmf_digits_are_where_they_were_pressed() -> None:
    """The Goertzel detector finds 4, 2, # on the far end's channel, in order, at their times."""
    _, (far, _platform) = read_wav(render_recording(recording(CALL_SOUNDS, 8.0, channels=2))[0])
    assert decode_dtmf(far) == "42#"
    assert digit_in(span(far, 3.02, 3.08)) == "4"
    assert digit_in(span(far, 3.22, 3.28)) == "2"
    assert digit_in(span(far, 3.42, 3.48)) == "#"


def test_render_no_dtmf_in_silence_speech_or_prompts() -> None:
    """Between the digits there is silence; speech, prompts and music are never taken for digits."""
    _, (far, platform) = read_wav(render_recording(recording(CALL_SOUNDS, 8.0, channels=2))[0])
    assert set(span(far, 3.11, 3.19)) == {0}
    assert digit_in(span(far, 3.11, 3.19)) is None
    assert decode_dtmf(platform) == ""
    assert decode_dtmf(span(far, 3.6, 8.0)) == ""


def test_render_speech_energy_where_the_far_end_spoke() -> None:
    """Voice energy on channel 0 while the far end speaks, silence before and after."""
    _, (far, _) = read_wav(render_recording(recording(CALL_SOUNDS, 8.0, channels=2))[0])
    assert rms(span(far, 4.0, 6.0)) > 1000
    assert set(span(far, 0.0, 3.0)) == {0}
    assert set(span(far, 6.0, 8.0)) == {0}


def test_render_speech_is_voice_band() -> None:
    """Most of the speech's energy lies between 100 Hz and 1.5 kHz, none of it near 3 kHz."""
    _, (far, _) = read_wav(render_recording(recording(CALL_SOUNDS, 8.0, channels=2))[0])
    voiced = span(far, 4.0, 6.0)
    # Sum the shares over a 25 Hz grid of Goertzel probes on a strong window of the speech.
    start = max(range(0, len(voiced) - WINDOW, STEP), key=lambda i: rms(voiced[i : i + WINDOW]))
    window = voiced[start : start + WINDOW]
    low_band = sum(goertzel_share(window, f) for f in range(100, 1500, 20))
    high_band = sum(goertzel_share(window, f) for f in range(2800, 3200, 20))
    assert low_band > 0.8
    assert high_band < 0.01


def test_render_two_channels_split_far_end_and_platform() -> None:
    """multiChannel: prompts and played audio on channel 1 only, the far end on channel 0 only."""
    _, (far, platform) = read_wav(render_recording(recording(CALL_SOUNDS, 8.0, channels=2))[0])
    assert rms(span(platform, 0.5, 2.5)) > 1000  # the prompt
    assert rms(span(platform, 6.5, 7.5)) > 1000  # the played file
    assert set(span(platform, 2.6, 6.4)) == {0}
    assert set(span(far, 0.0, 2.9)) == {0}


def test_render_mono_is_the_sum_of_both_channels() -> None:
    """One channel mixes everything: sample by sample, the two channels added (nothing lost)."""
    overlapping = [*CALL_SOUNDS, (4.5, 5.5, PLATFORM, Sound.PROMPT, "please hold")]
    _, (mono,) = read_wav(render_recording(recording(overlapping, 8.0))[0])
    _, (far, platform) = read_wav(render_recording(recording(overlapping, 8.0, channels=2))[0])
    assert list(mono) == [a + b for a, b in zip(far, platform, strict=True)]
    assert rms(span(mono, 4.5, 5.5)) > rms(span(far, 4.5, 5.5))


def test_render_overload_is_scaled_not_clipped() -> None:
    """Sounds that add up past 16 bits (three phones pressing 5 over a voice) are turned down."""
    sounds = [(0.0, 1.0, FAR, Sound.DTMF, "5") for _ in range(3)]
    sounds.append((0.0, 1.0, FAR, Sound.SPEECH, "hello hello hello"))
    _, (mono,) = read_wav(render_recording(recording(sounds, 1.0))[0])
    assert max(abs(x) for x in mono) >= 32766
    assert sum(1 for x in mono if abs(x) >= 32766) <= 3  # a clipped signal would sit there
    assert decode_dtmf(mono) == "5"


# ---- end to end through the engine ------------------------------------------------------------


def test_render_engine_recording_end_to_end() -> None:
    """A simulated call: the digits the phone pressed decode from the rendered file, in order."""
    app: dict[str, Any] = {
        "/answer": Response(
            [
                StartRecording(multi_channel=True, recording_available_url="/available"),
                SpeakSentence("Enter your code after the tone."),
                PlayAudio("/media/beep.wav"),
                Pause(6),
            ]
        ).to_bxml()
    }
    phone = parse_script(
        {
            "steps": [
                {"waitFor": "record"},
                {"wait": 3},
                {"press": "2580"},
                {"say": "done", "duration": 1},
            ]
        }
    )
    sim = Simulation(Routes(app), media={"http://app.test/media/beep.wav": 0.5})
    sim.place_call("http://app.test/answer", phone=phone)
    sim.run()
    (made,) = sim.engine.recordings.values()
    _, (far, platform) = read_wav(render_recording(made)[0])
    assert len(far) == round(made.duration_s * RATE_HZ)
    assert decode_dtmf(far) == "2580"
    assert decode_dtmf(platform) == ""
    prompt = next(s for s in made.segments if s.sound is Sound.PROMPT)
    assert rms(span(platform, prompt.start, prompt.end)) > 1000
