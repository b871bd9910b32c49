"""Call lifecycles: dialing and ringing, answering, machine detection, changes through the API.

Outbound: queued → initiated (ringing) → answered, or ended with `timeout`, `busy`, `rejected` or
`cancel`. The far end's script decides how the phone answers and after how long. Inbound: the
call starts initiated, `initiate` goes to the application, and the first verb that needs an
answered call answers it.

Outbound calls wait in the account's queue (`ringback.engine.pacing`) until the rate and line
limits let them start: `startTime` is when they left it. Simplifications, stated: a phone that does
not answer rings until `callTimeout` (the 30 s "never started ringing" case cannot happen); machine
detection decides after a fixed time per result (below), bounded by `detectionTimeout`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from ringback import bxml
from ringback.engine import farend, flow
from ringback.engine.call import Call, CallStatus, Direction
from ringback.engine.farend import FarEnd
from ringback.engine.pacing import start_due
from ringback.engine.payloads import duration
from ringback.engine.requests import Callback, MachineDetection, MachineDetectionMode
from ringback.errors import CallStateError, EngineError
from ringback.events import (
    AnswerEvent,
    InitiateEvent,
    MachineDetectionCompleteEvent,
    MachineDetectionResult,
    MachineDetectionValue,
    RedirectEvent,
)
from ringback.phones.script import AnswerMode, Condition, PhoneScript

if TYPE_CHECKING:
    from ringback.engine import facts as f
    from ringback.engine.core import Engine

# How long machine detection takes to decide, by what answered (virtual seconds).
HUMAN_DETECTION_S = 2.0
MACHINE_DETECTION_S = 4.0

SIP_BUSY = 486
SIP_DECLINE = 603

Failed = Callable[[str, str | None, int | None], None]


def place_outbound(engine: Engine, fact: f.OutboundCallPlaced) -> None:
    """POST /calls: create the call, queue it, dial it when the account's limits allow."""
    request = fact.request
    engine.outbound.admit()
    call = new_call(
        engine,
        fact.call_id,
        application_id=request.application_id,
        direction=Direction.OUTBOUND,
        from_=request.from_,
        to=request.to,
        callback_timeout_s=request.callback_timeout_s,
        base_url=request.answer.url,
        disconnect=disconnect_callback(request.answer, request.disconnect),
        enqueued_time=engine.now,
        tag=request.tag,
    )
    call.extra["request"] = request
    engine.note(call, "state", "queued")
    script = request.phone or farend.phone_for(engine, request.to)

    def answered() -> None:
        # The webhook goes out as the phone picks up; its script starts after (it may hang up).
        detection = request.machine_detection
        if detection is None:
            flow.fetch_bxml(engine, call, AnswerEvent, request.answer)
        elif detection.mode is MachineDetectionMode.SYNC:
            detect_machine(engine, call, script, detection, sync_answer=request.answer)
        else:
            flow.fetch_bxml(engine, call, AnswerEvent, request.answer)
            detect_machine(engine, call, script, detection, sync_answer=None)
        farend.far_end(engine, call).start()

    def failed(cause: str, message: str | None, sip: int | None) -> None:
        call.sip_response_code = sip
        engine.end_call(call, cause, message)

    def freed(_call: Call) -> None:
        # A call cancelled while queued never started; its `disconnect` still needs a startTime
        # (the event requires one), so its time in the queue ends there.
        if call.start_time is None:
            call.start_time = engine.now
        engine.outbound.ended(call.call_id)
        start_due(engine)

    call.end_hooks.append(freed)
    engine.outbound.add(
        call.call_id,
        request.priority,
        engine.now,
        lambda: dial(engine, call, script, request.call_timeout_s, answered, failed),
    )
    start_due(engine)


def dial(
    engine: Engine,
    call: Call,
    script: PhoneScript,
    call_timeout_s: float,
    answered: Callable[[], None],
    failed: Failed,
) -> None:
    """Ring the far end; it answers, is busy, rejects, or lets `callTimeout` run out."""
    call.state = CallStatus.INITIATED
    call.start_time = call.last_update = engine.now
    call.far_end = FarEnd(engine, call, script)
    engine.note(call, "state", "ringing", to=call.transfer_to or call.to)
    respond_after = min(script.answer_after_s, call_timeout_s)

    def timeout() -> None:
        engine.note(call, "far-end", "no answer")
        failed("timeout", None, None)

    match script.answer:
        case AnswerMode.BUSY:
            engine.set_timer(
                call, respond_after, lambda: failed("busy", "Callee is busy", SIP_BUSY)
            )
        case AnswerMode.REJECT:
            engine.set_timer(
                call, respond_after, lambda: failed("rejected", "Call rejected", SIP_DECLINE)
            )
        case AnswerMode.NO_ANSWER:
            engine.set_timer(call, call_timeout_s, timeout)
        case _ if script.answer_after_s >= call_timeout_s:
            engine.set_timer(call, call_timeout_s, timeout)
        case _:

            def answer() -> None:
                mark_answered(engine, call)
                answered()

            engine.set_timer(call, script.answer_after_s, answer)


def mark_answered(engine: Engine, call: Call) -> None:
    """The call is now up."""
    call.state = CallStatus.ANSWERED
    call.answer_time = call.last_update = engine.now
    engine.note(call, "state", "answered")
    if call.observer is not None:
        call.observer.call_answered(engine, call)
    farend.begin_activity(engine, call, Condition.ANSWER)


