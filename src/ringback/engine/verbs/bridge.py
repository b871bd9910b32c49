"""`<Bridge>`: join this call with another existing call.

How this works. `BridgeRun` runs on the bridging call for as long as the bridge lasts. Starting
it cancels whatever BXML the target is running (`flow.interrupt`) and puts the stand-in
`BridgedRun` on the target. Whichever call leaves first decides the one event: the target leaves
(hangs up, is redirected, gets new BXML) → `bridgeComplete` on the bridging call, whose reply
replaces its program (no URL: the next verb runs); the bridging call leaves → `bridgeTargetComplete`
on the target, whose reply runs there (no URL: the target is hung up).
"""

from __future__ import annotations

from ringback.bxml import Bridge, Forward
from ringback.engine import flow, lifecycle
from ringback.engine.call import Call, Direction
from ringback.engine.verbs import bridging, handles
from ringback.engine.verbs.base import VerbRun
from ringback.events import BridgeCompleteEvent, BridgeTargetCompleteEvent


@handles(Bridge)
class BridgeRun(VerbRun):
    """Bridge with the target call; `bridgeComplete` or `bridgeTargetComplete` when it ends.

    A bridge that cannot be made sends `bridgeComplete` at once with a cause and message (the
    next verb runs if there is no `bridgeCompleteUrl`): target unknown, already ended, or this
    call itself (`unknown`); an outbound target not yet answered (`unknown`); a target already
    bridged, a `<Transfer>` bridge included (`busy`, with the documented text "Call {id} is
    already bridged with another call"), or executing `<Forward>` (`busy`).

    Simplifications, stated: an unanswered inbound target is answered by the bridge; the causes
    other than the documented `busy` example are our choice among the documented busy, rejected
    and unknown.
    """

    def start(self) -> None:
        """Check the target, cancel its BXML, and join the two calls."""
        engine, call = self.engine, self.call
        self.complete_callback = self.callback("bridge_complete")
        self.target_complete_callback = self.callback("bridge_target_complete")
        target_id = self.verb.call_id
        problem = self._problem(target_id)
        if problem is not None:
            cause, message = problem
            engine.note(call, "bridge", f"cannot bridge: {message}", cause=cause)
            self._complete(cause, message, engine.ids.error())
            return
        target = engine.calls[target_id]
        flow.interrupt(engine, target)
        target.on_bxml_end = None  # what would have followed the target's BXML is cancelled too
        lifecycle.answer_inbound(engine, target)
        bridging.join(engine, call, target)
        bridging.BridgedRun.install(engine, target, call.call_id, self._target_left)

    def _problem(self, target_id: str) -> tuple[str, str] | None:
        """Why the target cannot be bridged (cause, errorMessage), or None."""
        if target_id == self.call.call_id:
            return "unknown", f"Call {target_id} cannot be bridged with itself"
        target: Call | None = self.engine.calls.get(target_id)
        if target is None:
            return "unknown", f"Call {target_id} does not exist"
        if target.ended:
            return "unknown", f"Call {target_id} has already ended"
        if target.direction is Direction.OUTBOUND and not target.answered:
            return "unknown", f"Call {target_id} is an outbound call that has not been answered"
        if bridging.is_bridged(target):
            return "busy", f"Call {target_id} is already bridged with another call"
        if target.run is not None and isinstance(target.run.verb, Forward):
            return "busy", f"Call {target_id} is executing <Forward>"
        return None

    def _target_left(self) -> None:
        """The target left first: `bridgeComplete` on this call."""
        bridging.leave(self.engine, self.call)
        self._complete()

    def _complete(
        self, cause: str | None = None, message: str | None = None, error_id: str | None = None
    ) -> None:
        if self.complete_callback is None:
            self.done()
            return
        self.fetch(
            BridgeCompleteEvent,
            self.complete_callback,
            cause=cause,
            error_message=message,
            error_id=error_id,
        )

    def stop(self) -> None:
        """This call left first (hangup, redirect, new BXML): the target gets its event."""
        super().stop()
        engine = self.engine
        target = bridging.leave(engine, self.call)
        if target is None:
            return
        if isinstance(target.run, bridging.BridgedRun):
            target.run.release()
        if self.target_complete_callback is None:
            engine.end_call(target, "hangup")
        else:
            flow.fetch_bxml(
                engine, target, BridgeTargetCompleteEvent, self.target_complete_callback
            )
