"""`<Transfer>`: ring 1–8 destinations as B-legs and bridge the first to answer.

How this works. `TransferRun` runs on the A-leg for the whole transfer. It creates one outbound
`Call` per `<PhoneNumber>`/`<SipUri>` (`parentCallId` = the A-leg, `from`/`to` of the A-leg,
`transferCallerId`, `transferTo`) and dials each with `lifecycle.dial` and the far end registered
for the destination. The first to answer wins; the others are cancelled. The winner gets
`transferAnswer` if its destination has a URL; its BXML runs on the B-leg, and when that BXML runs
out (`Call.on_bxml_end`, instead of the implicit hangup) the legs are bridged. Every B-leg's end
sends `transferDisconnect` (an end hook). The transfer is over when the winner ends or leaves the
bridge, or when every leg failed: with the A-leg still up, `transferComplete` describes the winner
(or the last leg to fail) and its BXML replaces the A-leg's program; with no URL the A-leg goes on
after `<Transfer>`. If the A-leg leaves first (hangup, redirect, new BXML), every B-leg ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ringback.bxml import PhoneNumber, SipUri, Transfer
from ringback.engine import farend, flow, lifecycle
from ringback.engine.call import Call, Direction
from ringback.engine.payloads import timestamp
from ringback.engine.requests import Callback
from ringback.engine.verbs import bridging, handles
from ringback.engine.verbs.base import VerbRun
from ringback.events import TransferAnswerEvent, TransferCompleteEvent, TransferDisconnectEvent

if TYPE_CHECKING:
    from ringback.engine.core import Engine

Destination = PhoneNumber | SipUri


@dataclass(eq=False, slots=True)
class _Leg:
    """One destination being rung, and the B-leg call that rings it."""

    call: Call
    answer: Callback | None
    disconnect: Callback | None


def remote_party(call: Call) -> str:
    """The number at the far end of a call: the caller of an inbound call, the callee otherwise."""
    return call.from_ if call.direction is Direction.INBOUND else call.to


def destination_address(destination: Destination) -> str:
    """The number or SIP URI a destination dials."""
    return destination.number if isinstance(destination, PhoneNumber) else destination.uri


def destination_callbacks(
    engine: Engine, destination: Destination, base_url: str
) -> tuple[Callback | None, Callback | None]:
    """The destination's `transferAnswer` (with fallback) and `transferDisconnect` callbacks."""
    answer = disconnect = None
    if destination.transfer_answer_url is not None:
        answer = Callback(
            url=destination.transfer_answer_url,
            method=destination.transfer_answer_method,
            username=destination.username,
            password=destination.password,
            fallback_url=destination.transfer_answer_fallback_url,
            fallback_method=destination.transfer_answer_fallback_method,
            fallback_username=destination.fallback_username,
            fallback_password=destination.fallback_password,
        )
        answer = engine.resolve(answer, base_url)
    if destination.transfer_disconnect_url is not None:
        disconnect = Callback(
            url=destination.transfer_disconnect_url,
            method=destination.transfer_disconnect_method,
            username=destination.username,
            password=destination.password,
        )
        disconnect = engine.resolve(disconnect, base_url)
    return answer, disconnect