def detect_machine(
    engine: Engine,
    call: Call,
    script: PhoneScript,
    detection: MachineDetection,
    sync_answer: Callback | None,
) -> None:
    """Answering machine detection: the far end's script says what answered (spec §5.3)."""
    machine = script.answer is AnswerMode.MACHINE
    decide_s = MACHINE_DETECTION_S if machine else HUMAN_DETECTION_S
    value: MachineDetectionValue = "answering-machine" if machine else "human"
    if decide_s > detection.detection_timeout_s:
        decide_s, value = detection.detection_timeout_s, "timeout"
    result = MachineDetectionResult(value=value, duration=duration(decide_s))

    def decided() -> None:
        engine.note(call, "machine-detection", f"result: {value}", value=value)
        if sync_answer is not None:
            flow.fetch_bxml(engine, call, AnswerEvent, sync_answer, machine_detection_result=result)
        elif detection.callback is not None:
            event = engine.event(
                MachineDetectionCompleteEvent, call, machine_detection_result=result
            )
            engine.send_webhook(call, event, detection.callback, sync=False)

    engine.set_timer(call, decide_s, decided)


def receive_inbound(engine: Engine, fact: f.InboundCallArrived) -> None:
    """An inbound call: the caller's script starts, `initiate` goes to the application."""
    request = fact.request
    app = request.application
    call = new_call(
        engine,
        fact.call_id,
        application_id=app.application_id,
        direction=Direction.INBOUND,
        from_=request.from_,
        to=request.to,
        callback_timeout_s=app.callback_timeout_s,
        base_url=app.call_initiated.url,
        disconnect=app.call_status,
        state=CallStatus.INITIATED,
        start_time=engine.now,
    )
    engine.note(call, "state", "initiated", **{"from": request.from_, "to": request.to})
    call.far_end = FarEnd(engine, call, request.caller)
    call.far_end.start()
    flow.fetch_bxml(engine, call, InitiateEvent, app.call_initiated)


def answer_inbound(engine: Engine, call: Call) -> None:
    """The first verb that needs media answers an inbound call (no `answer` webhook is sent)."""
    if call.direction is Direction.INBOUND and call.state is CallStatus.INITIATED:
        mark_answered(engine, call)


def complete_by_api(engine: Engine, call: Call, by: str = "through the API") -> None:
    """POST /calls/{id} state=completed: hang up, cancel a ringing call, reject an inbound one."""
    engine.note(call, "api", f"completed {by}")
    if call.answered:
        engine.end_call(call, "hangup")
    elif call.direction is Direction.OUTBOUND:
        engine.end_call(call, "cancel")
    else:
        engine.end_call(call, "rejected", "The application rejected the call")


def live_call(engine: Engine, call_id: str) -> Call:
    """The call, if the API may still change it (CallStateError once it ended)."""
    call = engine.call(call_id)
    if call.ended:
        raise CallStateError(f"Call [{call_id}] cannot be modified in its current state")
    return call


def answered_call(engine: Engine, call_id: str) -> Call:
    """The call, if new BXML may run on it: a redirect or a replacement needs it up (409 before)."""
    call = live_call(engine, call_id)
    if not call.answered:
        raise CallStateError(f"Call [{call_id}] cannot be modified in its current state")
    return call


def update_by_api(engine: Engine, fact: f.CallUpdateRequested) -> None:
    """POST /calls/{id}: complete the call, or set its tag and redirect it to new BXML."""
    call = live_call(engine, fact.call_id)
    if fact.state == "completed":
        complete_by_api(engine, call, fact.by)
        return
    if fact.redirect is not None:
        answered_call(engine, fact.call_id)
    if fact.set_tag:
        call.tag = fact.tag or None
    if fact.redirect is not None:
        flow.interrupt(engine, call)
        engine.note(call, "redirect", "redirected through the API")
        callback = resolve_callback(fact.redirect, call.base_url)
        flow.fetch_bxml(engine, call, RedirectEvent, callback)


def replace_bxml_by_api(engine: Engine, call_id: str, text: str) -> None:
    """PUT /calls/{id}/bxml: the document replaces whatever the call was running."""
    call = answered_call(engine, call_id)
    document = bxml.parse(text)
    flow.interrupt(engine, call)
    engine.note(call, "bxml", "BXML replaced through the API")
    flow.note_leniency(engine, call, document)
    flow.run_document(engine, call, document.verbs, call.base_url)


def disconnect_callback(answer: Callback, disconnect: Callback | None) -> Callback | None:
    """`disconnectUrl` uses the answer URL's credentials (spec §5.3) and has no fallback."""
    if disconnect is None:
        return None
    if (disconnect.username or not answer.username) and (
        disconnect.password or not answer.password
    ):
        return disconnect  # nothing to take from the answer URL (a copy costs 5 µs a call)
    return replace(
        disconnect,
        username=disconnect.username or answer.username,
        password=disconnect.password or answer.password,
    )


def resolve_callback(callback: Callback, base_url: str) -> Callback:
    """Resolve relative URLs against the URL that returned the BXML (RFC 3986, spec §4.2)."""
    fallback = callback.fallback_url
    return replace(
        callback,
        url=urljoin(base_url, callback.url),
        fallback_url=urljoin(base_url, fallback) if fallback else None,
    )


def call_url(engine: Engine, call_id: str) -> str:
    """The REST URL of a call."""
    config = engine.config
    return f"{config.base_url}/api/v2/accounts/{config.account_id}/calls/{call_id}"


def new_call(engine: Engine, call_id: str, **fields: Any) -> Call:
    """Register a new call of this account; ids are handed out once, so a reused one is a bug."""
    if call_id in engine.calls:
        raise EngineError(f"call id {call_id} is already in use")
    call = Call(
        call_id=call_id,
        account_id=engine.config.account_id,
        call_url=call_url(engine, call_id),
        last_update=engine.now,
        **fields,
    )
    engine.calls[call_id] = call
    return call
