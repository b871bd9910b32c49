"""`<Forward>`: hand an unanswered inbound call to another number; the app loses control.

How this works. The forwarded leg is a call of its own (outbound, `parentCallId` = the inbound
call, `from` = the verb's `from` or the inbound call's `to`), rung with `lifecycle.dial` and the
phone registered for `to`. The inbound call waits on the `<Forward>` for the rest of its life: no
later verb runs and no webhook goes to the app, except the inbound call's `disconnect` to the
application's call-status URL. When the forwarded leg answers, the inbound call is answered too;
when either side hangs up, both end and the inbound call's `disconnect` has cause `hangup`. If the
forwarded leg does not answer (`busy`, `rejected`, `timeout` after `callTimeout`), the inbound
call ends with that cause and message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ringback.bxml import Forward
from ringback.engine import farend, lifecycle
from ringback.engine.call import Call, CallStatus, Direction
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun

if TYPE_CHECKING:
    from ringback.engine.core import Engine


@handles(Forward)
class ForwardRun(VerbRun):
    """Forward the call to `to`; lasts until the call ends.

    On a call that is answered already, or outbound, `<Forward>` is a customer mistake: the call
    ends with cause `application-error` and an errorMessage saying so (Bandwidth documents
    nothing for this case). Simplifications: the forwarded leg sends no webhooks of its own and
    no audio passes between the legs (each side's phone script runs on its own leg);
    `diversionTreatment`, `diversionReason`, `uui`, `privacy` and `callerDisplayName` are accepted
    and unused. The app does not quite lose control: a REST redirect or PUT /bxml once the
    forwarded leg has answered interrupts `<Forward>`, hangs up the forwarded leg and runs the
    new BXML on the inbound call. Forwarded calls are not counted against a rate limit.
    """

    ANSWERS_CALL = False

    def __init__(self, engine: Engine, call: Call, verb: Forward) -> None:
        super().__init__(engine, call, verb)
        self.leg: Call | None = None  # the forwarded leg, once it is dialled

    def start(self) -> None:
        """Check the call can be forwarded, then ring the forwarded leg."""
        call, verb, engine = self.call, self.verb, self.engine
        if call.direction is not Direction.INBOUND or call.answered:
            why = "outbound" if call.direction is Direction.OUTBOUND else "already answered"
            engine.end_call(
                call,
                "application-error",
                f"<Forward> needs an unanswered inbound call; call {call.call_id} is {why}",
            )
            return
        call.program = None  # the app has handed the call over
        leg_id = engine.ids.call()
        self.leg = leg = lifecycle.new_call(
            engine,
            leg_id,
            application_id=call.application_id,
            direction=Direction.OUTBOUND,
            from_=verb.from_ or call.to,
            to=verb.to,
            callback_timeout_s=call.callback_timeout_s,
            base_url=call.base_url,
            parent_call_id=call.call_id,
        )
        leg.end_hooks.append(self._leg_ended)
        engine.note(call, "forward", f"forwarding to {verb.to}", to=verb.to, legCallId=leg_id)
        engine.note(leg, "state", f"forwarded from {call.call_id}", parentCallId=call.call_id)
        lifecycle.dial(
            engine,
            leg,
            farend.phone_for(engine, verb.to),
            verb.call_timeout,
            self._leg_answered,
            self._leg_failed,
        )

    def stop(self) -> None:
        """The inbound call ended or was redirected: hang up (or cancel) the forwarded leg."""
        super().stop()
        leg = self.leg
        if leg is not None and not leg.ended:
            cause = "hangup" if leg.state is CallStatus.ANSWERED else "cancel"
            self.engine.end_call(leg, cause)

    def _leg_answered(self) -> None:
        assert self.leg is not None
        lifecycle.mark_answered(self.engine, self.call)
        farend.far_end(self.engine, self.leg).start()

    def _leg_failed(self, cause: str, message: str | None, sip: int | None) -> None:
        assert self.leg is not None
        self.leg.sip_response_code = sip
        self.engine.end_call(self.leg, cause, message)

    def _leg_ended(self, leg: Call) -> None:
        # Runs inside end_call(leg); when the inbound call is what is ending, stop() came first.
        if not self.finished:
            self.finished = True
            self.engine.end_call(self.call, leg.cause or "hangup", leg.error_message)
