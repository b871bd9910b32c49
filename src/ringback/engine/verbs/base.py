"""The shape of a verb handler: a `VerbRun` per execution; `Feature`s run in the background."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ringback.engine import flow
from ringback.engine.requests import Callback

if TYPE_CHECKING:
    from collections.abc import Callable

    from ringback.engine.call import Call
    from ringback.engine.core import Engine
    from ringback.events import Event


class VerbRun:
    """One execution of one verb on one call.

    The engine calls `start()`; the run calls `done()` when the verb is over, or `fetch()` to
    send a sync webhook whose BXML replaces the rest of the program. `stop()` is called instead
    when the verb is interrupted (redirect, new BXML, hangup); it must undo what `start()` began.
    Subclasses override the hooks they need.
    """

    # Whether running this verb answers an unanswered inbound call.
    ANSWERS_CALL: ClassVar[bool] = True

    def __init__(self, engine: Engine, call: Call, verb: Any) -> None:
        self.engine = engine
        self.call = call
        self.verb = verb
        self.started_at = engine.now
        self.timers: set[int] = set()
        self.finished = False

    @classmethod
    def answers_call(cls, verb: Any) -> bool:
        """Whether this verb needs (and so answers) an unanswered inbound call."""
        return cls.ANSWERS_CALL

    def start(self) -> None:
        """Begin the verb."""
        raise NotImplementedError

    def on_digit(self, digit: str) -> None:
        """The far end pressed a digit while this verb ran."""

    def on_speech(self, duration_s: float) -> None:
        """The far end started speaking while this verb ran."""

    def stop(self) -> None:
        """The verb was interrupted: cancel what it started."""
        self.finished = True
        self.cancel_timers()

    # ---- for subclasses --------------------------------------------------------------------

    def after(self, delay_s: float, fire: Callable[[], None]) -> int:
        """Start a timer owned by this run (cancelled when it ends or is stopped).

        A run already over starts none (the id returned names no timer): `start()` can be
        stopped half-way, when what it does ends the call (a caller hanging up as a prompt
        begins), and must not leave a timer behind on the ended call.
        """
        if self.finished:
            return self.engine.number()

        def guarded() -> None:
            self.timers.discard(timer_id)
            if not self.finished:
                fire()

        timer_id = self.engine.set_timer(self.call, delay_s, guarded)
        self.timers.add(timer_id)
        return timer_id

    def cancel_timers(self) -> None:
        """Cancel every timer this run still has."""
        for timer_id in list(self.timers):
            self.engine.cancel_timer(timer_id)
        self.timers.clear()

    def done(self) -> None:
        """The verb is over; the program goes on with the next verb."""
        if self.finished:
            return
        self.finished = True
        self.cancel_timers()
        flow.finish_verb(self.engine, self.call, self)

    def fetch(self, event_cls: type[Event], callback: Callback, **fields: Any) -> None:
        """End the verb by sending a sync webhook; its BXML replaces the rest of the program."""
        flow.fetch_bxml(self.engine, self.call, event_cls, callback, **fields)
        self.done()

    def callback(self, prefix: str, *, fallback: bool = True) -> Callback | None:
        """The verb's `<prefix>Url` callback with its method, credentials and fallback, resolved."""
        verb = self.verb
        url = getattr(verb, f"{prefix}_url", None)
        if url is None:
            return None
        callback = Callback(
            url=url,
            method=getattr(verb, f"{prefix}_method", "POST") or "POST",
            username=getattr(verb, "username", None),
            password=getattr(verb, "password", None),
            fallback_url=getattr(verb, f"{prefix}_fallback_url", None) if fallback else None,
            fallback_method=getattr(verb, f"{prefix}_fallback_method", "POST") or "POST",
            fallback_username=getattr(verb, "fallback_username", None),
            fallback_password=getattr(verb, "fallback_password", None),
        )
        program = self.call.program
        base = program.base_url if program is not None else self.call.base_url
        return self.engine.resolve(callback, base)


class Feature:
    """Something running in the background of a call: `<StartGather>`, `<StartRecording>`, ...

    Kept in `call.features` under a name; the engine forwards the far end's digits to it and
    tells it when the call ends.
    """

    def on_digit(self, digit: str) -> None:
        """The far end pressed a digit."""

    def on_call_end(self) -> None:
        """The call ended: finish up (send final webhooks)."""