@handles(Transfer)
class TransferRun(VerbRun):
    """Ring the destinations at once, bridge the first to answer, report how the transfer ended.

    Causes: a B-leg that is busy, rejects or does not answer within `callTimeout` ends with
    `busy` ("Callee is busy"), `rejected` ("Call rejected") or `timeout`; losing legs of a
    simultaneous ring and legs still ringing when the A-leg leaves end with `cancel`; an answered
    B-leg ends with `hangup` when either side hangs up, or with the cause of its own failure
    (`invalid-bxml` for a transferAnswer reply with a verb that context forbids, such as
    `<Transfer>`; `callback-error` when transferAnswer fails).

    Simplifications, stated: B-legs send no `disconnect`, only `transferDisconnect`;
    a B-leg's tag is its destination's `tag` alone (it does not inherit the A-leg's); the B-leg's
    later BXML (after a `<Gather gatherUrl>` in the transferAnswer reply, say) is parsed as call
    BXML, and the legs are bridged when that BXML runs out; `transferCallerDisplayName`,
    `privacy`, `uui` and diversion headers are accepted and have no effect; a B-leg redirected
    through the API leaves the bridge and ends the transfer (`transferComplete` cause `hangup`),
    and goes on alone; when every leg failed, `transferComplete` describes the last to end.
    """

    def start(self) -> None:
        """Create and dial one B-leg per destination."""
        verb: Transfer = self.verb
        program = self.call.program
        base_url = program.base_url if program is not None else self.call.base_url
        self.complete_callback = self.callback("transfer_complete")
        self.caller_id = verb.transfer_caller_id or remote_party(self.call)
        self.winner: _Leg | None = None
        self.legs: list[_Leg] = []
        for destination in verb.destinations:
            self.legs.append(self._dial(destination, base_url))

    def _dial(self, destination: Destination, base_url: str) -> _Leg:
        engine, parent = self.engine, self.call
        address = destination_address(destination)
        observer = parent.observer
        chosen = observer.transfer_leg_id(engine, parent, self.verb) if observer else None
        leg_id = chosen or engine.ids.call()
        b_leg = lifecycle.new_call(
            engine,
            leg_id,
            application_id=parent.application_id,
            direction=Direction.OUTBOUND,
            from_=parent.from_,
            to=parent.to,
            callback_timeout_s=parent.callback_timeout_s,
            base_url=base_url,
            tag=destination.tag or None,
            parent_call_id=parent.call_id,
            transfer_caller_id=self.caller_id,
            transfer_to=address,
        )
        if observer is not None:
            observer.transfer_leg_created(engine, parent, b_leg)
        answer, disconnect = destination_callbacks(engine, destination, base_url)
        leg = _Leg(b_leg, answer, disconnect)
        b_leg.end_hooks.append(lambda _call: self._leg_ended(leg))
        engine.note(parent, "transfer", f"dialing {address}", callId=leg_id, transferTo=address)
        engine.note(b_leg, "state", f"B-leg of {parent.call_id}", parentCallId=parent.call_id)

        def failed(cause: str, message: str | None, sip: int | None) -> None:
            b_leg.sip_response_code = sip
            engine.end_call(b_leg, cause, message)

        script = farend.phone_for(engine, address)
        lifecycle.dial(
            engine, b_leg, script, self.verb.call_timeout, lambda: self._answered(leg), failed
        )
        return leg

    def _answered(self, leg: _Leg) -> None:
        """The first leg to answer wins; the others are cancelled."""
        engine, b_leg = self.engine, leg.call
        self.winner = leg
        for other in self.legs:
            if other is not leg:
                engine.end_call(other.call, "cancel")
        engine.note(self.call, "transfer", f"{b_leg.transfer_to} answered", callId=b_leg.call_id)
        farend.far_end(engine, b_leg).start()
        if leg.answer is None:
            self._bridge(leg)
            return
        b_leg.on_bxml_end = lambda: self._bridge(leg)
        flow.fetch_bxml(engine, b_leg, TransferAnswerEvent, leg.answer, context="transferAnswer")

    def _bridge(self, leg: _Leg) -> None:
        """The B-leg's transferAnswer BXML is done: join the legs."""
        b_leg = leg.call
        bridging.join(self.engine, self.call, b_leg)
        bridging.BridgedRun.install(
            self.engine, b_leg, self.call.call_id, lambda: self._left_bridge(leg)
        )

    def _left_bridge(self, leg: _Leg) -> None:
        """The B-leg left the bridge on its own: hung up, or redirected through the API."""
        bridging.leave(self.engine, leg.call)
        if self.finished:
            return
        # A hang-up ends the transfer through `_leg_ended` in this same step, after the B-leg's
        # transferDisconnect; this timer (cancelled then) ends it for a B-leg that goes on alone.
        self.after(0.0, lambda: self._complete(leg, "hangup"))

    def _leg_ended(self, leg: _Leg) -> None:
        """A B-leg ended, for any reason: `transferDisconnect`, then perhaps the transfer's end."""
        engine, b_leg = self.engine, leg.call
        bridging.leave(engine, b_leg)
        if leg.disconnect is not None:
            event = engine.event(
                TransferDisconnectEvent,
                b_leg,
                end_time=timestamp(engine.now),
                cause=b_leg.cause,
                error_message=b_leg.error_message,
                error_id=b_leg.error_id,
            )
            engine.send_webhook(b_leg, event, leg.disconnect, sync=False)
        if self.finished:
            return
        if self.winner is leg or (
            self.winner is None and all(other.call.ended for other in self.legs)
        ):
            assert b_leg.cause is not None  # set by end_call before the end hooks run
            self._complete(leg, b_leg.cause, b_leg.error_message, b_leg.error_id)

    def _complete(
        self,
        leg: _Leg,
        cause: str,
        message: str | None = None,
        error_id: str | None = None,
    ) -> None:
        """The transfer is over while the A-leg is up: `transferComplete`, or the next verb."""
        bridging.leave(self.engine, self.call)
        self.engine.note(self.call, "transfer", f"transfer over: {cause}", cause=cause)
        if self.complete_callback is None:
            self.done()
            return
        self.fetch(
            TransferCompleteEvent,
            self.complete_callback,
            transfer_caller_id=leg.call.transfer_caller_id,
            transfer_to=leg.call.transfer_to,
            cause=cause,
            error_message=message,
            error_id=error_id,
        )

    def stop(self) -> None:
        """The A-leg left (hangup, redirect, new BXML): every B-leg ends."""
        super().stop()
        bridging.leave(self.engine, self.call)
        for leg in self.legs:
            cause = "hangup" if leg.call.answered else "cancel"
            self.engine.end_call(leg.call, cause)
