"""v1 REST commands performed with the engine's shared machinery (v1 spec §2.1, §4.6).

Placing a call dials it as a v2 call is dialed (`lifecycle.dial`, the far end's script);
`/audio`, `/gather` and `/dtmf` run the engine's `<SpeakSentence>`, `<PlayAudio>`, `<Gather>`
and `<SendDtmf>` verbs, one after another in the order asked; recording is the background
recording of `<StartRecording>`; a transfer is the `<Transfer>` verb. Only the reports differ
(`V1Leg`). Requests that do not fit the call's state raise `V1StateError` with v1's code.

Simplifications, stated: commands queue (a `/gather` asked for while a sentence plays starts
when it ends, so digits pressed during the sentence are not gathered); `volume` and `locale` do
not change the timing; a transfer's `whisperAudio` is not played.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ringback import bxml
from ringback.engine import farend, flow, lifecycle
from ringback.engine.call import Call, CallStatus, Direction
from ringback.engine.v1 import requests as r
from ringback.engine.v1.leg import (
    V1Gather,
    V1Leg,
    enqueue,
    leg_of,
    transcription_event,
    user_url,
    v1_now,
)
from ringback.engine.verbs.recording import (
    FEATURE_NAME,
    BackgroundRecording,
    RecordingCallbacks,
    background_recording,
    open_call_recording,
    set_live,
)
from ringback.errors import V1StateError
from ringback.events_v1 import IncomingCall, Timeout

if TYPE_CHECKING:
    from ringback.engine.core import Engine


def leg(engine: Engine, call_id: str) -> tuple[Call, V1Leg]:
    """A v1 call and its state (a v2 call is not found on the v1 API)."""
    call = engine.call(call_id)
    found = leg_of(call)
    if found is None:
        raise V1StateError(
            f"The call '{call_id}' could not be found", code="call-not-found", status=404
        )
    return call, found


def active_call(engine: Engine, call_id: str) -> Call:
    call, _ = leg(engine, call_id)
    if not call.answered:
        state = "completed" if call.ended else "started"
        raise V1StateError(f"Unable to update call '{call_id}'. Invalid call state '{state}'")
    return call


def _new_call(engine: Engine, call_id: str, v1: V1Leg, **fields: object) -> Call:
    call = lifecycle.new_call(engine, call_id, **fields)
    call.call_url = user_url(engine, "calls", call_id)
    call.idle_at_end = True
    call.observer = v1
    return call


# ---- placing and receiving --------------------------------------------------------------------


def place_call(engine: Engine, request: r.PlaceCall) -> None:
    """POST /calls: dial; `answer`, or `timeout` then `hangup` (`NO_ANSWER`, v1 §8 #6)."""
    v1 = V1Leg(
        request.events,
        recording=request.recording,
        conference_id=request.conference_id,
        bridge_id=request.bridge_id,
    )
    call = _new_call(
        engine,
        request.call_id,
        v1,
        application_id="",
        direction=Direction.OUTBOUND,
        from_=request.from_,
        to=request.to,
        callback_timeout_s=request.events.timeout_s,
        base_url=request.events.callback.url if request.events.callback else "",
        enqueued_time=engine.now,
        tag=request.tag,
    )
    v1.log_only(engine, "create")
    engine.note(call, "state", "queued")
    script = request.phone or farend.phone_for(engine, request.to)

    def answered() -> None:
        farend.far_end(engine, call).start()
        if v1.recording.enabled and not call.ended:
            start_recording(engine, call, v1)

    def failed(cause: str, message: str | None, sip: int | None) -> None:
        call.sip_response_code = sip
        if cause == "timeout":
            timeout = Timeout(
                from_=call.from_,
                to=call.to,
                call_id=call.call_id,
                call_uri=call.call_url,
                time=v1_now(engine),
                tag=call.tag,
            )
            v1.send(engine, call, timeout)
        engine.end_call(call, cause, message)

    lifecycle.dial(engine, call, script, request.call_timeout_s, answered, failed)


def receive_call(engine: Engine, request: r.ReceiveCall) -> None:
    """An inbound call: `incomingcall`, then `answer` at once with `autoAnswer` (v1 §4.6)."""
    v1 = V1Leg(request.events, application_id=request.application_id)
    call = _new_call(
        engine,
        request.call_id,
        v1,
        application_id=request.application_id,
        direction=Direction.INBOUND,
        from_=request.from_,
        to=request.to,
        callback_timeout_s=request.events.timeout_s,
        base_url=request.events.callback.url if request.events.callback else "",
        state=CallStatus.INITIATED,
        start_time=engine.now,
    )
    v1.log_only(engine, "create")
    engine.note(call, "state", "initiated", **{"from": request.from_, "to": request.to})
    incoming = IncomingCall(
        from_=call.from_,
        to=call.to,
        call_id=call.call_id,
        call_uri=call.call_url,
        call_state="active",  # as documented, although GET shows `started` (v1 §8 #16)
        application_id=request.application_id,
        time=v1_now(engine),
        display_name=call.from_,
        withhold_caller_number=False,
        withhold_caller_name=False,
    )
    v1.send(engine, call, incoming)
    farend.far_end(engine, call).script = request.caller
    if request.auto_answer:
        lifecycle.mark_answered(engine, call)
    farend.far_end(engine, call).start()


# ---- updating ---------------------------------------------------------------------------------


def update_call(engine: Engine, request: r.UpdateCall) -> None:
    """POST /calls/{id}: answer, reject, hang up, transfer, record, re-point events."""
    call, v1 = leg(engine, request.call_id)
    if call.ended:
        state = "rejected" if call.cause == "rejected" else "completed"
        raise V1StateError(f"You can't update the call's state after being set to '{state}'")
    if request.events is not None and request.transfer is None:
        v1.events = request.events
    if request.recording_file_format is not None or request.recording_max_duration_s is not None:
        v1.recording = r.Recording(
            v1.recording.enabled,
            request.recording_file_format or v1.recording.file_format,
            request.recording_max_duration_s or v1.recording.max_duration_s,
            v1.recording.transcribe,
        )
    match request.state:
        case "active":
            if not call.answered:
                _require_ringing_inbound(call, "active")
                lifecycle.mark_answered(engine, call)
        case "rejected":
            _require_ringing_inbound(call, "rejected")
            engine.note(call, "api", "rejected through the API")
            engine.end_call(call, "rejected", "The application rejected the call")
            return
        case "completed":
            lifecycle.complete_by_api(engine, call)
            return
        case "transferring":
            assert request.transfer is not None  # the API requires transferTo
            transfer(engine, active_call(engine, call.call_id), v1, request.transfer)
    if request.recording_enabled is True and call.answered:
        start_recording(engine, call, v1)
    elif request.recording_enabled is False:
        stop_recording(call)


def _require_ringing_inbound(call: Call, state: str) -> None:
    if call.direction is not Direction.INBOUND or call.answered:
        current = "active" if call.answered else "started"
        raise V1StateError(
            f"Unable to update call '{call.call_id}' to '{state}'. Invalid call state"
            f" '{current}' (only a ringing incoming call can be answered or rejected)"
        )


def transfer(engine: Engine, call: Call, v1: V1Leg, request: r.Transfer) -> None:
    """`state: transferring`: the `<Transfer>` verb; the B-leg reports to the transfer's URL.

    The A-leg ends with the bridge: when either side hangs up after the B-leg answered, both
    get `hangup` (v1 §4.6 #7, our choice where the docs are silent).
    """
    if v1.transferring:
        raise V1StateError(f"The call '{call.call_id}' is already being transferred")
    verb = bxml.Transfer(
        destinations=(bxml.PhoneNumber(request.to),),
        transfer_caller_id=request.caller_id,
    )
    b_leg = V1Leg(request.events)
    v1.transferring = True
    v1.transfer_legs[id(verb)] = (request.new_call_id, b_leg)
    flow.interrupt(engine, call)
    enqueue(engine, call, verb)


# ---- audio, gathers, recording ----------------------------------------------------------------


def play_audio(engine: Engine, call: Call, audio: r.Audio) -> None:
    """`/audio`: speak or play after what runs now, or stop what plays (403 if nothing does)."""
    v1 = leg_of(call)
    assert v1 is not None
    if audio.stops:
        kind = bxml.SpeakSentence if audio.sentence == "" else bxml.PlayAudio
        run = call.run
        if run is None or not isinstance(run.verb, kind) or id(run.verb) not in v1.audio:
            raise V1StateError(
                f"The audio for call '{call.call_id}' could not be updated. The audio has"
                " already finished or does not exist.",
                code="call-audio-invalid-state",
            )
        v1.audio[id(run.verb)] = (v1.audio[id(run.verb)][0], False)
        flow.stop_run(engine, call, run)
        flow.advance(engine, call)
        return
    verb = audio_verb(audio)
    v1.audio[id(verb)] = (audio.tag, audio.loop)
    enqueue(engine, call, verb)


def send_digits(engine: Engine, call_id: str, digits: str) -> None:
    """`/dtmf`: the `<SendDtmf>` verb, after what runs now."""
    enqueue(engine, active_call(engine, call_id), bxml.SendDtmf(digits))


def audio_verb(audio: r.Audio) -> bxml.SpeakSentence | bxml.PlayAudio:
    """The verb that plays a v1 audio object (a sentence is text, not SSML: it is escaped)."""
    if audio.sentence is not None:
        return bxml.SpeakSentence(
            html.escape(audio.sentence, quote=False),
            voice=audio.voice,
            gender=audio.gender,
            locale=audio.locale,
        )
    assert audio.file_url is not None
    return bxml.PlayAudio(audio.file_url)


def start_gather(engine: Engine, request: r.StartGather) -> None:
    """`/gather`: the `<Gather>` verb, no URL; its end is reported as `gather` (409 if one runs)."""
    call = active_call(engine, request.call_id)
    v1 = leg_of(call)
    assert v1 is not None
    if any(g.state == "started" for g in v1.gathers.values()):
        raise V1StateError(
            f"DTMF digits are already being gathered for call '{call.call_id}'",
            code="call-duplicate-gather-error",
            status=409,
        )
    prompts = () if request.prompt is None else (audio_verb(request.prompt),)
    verb = bxml.Gather(
        prompts,
        terminating_digits=request.terminating_digits,
        max_digits=request.max_digits,
        inter_digit_timeout=request.inter_digit_timeout_s,
        first_digit_timeout=request.inter_digit_timeout_s,
    )
    gather = V1Gather(request.gather_id, verb, v1_now(engine), request.tag)
    v1.gathers[request.gather_id] = gather
    enqueue(engine, call, verb)


def stop_gather(engine: Engine, call: Call, gather_id: str) -> None:
    """`{"state": "completed"}`: stop the gather; `gather` goes out with no `reason`."""
    v1 = leg_of(call)
    gather = v1.gathers.get(gather_id) if v1 is not None else None
    if v1 is None or gather is None:
        raise V1StateError(
            f"The gather '{gather_id}' could not be found", code="gather-not-found", status=404
        )
    if gather.state == "completed" or call.ended:
        return
    run = call.run
    if run is not None and run.verb is gather.verb:
        flow.stop_run(engine, call, run)  # the leg reports it, with the digits so far
        flow.advance(engine, call)
        return
    program = call.program
    if program is not None:
        program.verbs = tuple(v for v in program.verbs if v is not gather.verb)
    v1.complete_gather(engine, call, gather, "", None)


def start_recording(engine: Engine, call: Call, v1: V1Leg) -> None:
    """`recordingEnabled: true`: a background recording (several per call are allowed)."""
    if background_recording(call) is not None:
        return
    settings = v1.recording
    recording = open_call_recording(
        engine, call, file_format=settings.file_format, recording_id=engine.ids.v1("rec")
    )
    v1.recording_ids.append(recording.recording_id)
    callbacks = RecordingCallbacks(
        available=None,
        transcription=None,
        transcribe=settings.transcribe and settings.file_format == "wav",
        transcription_id=engine.ids.v1("tr"),
    )
    feature = BackgroundRecording(engine, call, recording, callbacks)
    call.features[FEATURE_NAME] = feature
    set_live(engine, call, recording, live=True)
    v1.recording = r.Recording(
        True, settings.file_format, settings.max_duration_s, settings.transcribe
    )

    def limit() -> None:
        if call.features.get(FEATURE_NAME) is feature:
            feature.stop()

    engine.set_timer(call, settings.max_duration_s, limit)


def stop_recording(call: Call) -> None:
    """`recordingEnabled: false`: the recording ends and is announced."""
    feature = background_recording(call)
    if feature is not None:
        feature.stop()
    v1 = leg_of(call)
    if v1 is not None:
        s = v1.recording
        v1.recording = r.Recording(False, s.file_format, s.max_duration_s, s.transcribe)


def transcribe(engine: Engine, request: r.Transcribe) -> None:
    """Transcribe a complete recording (once; 403 `invalid-recording-state` while recording).

    The `transcription` event goes to the recorded call's events URL.
    """
    recording = engine.recordings.get(request.recording_id)
    if recording is None or recording.call_id is None:
        raise V1StateError(
            f"The recording '{request.recording_id}' could not be found",
            code="recording-not-found",
            status=404,
        )
    if not recording.finished:
        raise V1StateError(
            f"Cannot transcribe the recording '{request.recording_id}'. The state must be complete",
            code="invalid-recording-state",
        )
    if recording.transcription is not None:
        return
    recording.transcribe(request.transcription_id, engine.now)
    call = engine.call(recording.call_id)
    v1 = leg_of(call)
    if v1 is not None:
        v1.send(engine, call, transcription_event(engine, recording))
